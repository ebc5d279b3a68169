"""The theory-of-change drawing as PDF (reportlab) and PNG (Pillow), from the `Layout` the page's SVG is drawn from.

No Django here: the caller builds the layout (`cooperer.analysis.toc.layout`) and passes the title. The PDF uses
Helvetica, whose metrics the layout was measured with; the PNG uses the Bitstream Vera font shipped with
reportlab (it covers French), set a little smaller, and a line that would still overflow its box smaller again.
reportlab's own bitmap renderer needs pycairo (a system library) since reportlab 5: Pillow needs nothing.
"""

import io
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from cooperer.analysis.toc import (
    EDGE_COLOUR,
    GRID_COLOUR,
    INK,
    PALETTES,
    EdgePath,
    Layout,
    TextRun,
    clean_text,
)

PAGE_MARGIN = 28.0  # 1 cm
TITLE_SIZE = 14.0
TITLE_LEADING = 18.0
# Below this scale A4 text gets too small to read: the page takes the drawing's size instead (viewers zoom,
# printers scale it to the sheet).
MIN_A4_SCALE = 0.6
MAX_PAGE_SIDE = 14400.0  # 200 inches, the largest page PDF viewers accept
MAX_PNG_SCALE = 8.0
ARROW_LENGTH = 8.0
ARROW_HALF_WIDTH = 4.0
_FONTS = Path(reportlab.__file__).parent / "fonts"
_PDF_FONTS = {False: "Helvetica", True: "Helvetica-Bold"}
# Vera sets French text about 12 % (bold 16 %) wider than Helvetica, with a taller x-height: smaller reads the same.
_VERA_SIZE = {False: 0.88, True: 0.85}
Transform = Callable[[float, float], tuple[float, float]]  # layout units to page points


def diagram_pdf(layout: Layout, title: str) -> bytes:
    """One page: A4 landscape when the drawing fits at a readable scale, otherwise a page of its own size."""
    title = _printable(title)
    width, height = landscape(A4)
    scale, title_lines = _fit(layout, title, width, height)
    if scale < MIN_A4_SCALE:
        width = min(layout.width + 2 * PAGE_MARGIN, MAX_PAGE_SIDE)
        title_lines = simpleSplit(title, "Helvetica-Bold", TITLE_SIZE, width - 2 * PAGE_MARGIN)
        height = min(layout.height + 2 * PAGE_MARGIN + len(title_lines) * TITLE_LEADING + 8, MAX_PAGE_SIDE)
        scale, title_lines = _fit(layout, title, width, height)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1, invariant=1)
    pdf.setTitle(title)
    pdf.setSubject("Théorie du changement")
    pdf.setCreator("Coopérer")
    pdf.setFillColor(HexColor(INK))
    pdf.setFont("Helvetica-Bold", TITLE_SIZE)
    y = height - PAGE_MARGIN - TITLE_SIZE
    for line in title_lines:
        pdf.drawString(PAGE_MARGIN, y, line)
        y -= TITLE_LEADING
    left = (width - layout.width * scale) / 2
    top = height - PAGE_MARGIN - len(title_lines) * TITLE_LEADING - 8
    _draw_pdf(pdf, layout, lambda x, y: (left + x * scale, top - y * scale), scale)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def diagram_png(layout: Layout, title: str, scale: float = 2.0) -> bytes:
    """The drawing alone, `round(width * scale)` × `round(height * scale)` pixels; the title is in the file's
    "Title" text chunk."""
    if not 0 < scale <= MAX_PNG_SCALE:
        raise ValueError(f"scale must be in ]0, {MAX_PNG_SCALE}]")
    size = (max(1, round(layout.width * scale)), max(1, round(layout.height * scale)))
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * scale, y * scale)

    for band in layout.bands:
        draw.rectangle(
            [at(band.x, band.y), at(band.x + band.w, band.y + band.h)], fill=PALETTES[band.key].band
        )
    if layout.bands:
        top, bottom = layout.bands[0].y, layout.bands[-1].y + layout.bands[-1].h
        for column in layout.columns:
            for y in range(int(top), int(bottom), 8):  # dashed, as in the SVG
                draw.line([at(column.x, y), at(column.x, min(y + 4, bottom))], fill=GRID_COLOUR, width=1)
    for run in [run for region in (*layout.bands, *layout.columns) for run in region.runs]:
        _png_text(draw, run, scale)
    for edge in layout.edges:
        points = [at(x, y) for x, y in _polyline(edge)]
        draw.line(
            [*points[:-1], _short_of_arrow(points, ARROW_LENGTH * scale)],
            fill=EDGE_COLOUR,
            width=_px(1.5, scale),
        )
        draw.polygon(_arrow(points, scale), fill=EDGE_COLOUR)
    for box in layout.boxes:
        draw.rounded_rectangle(
            [at(box.x, box.y), at(box.x + box.w, box.y + box.h)],
            radius=6 * scale,
            fill=box.palette.fill,
            outline=box.palette.stroke,
            width=_px(1.2, scale),
        )
        for run in box.runs:
            _png_text(draw, run, scale)
    info = PngInfo()
    info.add_itxt("Title", _printable(title))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _fit(layout: Layout, title: str, width: float, height: float) -> tuple[float, list[str]]:
    lines = simpleSplit(title, "Helvetica-Bold", TITLE_SIZE, width - 2 * PAGE_MARGIN)
    room_height = height - 2 * PAGE_MARGIN - len(lines) * TITLE_LEADING - 8
    scale = min(1.0, (width - 2 * PAGE_MARGIN) / max(layout.width, 1), room_height / max(layout.height, 1))
    return max(scale, 0.01), lines


