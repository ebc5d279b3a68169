"""The application as a dossier in steps, each with its own URL: identity, partners, project, budget, vision,
evaluation, documents, recap of everything with what is missing, confirmation, then the accusé de réception.
Text, number and date fields save themselves one at a time (`field_save`), so that no word is lost between
two steps or two forms."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from cooperer.calls import permissions, receipt, services
from cooperer.calls.forms import (
    AUTOSAVED,
    IDENTITY_FIELDS,
    PROJECT_FIELDS,
    ApplicationForm,
    AttachmentForm,
    BudgetLineForm,
    IndicatorForm,
    PartnerForm,
    ServedElementForm,
)

STEPS = {
    "identite": "Identité",
    "partenaires": "Partenaires",
    "projet": "Projet",
    "budget": "Budget",
    "vision": "Vision",
    "evaluation": "Évaluation",
    "pieces": "Pièces",
    "recapitulatif": "Récapitulatif",
    "confirmation": "Confirmation",
}
RECEIPT_STEP = "accuse-de-reception"
FIRST_STEP = "identite"
SAVED_HEADER = "X-Enregistre"  # the autosave answers it only once the field is saved


def step_url(application, step: str) -> str:
    return reverse("calls:application_step", args=[application.call_id, application.pk, step])


def _autosave(application):
    return lambda name: reverse("calls:application_field", args=[application.call_id, application.pk, name])


def blank_forms(application, network, writable: bool) -> dict:
    call, autosave = application.call, _autosave(application) if writable else None
    return {
        "identity": ApplicationForm(instance=application, call=call, prefix="projet", only=IDENTITY_FIELDS,
                                    autosave=autosave),
        "project": ApplicationForm(instance=application, call=call, prefix="projet", only=PROJECT_FIELDS,
                                   autosave=autosave),
        "partner": PartnerForm(network=network, prefix="partenaire"),
        "budget": BudgetLineForm(years=application.years, prefix="budget"),
        "served": ServedElementForm(call=call, prefix="vision"),
        "indicator": IndicatorForm(prefix="indicateur"),
        "attachment": AttachmentForm(prefix="piece"),
    }  # fmt: skip


def steps_of(application, writable: bool) -> list[tuple[str, str]]:
    steps = [(slug, label) for slug, label in STEPS.items() if writable or slug != "confirmation"]
    if application.submitted_at:
        steps.append((RECEIPT_STEP, "Accusé de réception"))
    return steps


def render_step(request, application, step: str, forms: dict, writable: bool, status=200):
    links = [(slug, label, step_url(application, slug)) for slug, label in steps_of(application, writable)]
    slugs = [slug for slug, _, _ in links]
    if step not in slugs:
        raise Http404("Cette étape n'existe pas pour cette demande.")
    index = slugs.index(step)
    context = {
        "call": application.call,
        "application": application,
        "forms": forms,
        "writable": writable,
        "step": step,
        "step_label": links[index][1],
        "steps": links,
        "previous": links[index - 1] if index else None,
        "next": links[index + 1] if index + 1 < len(links) else None,
        "partners": list(application.partners.select_related("structure")),
        "budget": list(application.budget.all()),
        "totals": services.budget_totals(application),
        "served": list(application.served.select_related("element")),
        "indicators": list(application.indicators.all()),
        "attachments": list(application.attachments.all()),
        "problems": services.submission_problems(application) if writable else [],
        "decision": getattr(application, "decision", None) if application.status == "decided" else None,
        "can_instruct": permissions.can_instruct(request.user, application.call),
        "receipt": _receipt(application),
        "nav": "calls",
    }
    return render(request, "calls/dossier.html", context, status=status)


def _receipt(application) -> dict | None:
    if application.submitted_at is None:
        return None
    return {
        "reference": receipt.reference(application),
        "deposited_at": receipt.deposited_at(application),
        "url": receipt.url(application),
    }


@login_required
@require_POST
def field_save(request, call_pk, pk, field):
    """Saves one field of the application, validated alone; answers « Enregistré à HH:MM » or the error."""
    application = permissions.get_application(request, call_pk, pk, rule=permissions.can_write,
                                              message=permissions.NOT_APPLICANT)  # fmt: skip
    if field not in AUTOSAVED:
        raise Http404("Ce champ ne s'enregistre pas seul.")
    form = ApplicationForm(request.POST, instance=application, call=application.call, prefix="projet",
                           only=[field])  # fmt: skip
    if (
        not form.is_valid()
    ):  # said next to the field (200: the browser logs no failure); the field stays unsaved
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(
            f'<span class="autosave--error" role="alert">Non enregistré : {escape(errors)}</span>'
        )
    form.save()
    response = HttpResponse(f"Enregistré à {timezone.localtime():%H:%M}")
    response[SAVED_HEADER] = "oui"
    return response
