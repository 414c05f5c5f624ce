"""Checks on job packs, the file a poster attaches to an advert.

The content decides the type, never the name: a PDF or a Word .docx. Each is then opened with a
parser for that type and refused unless it is one plain document of that kind. The refusals say
what was found and what to do, which is nearly always to save the document again from the
program that made it (or as PDF): a damaged or doctored file comes out of that clean.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"  # .docx is a zip holding word/document.xml
# Legacy Word .doc is not accepted: it is an OLE compound file, a container MSI installers and
# other executables share, and telling them apart means parsing the container's directory.
JOB_PACK_TYPES = "Save it as PDF or .docx."
SAVE_AGAIN = "Save it again from Word (or as PDF) and upload the new file."
EXPORT_AGAIN = "Export or print it to PDF again and upload the new file."


def job_pack_kind(uploaded) -> str | None:
    """'pdf' or 'docx' from the file's first bytes (and, for zips, its contents)."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            uploaded.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def too_big_message() -> str:
    """For a job pack whose upload was stopped at the limit (vacancies.uploads): its size is
    not known, only that it is over."""
    limit = filesizeformat(settings.VACANCY_JOB_PACK_MAX_BYTES)
    return (
        f"The job pack is too big: the limit is {limit}. Nothing was saved; make it smaller "
        f"(compress its pictures, or split it) and attach it again."
    )


def validate_job_pack(uploaded) -> None:
    limit = settings.VACANCY_JOB_PACK_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            f"The job pack is {filesizeformat(uploaded.size)}; the limit is {filesizeformat(limit)}.",
            code="too_big",
        )
    kind = job_pack_kind(uploaded)
    if kind is None:
        raise ValidationError(
            f"The job pack must be a PDF or a Word .docx file (older .doc files are not "
            f"accepted). {JOB_PACK_TYPES}",
            code="wrong_type",
        )
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    if extension != kind:
        raise ValidationError(
            f"This file is a {kind.upper()} document but is named .{extension or '(none)'}; "
            f"rename it to end in .{kind}.",
            code="wrong_name",
        )
    try:
        if kind == "pdf":
            check_pdf(uploaded)
        else:
            check_docx(uploaded)
    finally:
        uploaded.seek(0)


# --- PDF ----------------------------------------------------------------------------------------

# The header, then comment lines (the "binary" comment) and whitespace, then the first object.
PDF_START = re.compile(
    rb"%PDF-\d\.\d[ \t]*(?:%[^\r\n]*)?(?:\r\n|\r|\n)"
    rb"(?:[\x00\t\n\x0c\r ]*%[^\r\n]*(?:\r\n|\r|\n))*"
    rb"[\x00\t\n\x0c\r ]*\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj\b"
)
# The end-of-file marker, then nothing but whitespace.
PDF_END = re.compile(rb"%%EOF[\x00\t\n\x0c\r ]*\Z")
PDF_HEAD_BYTES = 64 * 1024
PDF_TAIL_BYTES = 1024
# Reading an object costs pypdf about a third of a millisecond; a long report exported from Word
# has a few thousand, and a file made of tiny objects could keep a worker busy for minutes.
PDF_MAX_OBJECTS = 50_000

# Action types (ISO 32000-1, 12.6.4) that run a script or a program.
PDF_RUNNING_ACTIONS = ("/JavaScript", "/Launch")  # a tuple: /S may hold any object


