"""The notification letters of a committee session: one A4 PDF per decision (the outcome, the amounts per funder,
the motivation and what it cites), gathered in a zip that the session's instructors download."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils.text import slugify
from reportlab.platypus import Paragraph, Spacer

from cooperer.calls.models import Decision, Grant
from cooperer.core import pdf


def archive_path(job) -> Path:
    return Path(settings.VAR_DIR) / "letters" / f"courriers-{job.pk}.zip"


def session_decisions(session) -> list[Decision]:
    """The decisions on the applications of the session's agenda, in the agenda's alphabetical order."""
    return list(
        Decision.objects.filter(application__sessions=session)
        .select_related("application__applicant", "application__call")
        .prefetch_related(
            Prefetch(
                "grants", queryset=Grant.objects.select_related("call_funder").order_by("call_funder__funder")
            ),
            "cited_elements",
            "cited_criteria",
        )
        .order_by("application__title", "pk")
    )


def letter_pdf(decision: Decision, session) -> bytes:
    from cooperer.calls.services import money

    application, style = decision.application, pdf.styles()
    call = application.call
    flow = [
        Paragraph(pdf.text(application.applicant.name), style["body"]),
        Paragraph(pdf.text(f"Objet : votre demande « {application.title} »"), style["body"]),
        Spacer(1, 12),
        Paragraph(pdf.text("Notification de la décision du comité de programmation"), style["title"]),
        Paragraph(
            pdf.text(
                f"Le comité « {session.name} », réuni le {pdf.date(session.held_on)} ({session.place}), a examiné "
                f"votre demande à l'appel « {call.name} » ({call.carrier_name}). Sa décision : "
                f"{decision.get_outcome_display().lower()}."
            ),
            style["body"],
        ),
    ]
    grants = list(decision.grants.all())
    if grants:
        flow += [
            Paragraph("Montants attribués par financeur", style["h2"]),
            pdf.table(
                ["Financeur", "Montant"],
                [[g.call_funder.name, money(g.amount)] for g in grants]
                + [["Total", money(sum(g.amount for g in grants))]],
                [11, 5],
                style["cell"],
            ),
        ]
    flow += [Paragraph("Motivation", style["h2"]), Paragraph(pdf.text(decision.motivation), style["body"])]
    cited = [f"« {e.text} »" for e in decision.cited_elements.all()] + [
        c.label for c in decision.cited_criteria.all()
    ]
    if cited:
        flow.append(Paragraph(pdf.text("Éléments de la vision et critères cités : " + " ; ".join(cited) + "."),
                              style["body"]))  # fmt: skip
    if decision.exception_reason:
        flow += [Paragraph("Montant exceptionnel", style["h2"]),
                 Paragraph(pdf.text(decision.exception_reason), style["body"])]  # fmt: skip
    footer = f"Coopérer — {call.name} — décision du {pdf.date(decision.decided_on)}"
    return pdf.build(flow, title=f"Décision — {application.title}", footer=footer, style=style["body"])


def write_archive(job, session, progress) -> int:
    """Writes the zip of the session's letters for `job`; returns how many letters it holds."""
    decisions = session_decisions(session)
    path = archive_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, decision in enumerate(decisions, start=1):
            progress(10 + 85 * number // max(len(decisions), 1), f"Courrier {number} sur {len(decisions)}")
            name = f"{number:03d}-{slugify(decision.application.applicant.name)[:60]}.pdf"
            archive.writestr(name, letter_pdf(decision, session))
    path.write_bytes(buffer.getvalue())
    return len(decisions)
