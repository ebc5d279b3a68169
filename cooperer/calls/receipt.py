"""The accusé de réception of a deposited application: its reference, the date and time of the deposit, and
the A4 PDF the applicant keeps (linked from the deposit e-mail)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from reportlab.platypus import Paragraph, Spacer

from cooperer.calls import permissions
from cooperer.calls.models import Application
from cooperer.core import pdf


def reference(application: Application) -> str:
    """AAP-<call>-<application>-<yyyymmdd of the deposit, Paris time>: unique, and readable on the phone."""
    day = timezone.localdate(application.submitted_at)
    return f"AAP-{application.call_id}-{application.pk}-{day:%Y%m%d}"


def deposited_at(application: Application) -> str:
    return f"{timezone.localtime(application.submitted_at):%d/%m/%Y à %H:%M}"


def url(application: Application) -> str:
    return reverse("calls:receipt", args=[application.call_id, application.pk])


def document(application: Application) -> bytes:
    style = pdf.styles()
    facts = [
        ["Référence", reference(application)],
        ["Déposée le", deposited_at(application)],
        ["Appel à projets", application.call.name],
        ["Projet", application.title],
        ["Structure porteuse", application.applicant.name],
        ["SIRET ou RNA", application.applicant.siret or application.applicant.rna or "—"],
        ["Objet", application.purpose],
    ]
    flow = [
        Paragraph("Accusé de réception", style["title"]),
        Paragraph(
            pdf.text(
                f"La demande « {application.title} » est déposée sur l'appel « {application.call.name} ». "
                "Les financeurs de l'appel l'instruisent ; la décision et sa motivation vous seront communiquées."
            ),
            style["body"],
        ),
        Spacer(1, 8),
        pdf.table(["Élément", "Valeur"], facts, [4.5, 12.5], style["cell"]),
    ]
    return pdf.build(
        flow, title=f"Accusé de réception {reference(application)}", style=style["body"],
        footer=f"Coopérer — accusé de réception {reference(application)}",
    )  # fmt: skip


@login_required
def receipt_pdf(request, call_pk, pk):
    application = permissions.get_application(request, call_pk, pk)
    if application.submitted_at is None:
        raise Http404("Cette demande n'est pas déposée.")
    response = HttpResponse(document(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference(application)}.pdf"'
    return response