def check_pdf(uploaded) -> None:
    """Refuse what is not exactly one PDF document with pages, or carries scripts or files.

    A polyglot is a file that is two formats at once: a PDF to the checks and a web page, a
    program or a zip to something else. PDF readers are lenient: they find the document from its
    end and repair what does not add up, so anything put before the first object, after the end
    or between objects is ignored by them and there for the other format. So the rules are the
    format's own, with no repairing:

    - the header is followed straight away by the first object (comments and whitespace aside),
      and the last %%EOF marker by nothing but whitespace (ISO 32000-1, 7.5.2 and 7.5.5), so
      nothing can sit before or after the document;
    - pypdf parses it in strict mode, in which the cross-reference table must point at each
      object where it is, so nothing was slipped in between objects after the table was made;
    - it is not also a zip archive (a zip is found from the end, so one can hide in a PDF's
      last stream).

    What is left to hide in is a comment or an object's data, where it is part of the PDF; and
    the pack is only ever served as an attachment, sandboxed and with nosniff
    (vacancies.views.job_pack), so nothing reads it as a page of the site.

    A PDF exported from Word or printed to PDF keeps these rules; a damaged one is fixed by
    exporting it again, which the message says. Then the document (decrypted with an empty
    password if it has only an owner's password) must have a page, and nothing a reader can
    reach from its trailer may be a JavaScript or launch action, an XFA form (which runs
    scripts), or an embedded or attached file.
    """
    from pypdf import PdfReader

    uploaded.seek(0)
    head = uploaded.read(PDF_HEAD_BYTES)
    uploaded.seek(max(uploaded.size - PDF_TAIL_BYTES, 0))
    tail = uploaded.read(PDF_TAIL_BYTES)
    uploaded.seek(0)
    if not PDF_START.match(head) or not PDF_END.search(tail) or zipfile.is_zipfile(uploaded):
        raise ValidationError(
            "This PDF has other data hidden before, inside or after the document, a trick used "
            f"to disguise harmful files. {EXPORT_AGAIN}",
            code="pdf_extra_data",
        )
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "This PDF is protected by a password. Save a copy without the password and "
                "upload that.",
                code="pdf_password",
            )
        found = _pdf_hazard(reader.trailer)  # first: it stops at PDF_MAX_OBJECTS
        pages = 0 if found else len(reader.pages)  # the page tree's objects were read by then
    except ValidationError:
        raise
    except Exception as error:  # anything pypdf cannot make sense of is not a PDF we take
        raise ValidationError(
            f"This PDF could not be read: it may be damaged, or not really a PDF. {EXPORT_AGAIN}",
            code="pdf_unreadable",
        ) from error
    if found == "too_many":
        raise ValidationError(
            f"This PDF has more than {PDF_MAX_OBJECTS:,} parts, too many to check. {EXPORT_AGAIN}",
            code="pdf_too_many_objects",
        )
    if found == "script":
        raise ValidationError(
            "This PDF contains JavaScript or an action that starts a program. Print it to a new "
            "PDF (which leaves them out) and upload that.",
            code="pdf_script",
        )
    if found == "file":
        raise ValidationError(
            "This PDF has files attached inside it. Remove the attachments, or print it to a new "
            "PDF, and upload that.",
            code="pdf_embedded_file",
        )
    if not pages:
        raise ValidationError(f"This PDF has no pages. {EXPORT_AGAIN}", code="pdf_no_pages")


