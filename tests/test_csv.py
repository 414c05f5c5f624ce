"""CSV exports neutralise cells a spreadsheet would run as formulas (OWASP CSV injection)."""

import csv as stdlib_csv
import io
import re
from pathlib import Path

import pytest

from tasp import csv

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Sam Reader", "Sam Reader"),
        ("a=b", "a=b"),
        ("", ""),
        (1500, 1500),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_quoted(value, cell):
    assert csv.safe_cell(value) == cell
    if isinstance(value, str):
        assert csv.unquote_cell(csv.safe_cell(value)) == value


def test_the_writer_quotes_every_cell_of_every_row():
    out = io.StringIO()

    csv.writer(out).writerows([["=1+1", "ok"], ["x", "@A1"]])

    assert list(stdlib_csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "ok"],
        ["x", "'@A1"],
    ]


def test_every_csv_export_writes_through_tasp_csv():
    """A new export written with the standard library's writer would skip the quoting."""
    offenders = []
    sources = ["accounts", "membership", "newsletters", "vacancies", "tasp", "scripts"]
    for path in (path for folder in sources for path in (ROOT / folder).rglob("*.py")):
        if path == ROOT / "tasp" / "csv.py":
            continue
        text = path.read_text()
        if re.search(r"^import csv\b", text, re.M) and re.search(r"csv\.(Dict)?[Ww]riter\(", text):
            offenders.append(str(path.relative_to(ROOT)))

    assert offenders == []
