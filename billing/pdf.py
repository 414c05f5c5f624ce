"""Invoice PDFs drawn with reportlab: everything a finance office needs to pay, on one page
(or, with a long list of representatives, on as many as it takes, each numbered)."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.dateformat import format as format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tasp.templatetags.money import money

from .models import CreditNote, Invoice


def _day(value) -> str:
    return format_date(value, "j F Y")


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines() if line.strip())


def _vat(line) -> str:
    rate = f" {line.vat_rate.normalize():f}%" if line.vat_rate else ""
    return escape(line.get_vat_treatment_display() + rate)


MARGIN = 18 * mm
FRAME_PADDING = 6  # reportlab's default: the text column starts this far inside the margin
FOOTER_Y = 9 * mm  # in the bottom margin, below the lowest line the frame can hold


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, so each footer can say "Page 2 of 3"."""

    def __init__(self, *args, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, page in enumerate(self._held, start=1):
            self.__dict__.update(page)
            width, _ = self._pagesize
            self.setFont("Helvetica", 8)
            left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
            self.drawString(left, FOOTER_Y, self._footer)
            self.drawRightString(right, FOOTER_Y, f"Page {number} of {len(self._held)}")
            super().showPage()
        super().save()


def _document(buffer: BytesIO, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=settings.CHARITY["name"],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )


def _letterhead(styles) -> list:
    """Who is billing: name, address, contact, charity number and (when registered) VAT number."""
    charity = settings.CHARITY
    return [
        Paragraph(escape(charity["name"]), styles["Title"]),
        Paragraph(
            "<br/>".join(escape(line) for line in charity["address"])
            + f"<br/>{escape(charity['email'])} · {escape(charity['phone'])}"
            + f"<br/>Registered charity number {escape(charity['charity_number'])}"
            + (
                f"<br/>VAT registration number {escape(settings.INVOICE_VAT_NUMBER)}"
                if settings.INVOICE_VAT_NUMBER
                else ""
            ),
            styles["BodyText"],
        ),
        Spacer(1, 6 * mm),
    ]


def _addressee(invoice: Invoice, details: str, body) -> list:
    bill_to = f"<b>Bill to</b><br/>{escape(invoice.bill_to_name)}"
    if invoice.bill_to_contact:
        bill_to += f"<br/>For the attention of {escape(invoice.bill_to_contact)}"
    if invoice.bill_to_address:
        bill_to += f"<br/>{_lines(invoice.bill_to_address)}"
    header = Table([[Paragraph(bill_to, body), Paragraph(details, body)]], colWidths=["55%", "45%"])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [header, Spacer(1, 6 * mm)]


def _table(rows: list, totals: int) -> Table:
    """Lines with their figures, then ``totals`` rows of totals under the last two columns.
    Text that can run long (the description, the VAT treatment) goes in Paragraphs so it wraps
    inside its column; figures stay on one line, in columns wide enough for £999,999.99, and
    the VAT column for "Outside the scope of VAT" on one line. A line naming forty
    representatives is taller than a page: it splits inside the row and the column headings
    repeat on each page it continues onto."""
    table = Table(
        rows,
        colWidths=[60 * mm, 10 * mm, 22 * mm, 38 * mm, 22 * mm, 22 * mm],
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "LEFT"),
                ("LINEABOVE", (4, -totals), (-1, -totals), 0.5, colors.black),
                ("FONTNAME", (4, -1), (-1, -1), "Helvetica-Bold"),
                ("NOSPLIT", (0, -totals), (-1, -1)),
            ]
        )
    )
    return table


HEADINGS = ["Description", "Qty", "Unit price", "VAT", "Net", "VAT amount"]


