"""The theory-of-change drawing as PDF and PNG files (no database)."""

import base64
import io
import re
import struct
import zlib

import pytest
from PIL import Image

from cooperer.analysis.toc import HORIZONS, LEVELS, Node, layout
from cooperer.visions.diagram import MIN_A4_SCALE, diagram_pdf, diagram_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
A4_LANDSCAPE = (841.89, 595.28)


def small_layout(**extra):
    nodes = [
        Node(
            "s", "Les jeunes connaissent l'offre d'accompagnement", "short", "population", "12 contributions"
        ),
        Node("m", "Les écoles et les associations coordonnent leurs actions", "intermediate", "practices"),
        Node("l", "La réussite éducative progresse", "long", "population", "ODD 4", **extra),
    ]
    return layout(nodes, [("s", "m"), ("m", "l"), ("s", "l")])


def tall_layout(count=90):
    nodes = [
        Node(f"n{i}", f"Changement attendu numéro {i} " * 3, HORIZONS[i % 3], LEVELS[i % 3])
        for i in range(count)
    ]
    return layout(nodes, [(f"n{i}", f"n{i + 1}") for i in range(count - 1)])


def media_box(pdf):
    (box,) = re.findall(rb"/MediaBox \[ *([\d. ]+?) *\]", pdf)
    return tuple(float(value) for value in box.split()[2:])


def png_size(png):
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_pdf_is_a_pdf():
    pdf = diagram_pdf(small_layout(), "Théorie du changement")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_a_small_diagram_fits_an_a4_landscape_page():
    assert media_box(diagram_pdf(small_layout(), "T")) == pytest.approx(A4_LANDSCAPE, abs=0.01)


def test_a_tall_diagram_gets_a_page_of_its_own_size_rather_than_unreadable_text():
    drawing = tall_layout()
    assert 595 / drawing.height < MIN_A4_SCALE
    width, height = media_box(diagram_pdf(drawing, "T"))
    assert width >= drawing.width and height >= drawing.height


def test_the_pdf_carries_its_title():
    pdf = diagram_pdf(small_layout(), "Vision 2030")
    assert b"/Title (Vision 2030)" in pdf


def test_the_pdf_is_the_same_for_the_same_drawing():
    assert diagram_pdf(small_layout(), "T") == diagram_pdf(small_layout(), "T")


def test_the_pdf_links_boxes_to_absolute_addresses_only():
    linked = diagram_pdf(small_layout(href="https://cooperer.example/visions/1/"), "T")
    assert b"https://cooperer.example/visions/1/" in linked
    relative = diagram_pdf(small_layout(href="/visions/1/"), "T")
    assert b"/URI" not in relative


def test_the_pdf_draws_the_text_of_the_boxes():
    pdf = diagram_pdf(small_layout(), "T")
    streams = re.findall(rb"(?<!end)stream\r?\n(.*?)~>\s*endstream", pdf, flags=re.S)  # ASCII85, then Flate
    text = b"".join(zlib.decompress(base64.a85decode(stream)) for stream in streams)
    assert b"(La r\\351ussite \\351ducative progresse)" in text
    assert b"(Court terme)" in text and b"(Coop\\351ration)" in text


def test_the_png_has_the_signature_and_the_expected_size():
    drawing = small_layout()
    png = diagram_png(drawing, "Théorie du changement")
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (round(drawing.width * 2), round(drawing.height * 2))


def test_the_png_scale_is_chosen():
    drawing = small_layout()
    assert png_size(diagram_png(drawing, "T", scale=1.0)) == (round(drawing.width), round(drawing.height))


@pytest.mark.parametrize("scale", [0, -1, 20])
def test_an_unreasonable_png_scale_is_refused(scale):
    with pytest.raises(ValueError):
        diagram_png(small_layout(), "T", scale=scale)


def test_the_png_title_is_in_its_metadata():
    image = Image.open(io.BytesIO(diagram_png(small_layout(), "Théorie du changement — Sud-Est")))
    assert image.text["Title"] == "Théorie du changement — Sud-Est"


def test_the_png_paints_each_box_in_its_level_colour():
    drawing = small_layout()
    image = Image.open(io.BytesIO(diagram_png(drawing, "T", scale=1.0))).convert("RGB")
    for box in drawing.boxes:
        corner = image.getpixel((round(box.x + box.w - 3), round(box.y + box.h - 3)))
        assert "#" + bytes(corner).hex() == box.palette.fill


def test_an_empty_drawing_still_renders():
    drawing = layout([], [])
    assert diagram_pdf(drawing, "Vide").startswith(b"%PDF")
    assert png_size(diagram_png(drawing, "Vide", scale=1.0)) == (round(drawing.width), round(drawing.height))


def test_unusual_characters_do_not_break_the_files():
    text = "Łódź 🌱 العربية 中文 \u202f« x » \x00\x07 <b>&amp;</b> " + "anticonstitutionnellement" * 5
    drawing = layout([Node("a", text, "short", "cooperation", badge=text)], [])
    assert diagram_pdf(drawing, text).startswith(b"%PDF")
    assert diagram_png(drawing, text).startswith(PNG_SIGNATURE)