def _pdf_hazard(trailer) -> str | None:
    """'script' or 'file' when an object reachable from the trailer is one, 'too_many' past
    PDF_MAX_OBJECTS objects; None otherwise.

    Every dictionary and array is visited once (by object number), without decoding streams'
    data; pypdf has already undone the #xx escapes in names, so /Java#53cript is /JavaScript.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = set()
    stack = [trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > PDF_MAX_OBJECTS:
                return "too_many"
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            keys = set(item.keys())
            # item[key] follows a reference (/S 7 0 R is allowed); item.get(key) would not.
            kind = {key: item[key] for key in ("/S", "/Type", "/Subtype") if key in keys}
            if "/JS" in keys or "/XFA" in keys or kind.get("/S") in PDF_RUNNING_ACTIONS:
                return "script"
            if (
                {"/EmbeddedFiles", "/EF"} & keys
                or kind.get("/Type") == "/EmbeddedFile"
                or kind.get("/Subtype") == "/FileAttachment"
            ):
                return "file"
            if "/JavaScript" in keys:  # the name tree of document scripts
                return "script"
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


# --- Word .docx ---------------------------------------------------------------------------------

CONTENT_TYPES_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORD_DOCUMENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
# Names that run when opened or double-clicked, on Windows, macOS or Linux.
PROGRAM_EXTENSIONS = {
    ".app", ".bat", ".cmd", ".com", ".cpl", ".dll", ".exe", ".hta", ".jar", ".js", ".jse",
    ".lnk", ".msc", ".msi", ".msp", ".pif", ".ps1", ".psm1", ".reg", ".scr", ".sh", ".sys",
    ".vb", ".vbe", ".vbs", ".wsc", ".wsf", ".wsh",
}  # fmt: skip
MACRO_PARTS = {"vbaproject.bin", "vbadata.xml"}
MAX_ENTRIES = 2000  # a long document with many pictures has a few hundred
MAX_RATIO = 100  # Word's XML packs 5-20 times; zeros pack 1,000 times
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts may pack better than that harmlessly
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
CHUNK = 64 * 1024


def check_docx(uploaded) -> None:
    """Refuse a .docx that is not a plain Word document, or that carries programs or macros, or
    that would unpack to more than VACANCY_JOB_PACK_MAX_EXPANDED_BYTES (a zip bomb).

    Every part is named safely (no absolute paths, ``..`` or backslashes, which unpack outside
    the folder they are unpacked into), appears once (zip readers that disagree on which of two
    copies counts see different documents), is not a program by its name or by its first bytes,
    and is not a macro project, an ActiveX control or an embedded OLE object (the ways a Word
    file carries code). Nothing follows the archive's end record. The sizes the archive declares
    are checked first; then every part is unpacked and counted while reading, since the
    declared sizes can lie, which also checks every part's checksum.
    """
    expanded_limit = settings.VACANCY_JOB_PACK_MAX_EXPANDED_BYTES
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            _check_entries(entries, expanded_limit)
            _check_ends_at_end_record(uploaded, archive)
            _check_content_types(archive)
            total = 0
            for entry in entries:
                with archive.open(entry) as part:
                    first = part.read(CHUNK)
                    if _is_program(first):
                        raise _program_error(entry.filename)
                    total += len(first)
                    while total <= expanded_limit and (chunk := part.read(CHUNK)):
                        total += len(chunk)
                if total > expanded_limit:
                    raise _expands_too_far(expanded_limit)
    except ValidationError:
        raise
    except Exception as error:  # a bad checksum, an unknown compression method, encryption...
        raise ValidationError(
            f"This Word document could not be read: it may be damaged, or not really a .docx "
            f"file. {SAVE_AGAIN}",
            code="docx_unreadable",
        ) from error


def _check_entries(entries, expanded_limit: int) -> None:
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(
            f"This Word document has more than {MAX_ENTRIES} parts. {SAVE_AGAIN}",
            code="docx_too_many_parts",
        )
    names = set()
    for entry in entries:
        name = entry.filename
        if (
            name.startswith("/")
            or "\\" in name
            or "\x00" in name
            or ".." in name.split("/")
            or re.match(r"[A-Za-z]:", name)
        ):
            raise ValidationError(
                f"This Word document contains a file with an unsafe name ({name[:80]}). "
                f"{SAVE_AGAIN}",
                code="docx_unsafe_name",
            )
        if name.lower() in names:
            raise ValidationError(
                f"This Word document contains two parts named {name[:80]}. {SAVE_AGAIN}",
                code="docx_duplicate_name",
            )
        names.add(name.lower())
        base = posixpath.basename(name.lower())
        if posixpath.splitext(base)[1] in PROGRAM_EXTENSIONS:
            raise _program_error(name)
        if base in MACRO_PARTS:
            raise _macros_error()
        folder = posixpath.dirname(name.lower())
        if folder.startswith("word/activex") or (
            folder.startswith("word/embeddings") and base.endswith(".bin")
        ):
            raise ValidationError(
                f"This Word document contains an embedded object or control ({name[:80]}), "
                f"which can hold a program. Remove it, or save the document as PDF, and upload "
                f"it again.",
                code="docx_embedded_object",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_RATIO:
            raise ValidationError(
                f"This Word document is packed the way harmful files are: a part of it unpacks "
                f"to more than {MAX_RATIO} times its packed size. {SAVE_AGAIN}",
                code="docx_ratio",
            )
    if sum(entry.file_size for entry in entries) > expanded_limit:
        raise _expands_too_far(expanded_limit)


def _check_ends_at_end_record(uploaded, archive) -> None:
    """The end-of-central-directory record (and its comment, if any) ends the file, so no
    other format's data is appended, and Word writes no comment."""
    uploaded.seek(0, 2)
    size = uploaded.tell()
    uploaded.seek(size - 22 - len(archive.comment))
    if archive.comment or uploaded.read(4) != b"PK\x05\x06":
        raise ValidationError(
            f"This Word document has other data added after its end, a trick used to disguise "
            f"harmful files. {SAVE_AGAIN}",
            code="docx_extra_data",
        )


