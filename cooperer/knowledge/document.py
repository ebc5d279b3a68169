"""The printable A4 sheet of a record (reportlab, the shared helpers of core/pdf.py), from the same data as its
HTML page."""

from reportlab.platypus import Paragraph

from cooperer.core import pdf


def record_pdf(record, factors: dict, period: str) -> bytes:
    style = pdf.styles()
    body = style["body"]
    flow = [Paragraph(pdf.text(record.title), style["title"])]
    facts = [record.epci.name]
    if period:
        facts.append(period)
    qpvs = ", ".join(f"{q.name} ({q.code})" for q in record.qpvs.all())
    if qpvs:
        facts.append(qpvs)
    flow.append(Paragraph(pdf.text(" — ".join(facts)), body))
    if record.is_demo:
        flow.append(Paragraph("Fiche de démonstration : structures et personnes fictives.", body))
    flow.append(Paragraph(pdf.text(record.summary), body))

    def section(title, value):
        if value:
            flow.extend([Paragraph(pdf.text(title), style["h2"]), Paragraph(pdf.text(value), body)])

    section("Contexte", record.context)
    actors = record.actors.all()
    if actors:
        flow.append(Paragraph("Acteurs et rôles", style["h2"]))
        flow.append(pdf.table(["Acteur", "Rôle"], [[a.name, a.role] for a in actors],
                              [6, 11], style["cell"]))  # fmt: skip
    section("Méthode", record.method)
    steps = record.steps.all()
    if steps:
        flow.append(Paragraph("Étapes et outils", style["h2"]))
        flow.append(pdf.table(["Étape", "Description et outils"],
                              [[s.title, " ".join(p for p in (s.description, s.tools) if p)] for s in steps],
                              [5, 12], style["cell"]))  # fmt: skip
    section("Résultats", record.results)
    for kind, title in (("levier", "Leviers"), ("frein", "Freins")):
        items = factors.get(kind) or []
        if items:
            flow.append(Paragraph(title, style["h2"]))
            flow.append(pdf.table([title[:-1], "Ce que cela a voulu dire ici"],
                                  [[rf.factor.name, rf.comment] for rf in items],
                                  [6, 11], style["cell"]))  # fmt: skip
    section("Enseignements", record.lessons)
    footer = f"Coopérer — fiche d'expérience n° {record.pk} — {record.get_licence_display()}"
    return pdf.build(flow, title=record.title, footer=footer, style=body)
