"""A4 documents built with reportlab platypus and the built-in Helvetica: the shared styles, user text escaped
for Paragraph markup, tables with a repeated header, and the page footer. Each printable document (fiche of a
community, report of a contract) builds its flow from the same plain data as its HTML page."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def styles() -> dict:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle(
        "doc-body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12
    )
    return {
        "title": ParagraphStyle("doc-title", parent=sheet["Title"], fontName="Helvetica-Bold", fontSize=17),
        "h2": ParagraphStyle(
            "doc-h2", parent=sheet["Heading2"], fontName="Helvetica-Bold", fontSize=12.5, keepWithNext=1
        ),
        "h3": ParagraphStyle(
            "doc-h3", parent=sheet["Heading3"], fontName="Helvetica-Bold", fontSize=10.5, keepWithNext=1
        ),
        "body": body,
        "cell": ParagraphStyle("doc-cell", parent=body, fontSize=8.5, leading=10.5),
    }


def text(value) -> str:
    """Escape user text for Paragraph markup; line breaks are kept."""
    return escape(str(value or "")).replace("\n", "<br/>")


def date(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def table(header: list[str], rows: list[list[str]], widths: list[float], style) -> Table:
    data = [[Paragraph(f"<b>{text(h)}</b>", style) for h in header]]
    data += [[Paragraph(text(cell), style) for cell in row] for row in rows]
    result = Table(data, colWidths=[w * cm for w in widths], repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#929292")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def build(flow: list, *, title: str, footer: str, style) -> bytes:
    """The A4 PDF of `flow`, with `footer` and the page number on every page, ending with the footer line."""

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm, bottomMargin=2 * cm,
        title=title, author="Coopérer", lang="fr-FR",
    )  # fmt: skip
    flow = [*flow, Spacer(1, 0.4 * cm), Paragraph(text(footer + "."), style)]
    doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
