"""CSV exports staff open in a spreadsheet: a value typed into a public form never runs there
as a formula (OWASP "CSV injection")."""

from __future__ import annotations

import csv

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, since
# some strip them first and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell a spreadsheet would take for a formula, with a single quote in front, so it
    shows as the text it is; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def unquote_cell(value: str) -> str:
    """The value ``safe_cell`` quoted, back as it was (for importing our own export)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    """Use in place of ``csv.writer`` for every export."""
    return SafeWriter(file, **kwargs)
