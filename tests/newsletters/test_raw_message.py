"""The SMTP fast path's bytes: quoted-printable bodies encoded once per send, read back by
Python's strict email parser as exactly what the Django path sends, within RFC limits."""

from email import message_from_bytes, policy

import pytest

from newsletters.rendering import (
    MimeTemplate,
    Recipient,
    RenderedIssue,
    ending_softly,
    personal_part,
    quoted_printable,
)
from tests.newsletters.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

HTML = (
    "<p>Dear %%TASP_NAME%%,</p>\n"
    + "<p style=\"margin:0\">Café news = good news. €5 tickets.</p>\n" * 30
    + ".a line that starts with a dot\n"
    + "<p>" + "word " * 60 + "</p>\n"  # one long line
    + '<a href="%%TASP_PREFERENCES_URL%%">Preferences</a> '
    + '<a href="%%TASP_UNSUBSCRIBE_URL%%">Unsubscribe</a>\n'
)  # fmt: skip
TEXT = "Dear %%TASP_NAME%%,\n\n.Dotted\nTrailing space \nUnsubscribe: %%TASP_UNSUBSCRIBE_URL%%\n"


def template():
    return MimeTemplate(
        RenderedIssue("Spring news", HTML, TEXT),
        newsletter=NewsletterFactory(),
        send_header="tasp-send-7",
    )


def recipient(name="Zoë <O'Brien> & co"):
    return Recipient(
        email="zoe@example.org", name=name, token="tok", message_id="<7.1@tasp.example.org>"
    )


def test_the_bodies_read_back_as_the_django_path_sends_them():
    mime = template()
    raw = mime.build(recipient())
    parsed = message_from_bytes(raw, policy=policy.strict)
    django = mime.build_email(recipient())

    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == django.body
    assert (
        parsed.get_body(("html",)).get_content().replace("\r\n", "\n")
        == (django.alternatives[0][0])
    )
    assert "Zoë &lt;O&#x27;Brien&gt; &amp; co" in django.alternatives[0][0]


def test_every_line_fits_rfc_2045_and_none_needs_dot_stuffing():
    raw = template().build(recipient(name=".Dot " * 30))
    body = raw.split(b"\r\n\r\n", 1)[1]
    for line in body.split(b"\r\n"):
        assert len(line) <= 76, line
        assert not line.startswith(b"."), line
    assert b"Content-Transfer-Encoding: quoted-printable" in raw


@pytest.mark.parametrize(
    "text",
    ["", ".", "..\n.", "a \n", "x" * 200, "=" * 100, "é" * 100, " " * 90 + "\n.", "\t.\n. "],
)
def test_quoted_printable_round_trips(text):
    import quopri

    encoded = quoted_printable(text)
    assert all(len(line) <= 76 and not line.startswith(b".") for line in encoded.split(b"\r\n"))
    assert quopri.decodestring(encoded.replace(b"\r\n", b"\n")).decode() == text


@pytest.mark.parametrize(
    "value",
    [
        "Zoë",
        "Ann Smith",
        "https://tasp.example.org/newsletters/unsubscribe/" + "Ab-_:9" * 30 + "/",
        "x" * 75 + ".starts a line",
        "a=b",
        "ends in a space ",
        "tab\there",
        "",
    ],
)
def test_a_personal_part_decodes_as_the_encoder_would_have_it(value):
    import quopri

    encoded = personal_part(value)
    assert encoded.endswith(b"=\r\n")  # the text goes on in the next piece
    assert all(len(line) <= 76 and not line.startswith(b".") for line in encoded.split(b"\r\n"))
    decoded = quopri.decodestring(encoded.replace(b"\r\n", b"\n")).decode()
    assert decoded == value
    expected = quopri.decodestring(ending_softly(quoted_printable(value)).replace(b"\r\n", b"\n"))
    assert decoded == expected.decode()
