"""The printable poster of a session: the question, where and when, and a QR code to the public form.
The QR code is computed here (reportlab's encoder) and drawn as SVG for the page and as vectors in the PDF."""

import io
from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_modules(url: str) -> list[list[bool]]:
    widget = QrCodeWidget(url, barLevel="M")
    widget.draw()
    size = widget.qr.getModuleCount()
    return [[bool(widget.qr.isDark(row, col)) for col in range(size)] for row in range(size)]


def qr_svg(url: str, label: str) -> str:
    """One path of unit squares; `label` names it for screen readers (the address is printed beside it)."""
    modules = qr_modules(url)
    size = len(modules) + 2 * QUIET_ZONE
    squares = "".join(
        f"M{col + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row, line in enumerate(modules)
        for col, dark in enumerate(line)
        if dark
    )
    return mark_safe(
        f'<svg class="qr" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges"><rect width="{size}" height="{size}" '
        f'fill="#fff"/><path d="{squares}" fill="#000"/></svg>'
    )


def poster_pdf(session, url: str) -> bytes:
    consultation = session.consultation
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Affiche — {consultation.title}")
    width, height = A4
    y = height - 3 * cm
    pdf.setFont("Helvetica-Bold", 26)
    for line in _wrap(consultation.question, 32):
        pdf.drawCentredString(width / 2, y, line)
        y -= 1.2 * cm
    y -= 0.4 * cm
    pdf.setFont("Helvetica", 15)
    where = session.qpv.name if session.qpv_id else "Tout le territoire"
    for line in (
        f"{where} — {session.get_audience_display()}",
        f"{session.get_format_display()} le {session.date:%d/%m/%Y}"
        + (f", {session.place}" if session.place else ""),
        "Donnez votre avis en scannant ce code ou à l'adresse :",
    ):
        pdf.drawCentredString(width / 2, y, line)
        y -= 0.8 * cm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawCentredString(width / 2, y, url)
    modules = qr_modules(url)
    side = 9 * cm
    unit = side / (len(modules) + 2 * QUIET_ZONE)
    left, bottom = (width - side) / 2, y - 1 * cm - side
    for row, line in enumerate(modules):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(
                    left + (col + QUIET_ZONE) * unit,
                    bottom + side - (row + QUIET_ZONE + 1) * unit,
                    unit,
                    unit,
                    stroke=0,
                    fill=1,
                )
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(
        width / 2, 2 * cm, "Sans compte, anonyme si vous le souhaitez. Coopérer — " + consultation.title
    )
    if consultation.is_demo:
        pdf.drawCentredString(width / 2, 1.4 * cm, "Données fictives de démonstration")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + ([current] if current else [])
