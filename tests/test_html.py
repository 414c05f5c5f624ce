"""The one HTML policy (tasp/html.py) for issues and adverts alike."""

from tasp.html import clean_html


def test_scripts_handlers_and_other_schemes_go_formatting_and_links_stay():
    html = (
        '<p onclick="x()">Hi <strong>all</strong><script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://tasp.example.org/">good</a>'
        "<blockquote>Quote</blockquote><iframe src=x></iframe>"
    )
    assert clean_html(html) == (
        '<p>Hi <strong>all</strong></p><a rel="noopener noreferrer">bad</a> '
        '<a href="https://tasp.example.org/" rel="noopener noreferrer">good</a>'
        "<blockquote>Quote</blockquote>"
    )


def test_links_from_the_public_are_nofollow():
    assert 'rel="nofollow noopener noreferrer"' in clean_html(
        '<a href="https://example.com/">x</a>', from_public=True
    )


def test_plain_text_keeps_its_paragraphs():
    assert clean_html("First.\n\nSecond line\nstill second.") == (
        "<p>First.</p>\n\n<p>Second line<br>still second.</p>"
    )
    assert clean_html("") == "" and clean_html(None) == ""