def _draw_pdf(pdf: canvas.Canvas, layout: Layout, at: Transform, scale: float) -> None:
    for band in layout.bands:
        x, y = at(band.x, band.y + band.h)
        pdf.setFillColor(HexColor(PALETTES[band.key].band))
        pdf.rect(x, y, band.w * scale, band.h * scale, stroke=0, fill=1)
    if layout.bands:
        top, bottom = layout.bands[0].y, layout.bands[-1].y + layout.bands[-1].h
        pdf.setStrokeColor(HexColor(GRID_COLOUR))
        pdf.setLineWidth(0.75 * scale)
        pdf.setDash(4 * scale, 4 * scale)
        for column in layout.columns:
            pdf.line(*at(column.x, top), *at(column.x, bottom))
        pdf.setDash()
    for region in (*layout.bands, *layout.columns):
        for run in region.runs:
            _pdf_text(pdf, run, at, scale)
    pdf.setStrokeColor(HexColor(EDGE_COLOUR))
    pdf.setFillColor(HexColor(EDGE_COLOUR))
    pdf.setLineWidth(1.5 * scale)
    for edge in layout.edges:
        points = [at(x, y) for x, y in edge.points]
        path = pdf.beginPath()
        path.moveTo(*points[0])
        if edge.curved:
            path.curveTo(*points[1], *points[2], *_short_of_arrow(points, ARROW_LENGTH * scale))
        else:
            for point in points[1:-1]:
                path.lineTo(*point)
            path.lineTo(*_short_of_arrow(points, ARROW_LENGTH * scale))
        pdf.drawPath(path, stroke=1, fill=0)
        arrow = pdf.beginPath()
        head = _arrow(points, scale)
        arrow.moveTo(*head[0])
        for point in head[1:]:
            arrow.lineTo(*point)
        arrow.close()
        pdf.drawPath(arrow, stroke=0, fill=1)
    pdf.setLineWidth(1.2 * scale)
    for box in layout.boxes:
        x, y = at(box.x, box.y + box.h)
        pdf.setFillColor(HexColor(box.palette.fill))
        pdf.setStrokeColor(HexColor(box.palette.stroke))
        pdf.roundRect(x, y, box.w * scale, box.h * scale, 6 * scale, stroke=1, fill=1)
        for run in box.runs:
            _pdf_text(pdf, run, at, scale)
        href = clean_text(box.node.href).strip()
        if href.lower().startswith(("http://", "https://")):  # a relative address means nothing in a file
            pdf.linkURL(href, (x, y, x + box.w * scale, y + box.h * scale), relative=0, thickness=0)


def _pdf_text(pdf: canvas.Canvas, run: TextRun, at: Transform, scale: float) -> None:
    pdf.setFillColor(HexColor(run.colour))
    pdf.setFont(_PDF_FONTS[run.bold], run.size * scale)
    x, y = at(run.x, run.y)
    text = _printable(run.text)
    if run.anchor == "middle":
        pdf.drawCentredString(x, y, text)
    else:
        pdf.drawString(x, y, text)


def _png_text(draw: ImageDraw.ImageDraw, run: TextRun, scale: float) -> None:
    text = _printable(run.text).replace("\u00a0", " ")  # Vera's no-break space is wider than its space
    size = run.size * scale * _VERA_SIZE[run.bold]
    font = _png_font(size, run.bold)
    drawn = draw.textlength(text, font=font)
    if run.width and drawn > run.width * scale:
        font = _png_font(size * run.width * scale / drawn, run.bold)
    anchor = "ms" if run.anchor == "middle" else "ls"
    draw.text((run.x * scale, run.y * scale), text, font=font, fill=run.colour, anchor=anchor)


@lru_cache(maxsize=64)
def _png_font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONTS / ("VeraBd.ttf" if bold else "Vera.ttf")), size=round(size * 4) / 4)


def _polyline(edge: EdgePath) -> list[tuple[float, float]]:
    """A curve as 24 straight pieces: Pillow draws no Bézier."""
    if not edge.curved:
        return list(edge.points)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = edge.points
    points = []
    for step in range(25):
        t = step / 24
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def _direction(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Unit vector of the last piece (the arrows end horizontally, but stay safe on a degenerate path)."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    return ((x1 - x0) / length, (y1 - y0) / length) if length else (1.0, 0.0)


def _short_of_arrow(points: list[tuple[float, float]], length: float) -> tuple[float, float]:
    """Where the line stops so that its thickness does not blunt the arrowhead's tip."""
    dx, dy = _direction(points)
    x, y = points[-1]
    return (x - dx * length * 0.6, y - dy * length * 0.6)


def _arrow(points: list[tuple[float, float]], scale: float) -> list[tuple[float, float]]:
    dx, dy = _direction(points)
    x, y = points[-1]
    back_x, back_y = x - dx * ARROW_LENGTH * scale, y - dy * ARROW_LENGTH * scale
    spread_x, spread_y = -dy * ARROW_HALF_WIDTH * scale, dx * ARROW_HALF_WIDTH * scale
    return [(x, y), (back_x + spread_x, back_y + spread_y), (back_x - spread_x, back_y - spread_y)]


def _px(width: float, scale: float) -> int:
    return max(1, round(width * scale))


def _printable(text: str) -> str:
    """Neither Helvetica's encoding nor Vera has the narrow no-break space of French typography."""
    return clean_text(text).replace("\u202f", "\u00a0")
