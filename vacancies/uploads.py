"""Stop reading an advert's upload once it passes the job pack limit.

Django reads a multipart body in full, to memory or a temporary file, the first time
request.POST or request.FILES is touched; DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out and
FILE_UPLOAD_MAX_MEMORY_SIZE only decides when they go to disk. So the posting views put
JobPackSizeLimit first among the request's upload handlers, and it ends the upload when the
files' bytes pass VACANCY_JOB_PACK_MAX_BYTES.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class JobPackSizeLimit(FileUploadHandler):
    """Passes each chunk on to the next handler, and stops the upload once the request's files
    (an advert has one, but a client may send more) add up to more than the limit.

    StopUpload(connection_reset=True) leaves the rest of the body unread: the parser keeps the
    fields before the file and drops the file, and the view sees ``stopped`` and refuses the
    form. The connection is closed after the response, so a browser may show that instead."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.VACANCY_JOB_PACK_MAX_BYTES
        self.received = 0
        self.stopped = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.stopped = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file


def limit_job_pack_upload(view):
    """Install JobPackSizeLimit before anything reads the body, as Django's "Modifying upload
    handlers on the fly" describes: CsrfViewMiddleware reads request.POST (for the token) before
    the view runs, so the view is csrf_exempt, and csrf_protect checks the token once the handler
    is in place. Put this decorator nearest the view: functools.wraps carries the csrf_exempt
    mark out through login_required and ratelimit, which do not read the body, so a refused or
    anonymous request is turned away unread. Setting request.upload_handlers (rather than
    inserting into the list) raises AttributeError if the body was read already."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers = [JobPackSizeLimit(request), *request.upload_handlers]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def upload_stopped(request) -> bool:
    """Whether JobPackSizeLimit cut this request's upload short (once request.FILES is read)."""
    return any(
        isinstance(handler, JobPackSizeLimit) and handler.stopped
        for handler in request.upload_handlers
    )
