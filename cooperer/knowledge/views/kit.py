"""The method kit: its templates, their printable sheet (HTML and PDF), the kit as open data, « Enregistrer
comme modèle » from a consultation, a call, a community or a vision."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.core.exports import csv_download, csv_text
from cooperer.knowledge import extract
from cooperer.knowledge.kit import SCHEMAS, KitKind, KitStatus
from cooperer.knowledge.kit_forms import KitTemplateForm, SaveAsTemplateForm
from cooperer.knowledge.models import KitTemplate
from cooperer.knowledge.sheet import (
    OPEN_DATA_HEADER,
    open_data_json,
    open_data_rows,
    sheet_context,
    sheet_pdf,
)
from cooperer.knowledge.spreading import can_spread_to, source_object

PAGE_SIZE = 25
NOT_AUTHOR = "Seul·e l'auteur·rice du modèle ou un·e administrateur·rice peut le modifier."
NOT_ANIMATOR = "Seules les animatrices du territoire de cet outil peuvent en faire un modèle."


def _can_write(user) -> bool:
    return is_platform_admin(user) or bool(animated_epci_ids(user))


def _can_edit(user, template) -> bool:
    return is_platform_admin(user) or (user.is_authenticated and template.author_id == user.pk)


def _template(request, pk):
    template = get_object_or_404(KitTemplate.objects.select_related("source_epci", "author"), pk=pk)
    if template.status != KitStatus.PUBLISHED and not _can_edit(request.user, template):
        raise Http404("Ce modèle n'est pas publié.")
    return template


def kit_index(request):
    templates = KitTemplate.objects.visible_to(request.user).select_related("source_epci")
    kind = request.GET.get("type", "")
    if kind in KitKind.values:
        templates = templates.filter(kind=kind)
    page = Paginator(templates.order_by("kind", "title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/kit/index.html",
        {
            "page": page,
            "kinds": KitKind.choices,
            "kind": kind,
            "schemas": SCHEMAS,
            "can_write": _can_write(request.user),
        },
    )


def kit_detail(request, pk):
    template = _template(request, pk)
    context = sheet_context(template)
    context.update(
        can_edit=_can_edit(request.user, template),
        can_spread=request.user.is_authenticated and _can_write(request.user) and not template.problems,
        problems=template.problems,
        lineages=template.lineages.order_by("spread_on", "pk"),
    )
    return render(request, "knowledge/kit/detail.html", context)


def kit_pdf(request, pk):
    template = _template(request, pk)
    response = HttpResponse(sheet_pdf(template), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="modele-{template.pk}.pdf"'
    return response


@login_required
def kit_create(request):
    if not _can_write(request.user):
        raise PermissionDenied(
            "Seules les animatrices et les administrateur·rices ajoutent des modèles au kit."
        )
    form = KitTemplateForm(request.POST or None, instance=KitTemplate(author=request.user))
    if request.method == "POST" and form.is_valid():
        template = form.save()
        messages.success(request, "Modèle enregistré.")
        return redirect(template)
    return render(request, "knowledge/kit/form.html", {"form": form, "schemas": SCHEMAS})


@login_required
def kit_edit(request, pk):
    template = get_object_or_404(KitTemplate, pk=pk)
    if not _can_edit(request.user, template):
        raise PermissionDenied(NOT_AUTHOR)
    form = KitTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Modèle mis à jour.")
        return redirect(template)
    return render(
        request, "knowledge/kit/form.html", {"form": form, "template": template, "schemas": SCHEMAS}
    )


@login_required
def kit_from(request, word, pk):
    """« Enregistrer comme modèle »: a draft template of what a consultation, a call, a community or a vision
    teaches, made by an animatrice of its territory."""
    obj = source_object(word, pk)
    if obj is None:
        raise Http404("Cet outil n'existe pas.")
    if not can_spread_to(request.user, obj.epci):
        raise PermissionDenied(NOT_ANIMATOR)
    kind = request.GET.get("type", "")
    taken = extract.extract(obj, kind)
    form = SaveAsTemplateForm(request.POST or None, initial={"title": taken.title, "licence": "etalab-2.0"})
    if request.method == "POST" and form.is_valid():
        from cooperer.knowledge.spreading import save_as_template

        template = save_as_template(obj, user=request.user, kind=kind, **form.cleaned_data)
        messages.success(
            request,
            "Modèle enregistré en brouillon : relisez-le, puis publiez-le pour le partager dans le kit.",
        )
        return redirect(template)
    preview = KitTemplate(kind=taken.kind, title=taken.title, content=taken.content)
    return render(
        request,
        "knowledge/kit/from.html",
        {"form": form, "obj": obj, "taken": taken, **sheet_context(preview), "template": preview},
    )


def _published():
    return KitTemplate.objects.published().select_related("source_epci").order_by("pk")


def kit_open_data_json(request):
    response = JsonResponse(
        open_data_json(_published(), settings.COOPERER_SITE_URL), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'inline; filename="kit-de-methode.json"'
    return response


def kit_open_data_csv(request):
    return csv_download(
        csv_text(OPEN_DATA_HEADER, open_data_rows(_published(), settings.COOPERER_SITE_URL)),
        "kit-de-methode.csv",
    )
