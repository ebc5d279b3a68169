"""The PDF of a contract's annual report or mid-term review, from the data the job kept (the HTML page reads
the same data), so that both say the same thing."""

from reportlab.platypus import Paragraph

from cooperer.core import pdf
from cooperer.measurement.models import Report


def _outcome_value(value, year, unit) -> str:
    return "—" if value is None else f"{value} {unit}" + (f" ({year})" if year else "")


def _sections(data: dict, s: dict) -> list:
    flow = [
        Paragraph(pdf.text(f"{data.get('kind_label', 'Rapport')} {data['year']}"), s["title"]),
        Paragraph(pdf.text(data["contract"]["name"]), s["h2"]),
        Paragraph(pdf.text("Quartiers : " + ", ".join(f"{c} {n}" for c, n in data["qpvs"])), s["body"]),
        Paragraph("Montants accordés dans l'année", s["h2"]),
    ]
    if data["granted_by_funder"]:
        flow.append(pdf.table(["Financeur", "Montant (€)"], data["granted_by_funder"], [10, 5], s["cell"]))
    else:
        flow.append(Paragraph("Aucune subvention décidée dans l'année.", s["body"]))
    flow.append(Paragraph("Évolution par année", s["h2"]))
    rows = [[t["year"], t["granted"], t["people"], t["approved"]] for t in data["trends"]]
    flow.append(
        pdf.table(
            ["Année", "Montants accordés (€)", "Personnes touchées", "Bilans approuvés"],
            rows,
            [3, 5, 4, 4],
            s["cell"],
        )
    )
    flow.append(Paragraph("Changements attendus", s["h2"]))
    rows = [
        [o["vision"], o["outcome"], o["indicator"],
         _outcome_value(o["baseline"], o["baseline_year"], o["unit"]),
         _outcome_value(o["target"], o["target_year"], o["unit"]),
         _outcome_value(o["actual"], o["actual_year"], o["unit"]), o["status"]]
        for o in data.get("outcomes", [])
    ]  # fmt: skip
    if rows:
        header = ["Vision", "Changement", "Indicateur", "Référence", "Cible", "Dernière valeur", "Situation"]
        flow.append(pdf.table(header, rows, [2.4, 3.2, 3, 2, 2, 2, 2.4], s["cell"]))
    else:
        flow.append(Paragraph("Aucun changement attendu n'est encore suivi par un indicateur.", s["body"]))
    if "elements" in data:
        flow.append(Paragraph("Ce que chaque élément de la vision a reçu depuis le début", s["h2"]))
        rows = [
            [e["vision"], e["element"], e["actions"], e["granted"], e["people"]] for e in data["elements"]
        ]
        flow.append(
            pdf.table(
                ["Vision", "Élément", "Actions", "Accordé (€)", "Personnes"], rows, [3, 6, 2, 3, 3], s["cell"]
            )
        )
    if "assumptions" in data:
        flow.append(Paragraph("Hypothèses mises à l'épreuve", s["h2"]))
        rows = [[a["on"], a["assumption"], a["change"], a["evidence"]] for a in data["assumptions"]]
        if rows:
            flow.append(
                pdf.table(["Date", "Hypothèse", "Changement", "Preuves"], rows, [2.2, 5, 3, 6.8], s["cell"])
            )
        else:
            flow.append(Paragraph("Aucune hypothèse n'a changé de statut.", s["body"]))
    for section in data.get("extra_sections", []):
        flow.append(Paragraph(pdf.text(section["title"]), s["h2"]))
        flow.append(pdf.table(["", ""], section["rows"], [10, 7], s["cell"]))
    flow.append(Paragraph("Alertes", s["h2"]))
    flow.append(
        Paragraph(
            pdf.text(
                f"Bilans en retard : {data['late_bilans']} ; bilans renvoyés en attente : {data['returned_bilans']}."
            ),
            s["body"],
        )
    )
    return flow


def pdf_bytes(report: Report) -> bytes:
    s = pdf.styles()
    footer = f"Rapport généré le {pdf.date(report.created_at)} par Coopérer"
    return pdf.build(_sections(report.data, s), title=str(report), footer=footer, style=s["cell"])