def _check_content_types(archive) -> None:
    """[Content_Types].xml declares word/document.xml a Word document, and nothing declares
    macros (a .docm renamed to .docx)."""
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > CONTENT_TYPES_MAX_BYTES:
        raise ValueError("[Content_Types].xml is too big")
    with archive.open(info) as part:
        data = part.read(CONTENT_TYPES_MAX_BYTES + 1)
    if len(data) > CONTENT_TYPES_MAX_BYTES or b"<!DOCTYPE" in data.upper():
        raise ValueError("[Content_Types].xml is too big or declares entities")
    root = ElementTree.fromstring(data)
    # These ValueErrors and the parser's errors become "could not be read" in check_docx.
    defaults = {
        element.get("Extension", "").lower(): element.get("ContentType", "")
        for element in root.iter(f"{CONTENT_TYPES_NAMESPACE}Default")
    }
    overrides = {
        element.get("PartName", "").lower(): element.get("ContentType", "")
        for element in root.iter(f"{CONTENT_TYPES_NAMESPACE}Override")
    }
    declared = [*defaults.values(), *overrides.values()]
    if any("macroenabled" in kind.lower() or "vbaproject" in kind.lower() for kind in declared):
        raise _macros_error()
    if overrides.get("/word/document.xml", defaults.get("xml")) != WORD_DOCUMENT_TYPE:
        raise ValidationError(
            "This is not a Word document (.docx): it may be a template or another program's "
            'file. Save it as "Word Document" or as PDF and upload it again.',
            code="docx_not_word",
        )


def _is_program(first: bytes) -> bool:
    """A Windows program (MZ, then the PE header where the MZ header points) or a Linux one."""
    if first.startswith(b"\x7fELF"):
        return True
    if first.startswith(b"MZ") and len(first) >= 64:
        offset = int.from_bytes(first[60:64], "little")
        return first[offset : offset + 4] == b"PE\x00\x00"
    return False


def _program_error(name: str) -> ValidationError:
    return ValidationError(
        f"This Word document contains a program file ({name[:80]}). Remove it, or save the "
        f"document as PDF, and upload it again.",
        code="docx_program",
    )


def _macros_error() -> ValidationError:
    return ValidationError(
        'This Word document contains macros. Save it as "Word Document" (.docx), which leaves '
        "them out, or as PDF, and upload it again.",
        code="docx_macros",
    )


def _expands_too_far(limit: int) -> ValidationError:
    return ValidationError(
        f"This Word document unpacks to more than {filesizeformat(limit)}, the limit. Compress "
        f"its pictures (or save it as PDF) and upload it again.",
        code="docx_too_big_unpacked",
    )
