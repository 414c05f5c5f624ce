"""Opens and clicks, counted per send and never per reader; off entirely with the setting."""

import re
from html import unescape

import pytest
from django.urls import reverse

from newsletters import engagement, sending
from newsletters.models import Delivery, Item, Section, Send, SendLink, SendOpen
from tests.newsletters.factories import IssueFactory, subscribe

pytestmark = pytest.mark.django_db

PIXEL = re.compile(r'<img src="http://127\.0\.0\.1:8000(/newsletters/open/\d+/([\w-]+)\.gif)"')
CLICK = re.compile(r'href="http://127\.0\.0\.1:8000(/newsletters/link/[^"/]+/)"')


def sent_issue(newsletter, readers: int = 2):
    """An issue with a web link twice, a mailto link and a link in an item, sent to
    ``readers`` subscribers in this process (the locmem outbox)."""
    readers = subscribe(newsletter, readers)
    issue = IssueFactory(
        newsletter=newsletter,
        welcome='<p>See <a href="https://example.com/report?a=1&amp;b=2">the report</a>, '
        '<a href="https://example.com/report?a=1&amp;b=2">again</a> or '
        '<a href="mailto:office@tasp.example.org">write</a>.</p>',
    )
    send = Send.objects.create(issue=issue, newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    sending.send_batch(batch_id=batch.pk)
    send.refresh_from_db()
    return send, readers


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_links_go_through_the_counting_redirect_once_per_address(newsletter, mailoutbox):
    send, _ = sent_issue(newsletter)

    assert send.tracked
    links = list(send.links.values_list("position", "url", "label"))
    assert links[0] == (
        1,
        f"http://127.0.0.1:8000{send.issue.get_absolute_url()}",
        "View this email in your browser",
    )
    assert (2, "https://example.com/report?a=1&b=2", "the report") in links
    assert ("https://tasp.example.org/conference", "Book a place") in [
        (u, lab) for _, u, lab in links
    ]
    assert len({url for _, url, _ in links}) == len(links)  # one row per address
    html = html_of(mailoutbox[0])
    assert 'href="https://example.com' not in html and 'href="https://tasp.example.org' not in html
    assert 'href="mailto:office@tasp.example.org"' in html  # not a web link: left alone
    # The reader's own links are theirs, not counted.
    assert "/newsletters/unsubscribe/" in html and "/newsletters/preferences/" in html
    # The plain text keeps the real addresses.
    assert "https://tasp.example.org/conference" in mailoutbox[0].body
    assert "/newsletters/link/" not in mailoutbox[0].body


def test_every_message_has_its_own_pixel_code_and_nothing_keeps_it(newsletter, mailoutbox):
    send, _ = sent_issue(newsletter, readers=3)

    codes = [PIXEL.search(html_of(m)).group(2) for m in mailoutbox]
    assert len(set(codes)) == 3
    # Nothing written when sending holds a code: not the deliveries, not the send.
    for code in codes:
        assert (
            not Delivery.objects.filter(last_error__contains=code[:12]).exists()
            and not Delivery.objects.filter(message_id__contains=code[:12]).exists()
        )
        assert code not in send.html_template
    assert not SendOpen.objects.exists()


def test_an_open_counts_once_per_message_and_a_made_up_code_not_at_all(
    client, newsletter, mailoutbox
):
    send, _ = sent_issue(newsletter, readers=3)
    first, second, _ = [PIXEL.search(html_of(m)).group(1) for m in mailoutbox]

    for path in [first, first, second, first]:
        response = client.get(path)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert "no-store" in response["Cache-Control"]
    forged = re.sub(r"/[\w-]+\.gif$", "/AAAAAAAAAAAAAAAAAAAAAAAA.gif", first)
    other_send = first.replace(f"/open/{send.pk}/", f"/open/{send.pk + 1}/")
    for path in [forged, other_send, first.replace(".gif", "x.gif")]:
        assert client.get(path).status_code == 200  # a pixel all the same, counting nothing

    assert send.opens.count() == 2
    assert not SendOpen.objects.exclude(send=send).exists()


def test_a_head_request_counts_nothing(client, newsletter, mailoutbox):
    send, _ = sent_issue(newsletter, readers=1)
    pixel = PIXEL.search(html_of(mailoutbox[0])).group(1)
    link = CLICK.search(html_of(mailoutbox[0])).group(1)

    assert client.head(pixel).status_code == 200
    assert client.head(link).status_code == 302

    assert send.opens.count() == 0 and sum(send.links.values_list("clicks", flat=True)) == 0


def test_a_click_is_counted_for_its_link_and_goes_where_the_email_said(
    client, newsletter, mailoutbox
):
    send, _ = sent_issue(newsletter)
    report = send.links.get(url="https://example.com/report?a=1&b=2")
    html = html_of(mailoutbox[0])
    url = unescape(
        re.search(r'href="http://127\.0\.0\.1:8000([^"]+)"[^>]*>the report</a>', html).group(1)
    )

    response = client.get(url)
    client.get(url)

    assert response.status_code == 302 and response["Location"] == report.url
    report.refresh_from_db()
    assert report.clicks == 2
    assert sum(send.links.exclude(pk=report.pk).values_list("clicks", flat=True)) == 0
    # The same link in the second reader's email is the same address: it names no reader.
    assert url in unescape(html_of(mailoutbox[1]))


def test_the_redirect_goes_only_to_links_of_that_email(client, newsletter, mailoutbox):
    send, _ = sent_issue(newsletter)
    token = CLICK.search(html_of(mailoutbox[0])).group(1).split("/")[-2]
    value, signature = token.split(":", 1)
    forged = [
        f"{send.pk}.99:{signature}",  # another position
        f"{send.pk + 1}.1:{signature}",  # another send
        "https:evil.example",
        f"{value}:{signature[:-2]}xx",
    ]
    for bad in forged:
        response = client.get(reverse("newsletters:click", args=[bad]))
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    # A signed token for a position the email never had leads nowhere either.
    signed = engagement.click_url(send.pk, 99).removeprefix("http://127.0.0.1:8000")
    assert client.get(signed).status_code == 404


def test_a_link_stored_with_another_scheme_is_never_followed(client, newsletter):
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    SendLink.objects.create(send=send, position=1, url="javascript:alert(1)")
    url = engagement.click_url(send.pk, 1).removeprefix("http://127.0.0.1:8000")

    assert client.get(url).status_code == 404


def test_with_tracking_off_there_is_no_pixel_no_redirect_and_nothing_counted(
    client, newsletter, settings, mailoutbox
):
    settings.NEWSLETTER_TRACKING = False

    send, _ = sent_issue(newsletter)

    html = html_of(mailoutbox[0])
    assert not send.tracked and not send.links.exists()
    assert "/newsletters/open/" not in html and "/newsletters/link/" not in html
    assert 'href="https://example.com/report?a=1&amp;b=2"' in html
    assert 'href="https://tasp.example.org/conference"' in html


def test_turning_tracking_off_stops_counting_but_sent_links_still_work(
    client, newsletter, settings, mailoutbox
):
    send, _ = sent_issue(newsletter, readers=1)
    pixel = PIXEL.search(html_of(mailoutbox[0])).group(1)
    link = CLICK.search(html_of(mailoutbox[0])).group(1)
    settings.NEWSLETTER_TRACKING = False

    assert client.get(pixel).status_code == 200
    response = client.get(link)

    assert response.status_code == 302 and response["Location"].startswith("http")
    assert send.opens.count() == 0 and sum(send.links.values_list("clicks", flat=True)) == 0


def test_test_sends_and_previews_carry_no_pixel_and_real_links(
    staff_client, newsletter, mailoutbox
):
    issue = IssueFactory(newsletter=newsletter)

    sending.send_test(issue=issue, newsletter=newsletter, emails=["editor@example.org"])
    preview = staff_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk, "html"]))

    for html in [html_of(mailoutbox[0]), preview.content.decode()]:
        assert "/newsletters/open/" not in html and "/newsletters/link/" not in html
        assert 'href="https://tasp.example.org/conference"' in html
    assert not SendLink.objects.exists()


