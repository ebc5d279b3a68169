"""The applicant's side: start an application for one's structure, fill its dossier step by step (identity,
partners, project, budget, vision elements served, evaluation, documents), see what is still missing, submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.actors.models import CooperationLink, Structure
from cooperer.calls import dossier, permissions, services
from cooperer.calls.forms import (
    IDENTITY_FIELDS,
    PROJECT_FIELDS,
    ApplicationForm,
    AttachmentForm,
    BudgetLineForm,
    IndicatorForm,
    PartnerForm,
    ServedElementForm,
)
from cooperer.calls.models import Application, Attachment, BudgetLine, Indicator, Partner, ServedElement
from cooperer.calls.services import CallError
from cooperer.core.uploads import store_upload
from cooperer.core.validators import normalize_siret

ACTION_STEPS = {"identity": "identite", "project": "projet", "partner": "partenaires", "budget": "budget",
                "served": "vision", "indicator": "evaluation", "attachment": "pieces"}  # fmt: skip


@login_required
@require_POST
def application_start(request, call_pk):
    call = permissions.get_call(request, call_pk)
    structure = get_object_or_404(Structure, pk=request.POST.get("structure"))
    if structure.pk not in permissions.member_structure_ids(request.user):
        raise PermissionDenied("Vous ne pouvez déposer qu'au nom d'une structure dont vous êtes membre.")
    if not call.is_open_at(timezone.now()):
        messages.error(request, "L'appel n'est pas ouvert au dépôt.")
        return redirect(call)
    application = Application.objects.create(
        call=call, applicant=structure, title="Nouveau projet", purpose="", created_by=request.user,
        starts_on=call.opens_on, ends_on=call.opens_on,
    )  # fmt: skip
    messages.success(request, "Demande commencée : décrivez le projet.")
    return redirect(application)


def _network(application) -> list[Structure]:
    """The applicant's partners in the directory's cooperation network, to pick from."""
    ids = set()
    links = CooperationLink.objects.filter(
        Q(source=application.applicant_id) | Q(target=application.applicant_id)
    )
    for source, target in links.values_list("source_id", "target_id"):
        ids.add(target if source == application.applicant_id else source)
    return list(Structure.objects.filter(pk__in=ids).only("pk", "name").order_by("name")[:200])


@login_required
def application_page(request, call_pk, pk):
    """The former one-page application: it opens the dossier at its first step, and still takes its forms."""
    application = permissions.get_application(request, call_pk, pk)
    if request.method == "POST":
        return application_step(request, call_pk, pk, dossier.FIRST_STEP)
    return redirect(dossier.step_url(application, dossier.FIRST_STEP))


@login_required
def application_step(request, call_pk, pk, step):
    application = permissions.get_application(request, call_pk, pk)
    writable = permissions.can_write(request.user, application)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied(permissions.NOT_APPLICANT)
        return _handle(request, application, step)
    network = (
        _network(application) if writable and step == "partenaires" else []
    )  # only that step picks in it
    forms = dossier.blank_forms(application, network, writable)
    return dossier.render_step(request, application, step, forms, writable)


def _handle(request, application, step):
    action = request.POST.get("action", "")
    step = ACTION_STEPS.get(action, step)  # a form is answered on the step that holds it
    here = dossier.step_url(application, step)
    try:
        with transaction.atomic():
            done = _act(request, application, application.call, action)
    except CallError as error:
        messages.error(request, str(error))
        return redirect(here)
    except IntegrityError:
        messages.error(request, "Cet élément est déjà dans la demande.")
        return redirect(here)
    if isinstance(done, dict):  # a form with errors: the step again, with the user's input and the messages
        forms = {**dossier.blank_forms(application, _network(application), True), **done}
        messages.error(request, "La demande n'a pas été modifiée : corrigez les champs signalés.")
        return dossier.render_step(request, application, step, forms, True, status=400)
    messages.success(request, done)
    if action == "submit":
        return redirect(dossier.step_url(application, dossier.RECEIPT_STEP))
    return redirect(here)


def _act(request, application, call, action):
    post, files = request.POST, request.FILES
    if action in ("identity", "project"):
        only = IDENTITY_FIELDS if action == "identity" else PROJECT_FIELDS
        form = ApplicationForm(post, instance=application, call=call, prefix="projet", only=only)
        if not form.is_valid():
            return {action: form}
        form.save()
        return "Identité enregistrée." if action == "identity" else "Projet enregistré."
    if action == "partner":
        form = PartnerForm(post, network=_network(application), prefix="partenaire")
        if not form.is_valid():
            return {"partner": form}
        structure = _partner_structure(form.cleaned_data)
        if structure.pk == application.applicant_id:
            raise CallError("La structure porteuse n'est pas sa propre partenaire.")
        Partner.objects.create(application=application, structure=structure, role=form.cleaned_data["role"],
                               contribution=form.cleaned_data["contribution"])  # fmt: skip
        return f"Partenaire ajouté : {structure.name}."
    if action == "budget":
        form = BudgetLineForm(post, years=application.years, prefix="budget")
        if not form.is_valid():
            return {"budget": form}
        form.instance.application = application
        form.save()
        return "Ligne de budget ajoutée."
    if action == "served":
        form = ServedElementForm(post, call=call, prefix="vision")
        if not form.is_valid():
            return {"served": form}
        ServedElement.objects.create(application=application, **form.cleaned_data)
        return "Élément de vision ajouté."
    if action == "indicator":
        form = IndicatorForm(post, prefix="indicateur")
        if not form.is_valid():
            return {"indicator": form}
        form.instance.application = application
        form.save()
        return "Indicateur ajouté."
    if action == "attachment":
        form = AttachmentForm(post, files, prefix="piece")
        if not form.is_valid():
            return {"attachment": form}
        upload = form.cleaned_data["file"]
        path = store_upload(upload, f"demandes/{application.pk}")
        Attachment.objects.create(application=application, kind=form.cleaned_data["kind"], name=upload.name[:200],
                                  path=str(path), size=upload.size, uploaded_by=request.user)  # fmt: skip
        return f"Pièce ajoutée : {upload.name}."
    if action == "remove":
        return _remove(application, post.get("what", ""), post.get("id", ""))
    if action == "submit":
        services.submit(application, request.user)
        return "Demande déposée. Vous serez informé·e de la décision et de sa motivation."
    raise CallError("Action inconnue.")


def _partner_structure(data) -> Structure:
    if data.get("known"):
        return get_object_or_404(Structure, pk=data["known"])
    siret = normalize_siret(data.get("siret") or "")
    if not siret:
        raise CallError("Indiquez le SIRET du partenaire, ou choisissez-le dans votre réseau.")
    structure = Structure.objects.active().filter(siret=siret).first()
    if structure is None:
        raise CallError(
            f"Aucune structure de l'annuaire n'a le SIRET {siret} : demandez à l'animatrice de l'y ajouter."
        )
    return structure


def _remove(application, what: str, pk: str) -> str:
    models = {"partner": Partner, "budget": BudgetLine, "served": ServedElement, "indicator": Indicator,
              "attachment": Attachment}  # fmt: skip
    if what not in models or not pk.isdigit():
        raise CallError("Rien à retirer.")
    get_object_or_404(models[what], pk=pk, application=application).delete()
    return "Retiré de la demande."
