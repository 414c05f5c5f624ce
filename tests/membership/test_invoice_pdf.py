"""The invoice PDF's layout: every text run sits on the page and clear of every other run,
whatever the VAT treatment and however many representatives, names and addresses it carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader
from pypdf.generic import ContentStream, FloatObject, NumberObject
from pypdf.generic._font import Font  # pypdf's metrics, the standard 14 fonts included
from reportlab.lib.units import mm

from billing import services as billing
from billing.models import InvoiceLine
from billing.pdf import money, render_invoice_pdf
from membership import services
from membership.services import RepresentativeData
from tests.membership.factories import ROLES, FeeScheduleFactory, MembershipFactory, representatives

pytestmark = pytest.mark.django_db

TREATMENTS = [choice.value for choice in InvoiceLine.VatTreatment]
# Most printers cannot reach the outer few millimetres of a sheet.
PRINTABLE_MARGIN = 5 * mm
# Glyph boxes that merely touch (a bold label and its value) do not overlap.
TOLERANCE = 0.5
IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


@dataclass(frozen=True)
class Run:
    """One shown string (Tj, or a string in a TJ array) and the box its glyphs cover."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Run) -> bool:
        return (
            self.x0 < other.x1 - TOLERANCE
            and other.x0 < self.x1 - TOLERANCE
            and self.y0 < other.y1 - TOLERANCE
            and other.y0 < self.y1 - TOLERANCE
        )

    def __str__(self) -> str:
        box = f"({self.x0:.1f}, {self.y0:.1f})-({self.x1:.1f}, {self.y1:.1f})"
        return f"page {self.page} {box} {self.text!r}"


