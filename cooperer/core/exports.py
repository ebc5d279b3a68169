"""Spreadsheet-safe exports: a cell that a spreadsheet would run as a formula is prefixed with an
apostrophe (OWASP CSV injection guidance)."""

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_text(header: list[str], rows) -> str:
    """UTF-8 with BOM and semicolons: what French spreadsheet software opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(sheet_title: str, header: list[str], rows) -> bytes:
    """An Excel workbook of one sheet; every cell is written as text when it would otherwise be a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([safe_cell(cell) for cell in header])
    for row in rows:
        sheet.append([cell if isinstance(cell, int | float) else safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_download(text: str, filename: str):
    """A CSV file (from `csv_text`) as a download."""
    from django.http import HttpResponse

    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