def render_invoice_pdf(invoice: Invoice, *, receipt: bool = False) -> bytes:
    """The invoice; with ``receipt``, the receipt for a paid one: the same lines, the payments
    received and nothing left to pay."""
    bank = settings.INVOICE_BANK_DETAILS
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = BytesIO()
    kind = "Receipt" if receipt else "Invoice"
    doc = _document(buffer, f"{kind} {invoice.number}")
    story = _letterhead(styles)
    marked = {"paid": " (PAID)", "void": " (VOID)"}.get(invoice.status, "")
    heading = (
        f"Receipt for invoice {escape(invoice.number)}"
        if receipt
        else f"Invoice {escape(invoice.number)}{marked}"
    )
    story.append(Paragraph(heading, styles["Heading2"]))
    details = (
        f"<b>Invoice number:</b> {escape(invoice.number)}<br/>"
        f"<b>Invoice date:</b> {_day(invoice.issued_on)}<br/>"
        + (
            f"<b>Paid on:</b> {_day(invoice.paid_on)}<br/>"
            if receipt and invoice.paid_on
            else f"<b>Due date:</b> {_day(invoice.due_on)}<br/>"
        )
        + f"<b>Purchase order:</b> {escape(invoice.po_number) or 'none given'}"
    )
    story += _addressee(invoice, details, body)

    rows = [HEADINGS]
    for line in invoice.lines.all():
        rows.append(
            [
                Paragraph(escape(line.description), small),
                str(line.quantity),
                money(line.unit_price),
                Paragraph(_vat(line), small),
                money(line.net_amount),
                money(line.vat_amount),
            ]
        )
    totals = [
        ["", "", "", "", "Net total", money(invoice.net_total)],
        ["", "", "", "", "VAT", money(invoice.vat_total)],
        ["", "", "", "", "Total", money(invoice.total)],
    ]
    credit_notes = list(invoice.credit_notes.all())
    payments = list(invoice.payments.all())
    if not (receipt or credit_notes or payments):
        totals[-1][4] = "Total due"
    for note in credit_notes:
        totals.append(["", "", "", "", f"Credit {note.number}", f"-{money(note.total)}"])
    if receipt:
        for payment in payments:
            totals.append(
                [
                    Paragraph(
                        escape(
                            f"{payment.get_method_display()} received {_day(payment.received_on)}"
                            + (f", reference {payment.reference}" if payment.reference else "")
                        ),
                        small,
                    ),
                    "",
                    "",
                    "",
                    "Paid",
                    f"-{money(payment.amount)}",
                ]
            )
    elif payments:
        totals.append(["", "", "", "", "Paid", f"-{money(invoice.amount_paid)}"])
    balance = max(invoice.balance, 0) if invoice.status != Invoice.Status.VOID else 0
    if receipt or credit_notes or payments:
        totals.append(["", "", "", "", "Balance" if receipt else "Balance due", money(balance)])
    story += [_table(rows + totals, len(totals)), Spacer(1, 6 * mm)]
    if receipt:
        story.append(
            Paragraph(
                f"<b>Paid in full, with thanks.</b> This receipt confirms that {escape(invoice.number)} "
                "has been settled; keep it with your copy of the invoice.",
                body,
            )
        )
    elif invoice.status == Invoice.Status.ISSUED and balance > 0:
        story.append(
            Paragraph(
                f"<b>Please pay {money(balance)} by {_day(invoice.due_on)}</b> "
                f"({settings.INVOICE_PAYMENT_TERMS_DAYS} days from the invoice date), quoting "
                f"{escape(invoice.number)} as the reference.<br/>"
                f"Bank transfer (BACS) to {escape(bank['account_name'])}, {escape(bank['bank'])}, "
                f"sort code {escape(bank['sort_code'])}, account number "
                f"{escape(bank['account_number'])}.",
                body,
            )
        )
    if invoice.notes:
        story += [Spacer(1, 4 * mm), Paragraph(_lines(invoice.notes), body)]
    if invoice.status == Invoice.Status.VOID and invoice.void_reason:
        story += [Paragraph(f"Void: {escape(invoice.void_reason)}", body)]
    footer = f"{kind} {invoice.number}"
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def render_credit_note_pdf(note: CreditNote) -> bytes:
    """A credit note: which invoice it reduces, by how much (net and VAT) and why."""
    invoice = note.invoice
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = BytesIO()
    doc = _document(buffer, f"Credit note {note.number}")
    story = _letterhead(styles)
    story.append(Paragraph(f"Credit note {escape(note.number)}", styles["Heading2"]))
    details = (
        f"<b>Credit note number:</b> {escape(note.number)}<br/>"
        f"<b>Date:</b> {_day(note.issued_on)}<br/>"
        f"<b>Against invoice:</b> {escape(invoice.number)} of {_day(invoice.issued_on)}<br/>"
        f"<b>Purchase order:</b> {escape(invoice.po_number) or 'none given'}"
    )
    story += _addressee(invoice, details, body)
    treatments = {line.get_vat_treatment_display() for line in invoice.lines.all()}
    rows = [
        HEADINGS,
        [
            Paragraph(escape(f"Credit against invoice {invoice.number}: {note.reason}"), small),
            "1",
            money(note.net_total),
            Paragraph(escape(", ".join(sorted(treatments))), small),
            money(note.net_total),
            money(note.vat_total),
        ],
        ["", "", "", "", "Net credit", money(note.net_total)],
        ["", "", "", "", "VAT", money(note.vat_total)],
        ["", "", "", "", "Total credit", money(note.total)],
    ]
    story += [_table(rows, 3), Spacer(1, 6 * mm)]
    balance = max(invoice.balance, 0) if invoice.status == Invoice.Status.ISSUED else 0
    story.append(
        Paragraph(
            f"This credit note reduces invoice {escape(invoice.number)} "
            f"({money(invoice.total)}) by {money(note.total)}. "
            + (
                f"{money(balance)} remains to pay."
                if balance
                else "Nothing remains to pay on it; if you have already paid, we will refund "
                "or credit the difference."
            ),
            body,
        )
    )
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=f"Credit note {note.number}"))
    return buffer.getvalue()