def _multiply(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _translate(tx: float, ty: float, matrix: list[float]) -> list[float]:
    return _multiply([1.0, 0.0, 0.0, 1.0, tx, ty], matrix)


def _raw(string) -> bytes:
    return bytes(string) if isinstance(string, bytes) else string.get_original_bytes()


def page_runs(page, number: int) -> list[Run]:
    """Walk the page's content stream as a PDF reader would (graphics state, text state and
    text matrices), measuring each string with pypdf's metrics for its font.

    pypdf's ``extract_text(visitor_text=...)`` reports the text matrix at the start of a line,
    not where a run after a mid-line font change (a bold label, then its value) begins, so the
    two runs would look as if drawn on top of each other; this follows every operator instead.
    """
    font_resources = page["/Resources"].get_object().get("/Font", {})
    fonts: dict[str, Font] = {}
    runs: list[Run] = []
    ctm, stack = IDENTITY, []
    text = {"font": None, "size": 0.0, "leading": 0.0, "tc": 0.0, "tw": 0.0, "th": 1.0, "rise": 0.0}
    tm = line_matrix = IDENTITY

    def show(string) -> None:
        nonlocal tm
        font, size, th = text["font"], text["size"], text["th"]
        glyphs, advance = [], 0.0
        for code in _raw(string):
            char = (
                font.encoding.get(code, chr(code)) if isinstance(font.encoding, dict) else chr(code)
            )
            width = font.character_widths.get(char, font.character_widths["default"]) / 1000
            glyphs.append((char, advance, advance + width * size * th))
            advance += (width * size + text["tc"] + (text["tw"] if code == 32 else 0)) * th
        inked = [glyph for glyph in glyphs if not glyph[0].isspace()]
        if inked:
            descriptor = font.font_descriptor
            bottom = text["rise"] + (descriptor.descent or -207) / 1000 * size
            top = text["rise"] + (descriptor.ascent or 718) / 1000 * size
            matrix = _multiply(tm, ctm)
            corners = [
                _multiply([1.0, 0.0, 0.0, 1.0, x, y], matrix)[4:]
                for x in (inked[0][1], inked[-1][2])
                for y in (bottom, top)
            ]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            joined = "".join(glyph[0] for glyph in glyphs).strip()
            runs.append(Run(number, joined, min(xs), min(ys), max(xs), max(ys)))
        tm = _translate(advance, 0.0, tm)

    def next_line() -> None:
        nonlocal tm, line_matrix
        line_matrix = tm = _translate(0.0, -text["leading"], line_matrix)

    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        numbers = [float(o) for o in operands if isinstance(o, (NumberObject, FloatObject))]
        match operator:
            case b"q":
                stack.append((ctm, dict(text)))
            case b"Q":
                ctm, text = stack.pop()
            case b"cm":
                ctm = _multiply(numbers, ctm)
            case b"BT":
                tm = line_matrix = IDENTITY
            case b"Tf":
                name = operands[0]
                if name not in fonts:
                    fonts[name] = Font.from_font_resource(font_resources[name].get_object())
                text["font"], text["size"] = fonts[name], numbers[0]
            case b"TL":
                text["leading"] = numbers[0]
            case b"Tc":
                text["tc"] = numbers[0]
            case b"Tw":
                text["tw"] = numbers[0]
            case b"Tz":
                text["th"] = numbers[0] / 100
            case b"Ts":
                text["rise"] = numbers[0]
            case b"Td" | b"TD":
                if operator == b"TD":
                    text["leading"] = -numbers[1]
                line_matrix = tm = _translate(numbers[0], numbers[1], line_matrix)
            case b"Tm":
                line_matrix = tm = numbers
            case b"T*":
                next_line()
            case b"Tj":
                show(operands[0])
            case b"'":
                next_line()
                show(operands[0])
            case b'"':
                text["tw"], text["tc"] = numbers[0], numbers[1]
                next_line()
                show(operands[2])
            case b"TJ":
                for item in operands[0]:
                    if isinstance(item, (NumberObject, FloatObject)):
                        tm = _translate(-float(item) / 1000 * text["size"] * text["th"], 0.0, tm)
                    else:
                        show(item)
            case b"Do":
                raise AssertionError("a form XObject on the invoice: measure its text too")
    return runs


def assert_laid_out_cleanly(pdf: bytes) -> str:
    """Assert no two runs overlap and all sit within the printable area; return the text."""
    reader = PdfReader(BytesIO(pdf))
    problems, words = [], []
    for number, page in enumerate(reader.pages, start=1):
        runs = page_runs(page, number)
        # The walk must see what a text extractor sees, or a run could hide from the checks.
        assert sorted("".join(run.text for run in runs).replace(" ", "")) == sorted(
            "".join(page.extract_text().split())
        )
        box = page.mediabox
        left, bottom = float(box.left) + PRINTABLE_MARGIN, float(box.bottom) + PRINTABLE_MARGIN
        right, top = float(box.right) - PRINTABLE_MARGIN, float(box.top) - PRINTABLE_MARGIN
        for run in runs:
            if run.x0 < left or run.x1 > right or run.y0 < bottom or run.y1 > top:
                problems.append(f"off the page: {run}")
        ordered = sorted(runs, key=lambda run: run.x0)
        for index, run in enumerate(ordered):
            for other in ordered[index + 1 :]:
                if other.x0 >= run.x1:
                    break
                if run.overlaps(other):
                    problems.append(f"overlap: {run} and {other}")
        words += [run.text for run in runs]
    assert not problems, "\n".join(problems[:40])
    return " ".join(words)


def long_representatives(count: int) -> list[RepresentativeData]:
    people = [
        RepresentativeData(
            name="Dr Philippa Montgomery-Fotheringham, Head of Safeguarding Business Support",
            email="manager@example.org",
            role=ROLES[0],
        )
    ]
    for number in range(1, count):
        people.append(
            RepresentativeData(
                name=f"Councillor Bartholomew Wolfeschlegelsteinhausen-Bergerdorff {number}",
                email=f"rep{number}@example.org",
                role=ROLES[number % len(ROLES)],
            )
        )
    return people


LONG_NAME = (
    "The Greater Northamptonshire, Milton Keynes and Bedfordshire Borough Councils' Joint "
    "Multi-Agency Safeguarding Children and Adults Partnership Board (Business Unit)"
)
LONG_ADDRESS = (
    "Safeguarding Partnership Business Unit, Second Floor, One Angel Square, Angel Street\n"
    "Northamptonshire County Council Headquarters and Civic Offices Administrative Building\n"
    "Northampton NN1 1ED"
)
LONG_PO = "PO-" + "9876543210" * 9 + "-XYZ"  # 97 characters and no spaces: the field holds 100


@pytest.mark.parametrize("treatment", TREATMENTS)
@pytest.mark.parametrize("size", ["twelve", "forty-long"])
@time_machine.travel(date(2026, 11, 23), tick=False)
def test_the_invoice_lays_out_without_overlaps(settings, business_manager, treatment, size):
    settings.INVOICE_VAT_TREATMENT = settings.MEMBERSHIP_VAT_TREATMENT = treatment
    FeeScheduleFactory()  # 2026/27's, the clock being frozen in it
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    if size == "twelve":
        people, po_number, details = representatives(12), "PO-123", None
    else:
        people, po_number = long_representatives(40), LONG_PO
        details = {
            "name": LONG_NAME,
            "address": LONG_ADDRESS,
            "billing_name": "Accounts Payable Team, Shared Financial Services (Invoices)",
            "invoice_notes": "Please quote the purchase order number on every remittance.",
        }

    invoice = services.submit_renewal(
        membership=membership,
        representatives=people,
        po_number=po_number,
        user=business_manager,
        organisation_details=details,
    )
    pdf = render_invoice_pdf(invoice)
    text = assert_laid_out_cleanly(pdf)

    label = InvoiceLine.VatTreatment(treatment).label
    assert invoice.number in text
    assert label in text
    assert f"Total due {money(invoice.total)}" in text
    assert "23 November 2026" in text and "23 December 2026" in text
    if size == "twelve":
        expected = "£4,050.00" if treatment == "standard" else "£3,375.00"
        assert money(invoice.total) == expected
        assert "PO-123" in text
    else:
        pages = len(PdfReader(BytesIO(pdf)).pages)
        assert pages > 1
        assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
        assert "Bergerdorff 39" in text
        assert LONG_PO in "".join(text.split())  # broken over lines, but all there
        assert "Please quote the purchase order number" in text


@time_machine.travel(date(2026, 11, 23), tick=False)
def test_every_vat_treatment_on_one_invoice_lays_out_without_overlaps():
    invoice = billing.issue_invoice(
        bill_to=billing.BillTo(name="Luton Council", address="Town Hall\nLuton"),
        lines=[
            billing.LineData(
                description=f"Conference places ({treatment})",
                unit_price=Decimal("12345.67"),
                quantity=2,
                vat_treatment=treatment,
            )
            for treatment in TREATMENTS
        ],
    )

    text = assert_laid_out_cleanly(render_invoice_pdf(invoice))

    assert money(invoice.total) == "£103,703.63"
    assert f"Total due {money(invoice.total)}" in text
    for treatment in TREATMENTS:
        assert InvoiceLine.VatTreatment(treatment).label in text


def test_the_layout_check_catches_overlapping_and_off_page_text():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    def drawn(*strings) -> bytes:
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setFont("Helvetica-Bold", 8)
        for x, y, string in strings:
            canvas.drawString(x, y, string)
        canvas.save()
        return buffer.getvalue()

    assert "£3,375.00 Outside" in assert_laid_out_cleanly(
        drawn((100, 500, "£3,375.00"), (140, 500, "Outside"))
    )
    with pytest.raises(AssertionError, match=r"overlap: .*'£3,375\.00' and .*'Outside"):
        assert_laid_out_cleanly(drawn((100, 500, "£3,375.00"), (130, 500, "Outside")))
    with pytest.raises(AssertionError, match=r"off the page: .*'Total due'"):
        assert_laid_out_cleanly(drawn((570, 500, "Total due")))