def test_an_email_with_many_links_records_them_in_one_query(
    newsletter, django_assert_max_num_queries
):
    issue = IssueFactory(newsletter=newsletter)
    section = Section.objects.create(issue=issue, heading="More", position=2)
    Item.objects.bulk_create(
        Item(
            section=section,
            title=f"Item {n}",
            body="<p>More.</p>",
            link_url=f"https://example.com/{n}",
            position=n,
        )
        for n in range(40)
    )
    send = Send.objects.create(issue=issue, newsletter=newsletter)
    rendered = sending.RenderedIssue.render(issue, newsletter)

    with django_assert_max_num_queries(1):
        engagement.track(rendered, send=send)

    assert send.links.count() == 40 + 2  # and "View in browser" and the first item's link


def test_an_open_code_checks_itself():
    codes = engagement.OpenCodes(7)
    code = codes.new()

    assert len(code) == 24 and codes.nonce_of(code) == code[:12]
    assert engagement.OpenCodes(8).nonce_of(code) is None
    for bad in ["", "x", code[:-1], code[:-1] + ("A" if code[-1] != "A" else "B"), "é" * 24]:
        assert codes.nonce_of(bad) is None


def test_the_smtp_fast_path_gives_each_message_a_code_that_counts(client, newsletter, smtp_server):
    subscribe(newsletter, 2)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)

    sending.send_batch(batch_id=batch.pk)

    htmls = [m["message"].get_body(("html",)).get_content() for m in smtp_server.wait_for(2)]
    pixels = [PIXEL.search(html).group(1) for html in htmls]
    assert len(set(pixels)) == 2
    for pixel in pixels:
        client.get(pixel)
    client.get(CLICK.search(htmls[0]).group(1))
    assert send.opens.count() == 2
    assert sum(send.links.values_list("clicks", flat=True)) == 1
