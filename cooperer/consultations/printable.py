"""The printable synthesis of a neighbourhood as PDF (reportlab, A4): the same context as the HTML page."""

import io
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cooperer.core.typography import count_of

WIDTH = A4[0] - 2 * 2.54 * cm  # SimpleDocTemplate's default margins are one inch


def synthesis_pdf(context: dict) -> bytes:
    styles = getSampleStyleSheet()
    consultation, qpv = context["consultation"], context["qpv"]
    story = [
        Paragraph(escape(f"{qpv.name} : ce que le quartier a dit"), styles["Title"]),
        Paragraph(escape(f"« {consultation.question} » — {consultation.title}"), styles["Italic"]),
    ]
    if consultation.is_demo:
        story.append(Paragraph("Données fictives de démonstration.", styles["Normal"]))
    counts = ", ".join(f"{count_of(n, 'contribution')} {of_whom}" for of_whom, n in context["audiences"])
    story.append(Paragraph(escape(f"{counts or 'Aucune contribution visible'}."), styles["Normal"]))
    if context["synthesis"] and context["synthesis"].text:
        story += [Spacer(1, 0.3 * cm), Paragraph("Synthèse de l'équipe", styles["Heading2"])]
        story += [
            Paragraph(escape(part), styles["Normal"])
            for part in context["synthesis"].text.split("\n")
            if part
        ]
    chart = context["chart"]
    if chart["rows"]:
        story += [Spacer(1, 0.3 * cm), Paragraph("Thèmes par public", styles["Heading2"])]
        header = ["Thème", *[a.label for a in chart["audiences"]], "Total"]
        rows = [[row["theme"], *row["counts"], row["total"]] for row in chart["rows"]]
        story.append(Table([header, *rows], repeatRows=1))
    if context["trend"]["rows"]:
        story += [Spacer(1, 0.3 * cm), Paragraph("Les contributions dans le temps", styles["Heading2"])]
        story += _trend(context["trend"], styles)
    comparison = context["comparison"]
    if comparison:
        story += [Spacer(1, 0.3 * cm), Paragraph("Habitants et professionnels", styles["Heading2"])]
        for title, terms, themes in (
            (f"Ce que disent les {comparison['audience']} et pas les {comparison['other']}", comparison["over"], comparison["themes_over"]),
            (f"Ce que disent les {comparison['other']} et pas les {comparison['audience']}", comparison["under"], comparison["themes_under"]),
        ):  # fmt: skip
            words = [t["term"] + " (thème)" for t in themes] + [t["term"] for t in terms]
            story.append(Paragraph(escape(f"{title} : {', '.join(words) or '—'}."), styles["Normal"]))
    for theme, items in context["quotes"]:
        story.append(Paragraph(escape(theme), styles["Heading3"]))
        story += [
            Paragraph(escape(f"« {text} » ({audience.lower()})"), styles["Normal"])
            for text, audience in items
        ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Synthèse — {qpv.name}").build(story)
    return buffer.getvalue()


def _trend(trend: dict, styles) -> list:
    """The chart of the HTML page, drawn from the same geometry (its y goes down, the PDF's up), with a legend
    under the bars, then the table of the same numbers."""
    legend_y = trend["height"] + 4
    height = legend_y + 16 * len(trend["series"])
    chart = Group(transform=(WIDTH / trend["width"], 0, 0, WIDTH / trend["width"], 0, 0))

    def text(x, y, value, **options):
        chart.add(String(x, height - y, value, fontName="Helvetica", **options))

    for row in trend["rows"]:
        text(trend["label_x"], row["label_y"], row["label"], fontSize=10, textAnchor="end")
        for segment in row["segments"]:
            bottom = height - row["y"] - trend["bar_height"]
            fill, stroke = HexColor(segment["fill"]), HexColor(segment["stroke"])
            bar = Rect(segment["x"], bottom, segment["width"], trend["bar_height"], fillColor=fill)
            bar.strokeColor, bar.strokeWidth = stroke, 1
            chart.add(bar)
        text(row["end_x"], row["label_y"], str(row["total"]), fontSize=9)
    for number, item in enumerate(trend["series"]):
        y = legend_y + 16 * number
        swatch = Rect(trend["label_x"] + 8, height - y - 11, 11, 11, fillColor=HexColor(item["fill"]))
        swatch.strokeColor, swatch.strokeWidth = HexColor("#1c1f24"), 0.5
        chart.add(swatch)
        text(trend["label_x"] + 24, y + 9, item["label"], fontSize=10)
    drawing = Drawing(WIDTH, height * WIDTH / trend["width"])
    drawing.add(chart)
    header = [trend["period_name"], *[item["label"] for item in trend["series"]], "Total"]
    first = 2.8 * cm
    other = (WIDTH - first) / (len(header) - 1)
    size = _fitting_size(header[1:], other - 2 * CELL_PADDING)
    # Headers wrap between words only (never « Logeme nt »): the font shrinks until the longest word fits.
    small = ParagraphStyle(
        "small", parent=styles["Normal"], fontSize=size, leading=size + 1.5, splitLongWords=0
    )
    rows = [[row["label"], *row["counts"], row["total"]] for row in trend["rows"]]
    header_cells = [Paragraph(escape(cell), small) for cell in header]
    table = Table([header_cells, *rows], colWidths=[first] + [other] * (len(header) - 1), repeatRows=1)
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                               ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING)]))  # fmt: skip
    return [drawing, Spacer(1, 0.2 * cm), table]


CELL_PADDING = 3  # points


def _fitting_size(labels: list[str], width: float, largest: float = 8, smallest: float = 5.5) -> float:
    """The largest font size (points) at which the longest word of every label fits in `width`."""
    words = [word for label in labels for word in label.split()] or [""]
    widest = max(stringWidth(word, "Helvetica", 1) for word in words) or 1
    return max(smallest, min(largest, width / widest))
