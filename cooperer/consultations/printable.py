"""The printable synthesis of a neighbourhood as PDF (reportlab, A4): the same context as the HTML page."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table


def synthesis_pdf(context: dict) -> bytes:
    styles = getSampleStyleSheet()
    consultation, qpv = context["consultation"], context["qpv"]
    story = [
        Paragraph(escape(f"{qpv.name} : ce que le quartier a dit"), styles["Title"]),
        Paragraph(escape(f"« {consultation.question} » — {consultation.title}"), styles["Italic"]),
    ]
    if consultation.is_demo:
        story.append(Paragraph("Données fictives de démonstration.", styles["Normal"]))
    counts = ", ".join(f"{n} {label.lower()}" for label, n in context["audiences"]) or "aucune contribution"
    story.append(Paragraph(escape(f"Contributions : {counts}."), styles["Normal"]))
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
