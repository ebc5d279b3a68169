"""The printable sheet of a kit template, built once as plain data and rendered as HTML and as an A4 PDF
(core/pdf.py), and the kit as open data (JSON and formula-safe CSV)."""

import json

from reportlab.platypus import Paragraph, Spacer

from cooperer.core import pdf
from cooperer.core.typography import long_date
from cooperer.knowledge.kit import placeholder_label, readable


def sheet_context(template) -> dict:
    return {
        "template": template,
        "sections": readable(template.kind, template.content),
        "placeholders": [(name, placeholder_label(name)) for name in template.placeholders],
        "origin": template.origin,
    }


def sheet_pdf(template) -> bytes:
    style = pdf.styles()
    context = sheet_context(template)
    flow = [
        Paragraph(pdf.text(template.title), style["title"]),
        Paragraph(
            pdf.text(f"{template.get_kind_display()} — {template.get_licence_display()}"), style["body"]
        ),
    ]
    if context["origin"]:
        flow.append(
            Paragraph(pdf.text(f"Origine : {context['origin']} ({template.source_label})"), style["body"])
        )
    if template.description:
        flow += [Spacer(1, 6), Paragraph(pdf.text(template.description), style["body"])]
    for heading, lines in context["sections"]:
        flow.append(Paragraph(pdf.text(heading), style["h2"]))
        flow += [Paragraph("• " + pdf.text(line), style["body"]) for line in lines]
    if context["placeholders"]:
        flow.append(Paragraph("À adapter à votre territoire", style["h2"]))
        flow.append(
            pdf.table(
                ["Repère dans le texte", "À remplacer par"],
                [[f"{{{{ {name} }}}}", label] for name, label in context["placeholders"]],
                [6, 11],
                style["cell"],
            )
        )
    footer = (
        f"Coopérer — kit de méthode — {template.title[:60]} — mis à jour le {long_date(template.updated_at)}"
    )
    return pdf.build(flow, title=template.title, footer=footer, style=style["body"])


OPEN_DATA_HEADER = [
    "id", "type", "type_libelle", "titre", "presentation", "licence", "origine", "tire_de", "a_adapter",
    "contenu_json", "modifie_le", "url",
]  # fmt: skip


def open_data_rows(templates, site_url: str):
    for t in templates:
        yield [
            t.pk, t.kind, t.get_kind_display(), t.title, t.description, t.licence, t.origin, t.source_label,
            " ".join(t.placeholders), json.dumps(t.content, ensure_ascii=False, sort_keys=True),
            t.updated_at.date().isoformat(), site_url + t.get_absolute_url(),
        ]  # fmt: skip


def open_data_json(templates, site_url: str) -> dict:
    return {
        "licence": "Chaque modèle porte sa licence (champ « licence »).",
        "modeles": [
            {
                "id": t.pk,
                "type": t.kind,
                "type_libelle": t.get_kind_display(),
                "titre": t.title,
                "presentation": t.description,
                "licence": t.licence,
                "origine": t.origin,
                "tire_de": t.source_label,
                "a_adapter": t.placeholders,
                "contenu": t.content,
                "modifie_le": t.updated_at.date().isoformat(),
                "url": site_url + t.get_absolute_url(),
            }
            for t in templates
        ],
    }
