from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cooperer.analysis.similar import Item, group_similar
from cooperer.consultations.home import qpv_links as consultation_links
from cooperer.core.caching import public_page
from cooperer.core.pagecache import cached_page
from cooperer.core.params import id_param
from cooperer.territories.models import Qpv
from cooperer.visions import permissions, reading, services
from cooperer.visions.enums import ScopeKind, VersionStatus
from cooperer.visions.forms import (
    AdoptionForm,
    AssumptionForm,
    AssumptionStatusForm,
    ElementForm,
    OutcomeForm,
    OutcomeLinkForm,
    SharedElementForm,
    StatementForm,
    VisionForm,
)
from cooperer.visions.models import Assumption, Element, Grounding, Outcome, Vision, VisionVersion
from cooperer.visions.services import VisionError

PAGE_SIZE = 30


def _back(request, vision, name="visions:detail"):
    return redirect(name, pk=vision.pk)


def _version(vision, number=None) -> VisionVersion:
    if number:
        return get_object_or_404(vision.versions, number=id_param(number))
    return services.current_version(vision)


@login_required
def vision_list(request):
    visions = (
        permissions.visible_to(request.user, Vision.objects.all())
        .select_related("epci", "qpv", "commune", "contract", "community", "parent")
        .order_by("epci__name", "scope_kind", "title")
    )
    versions = {}
    for vision_id, number, status in VisionVersion.objects.filter(vision__in=visions).values_list(
        "vision_id", "number", "status"
    ):
        current = versions.get(vision_id)
        if (
            status == VersionStatus.DRAFT
            or current is None
            or (current[1] != VersionStatus.DRAFT and number > current[0])
        ):
            versions[vision_id] = (number, status)
    rows = [
        (vision, VersionStatus(versions[vision.pk][1]).label if vision.pk in versions else "")
        for vision in visions
    ]
    return render(
        request,
        "visions/list.html",
        {"rows": rows, "can_create": bool(VisionForm(user=request.user).allowed_epcis), "nav": "visions"},
    )


@login_required
def vision_create(request):
    form = VisionForm(request.POST or None, user=request.user)
    if not form.allowed_epcis:
        raise PermissionDenied(permissions.NOT_EDITOR)
    if request.method == "POST" and form.is_valid():
        vision = form.save(commit=False)
        try:
            services.create_vision(vision, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Vision créée : écrivez son énoncé et ses éléments.")
            return redirect("visions:draft", pk=vision.pk)
    return render(request, "visions/form.html", {"form": form, "nav": "visions"})


@login_required
def vision_edit(request, pk):
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    form = VisionForm(request.POST or None, instance=vision, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Vision mise à jour.")
        return redirect(vision)
    return render(request, "visions/form.html", {"form": form, "vision": vision, "nav": "visions"})


@login_required
@cached_page()
def vision_detail(request, pk):
    vision = permissions.get_vision(request, pk)
    versions = list(vision.versions.order_by("-number"))
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), None) or services.current_version(
        vision, versions
    )
    content = reading.version_content(version)
    children = reading.children_elements(vision, version) if vision.scope_kind != ScopeKind.QPV else []
    return render(
        request,
        "visions/detail.html",
        {
            "vision": vision,
            "version": version,
            "versions": versions,
            "content": content,
            "diagram": reading.diagram(content, vision.title),
            "children": children,
            "specifics": reading.specifics(children),
            "can_edit": permissions.can_edit(request.user, vision),
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
            "current": services.current_version(vision, versions),
            "status_form": AssumptionStatusForm(),
            "nav": "visions",
        },
    )


@login_required
def element_elsewhere(request, pk, element_pk):
    """One element of the vision and the initiatives of other territories that resemble it (the apps listed in
    settings.COOPERER_SIMILAR_ELSEWHERE: the capitalised records)."""
    from cooperer.core.home import similar_elsewhere

    vision = permissions.get_vision(request, pk)
    element = get_object_or_404(
        Element.objects.select_related("version__vision"), pk=element_pk, version__vision=vision
    )
    return render(
        request,
        "visions/elsewhere.html",
        {
            "vision": vision,
            "element": element,
            "elsewhere": similar_elsewhere(element, request.user),
            "nav": "visions",
        },
    )


@login_required
def draft(request, pk):
    """The statement and the elements of the draft."""
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    version = services.current_version(vision)
    statement_form = StatementForm(request.POST or None, initial={"statement": version.statement})
    if request.method == "POST":
        try:
            if "statement" in request.POST and statement_form.is_valid():
                services.save_statement(version, statement_form.cleaned_data["statement"])
                messages.success(request, "Énoncé enregistré.")
            elif "new_element" in request.POST:
                services.add_element(version, request.POST["new_element"][:300])
                messages.success(request, "Élément ajouté.")
            elif "element" in request.POST:
                element = get_object_or_404(Element, pk=request.POST["element"], version=version)
                if request.POST.get("delete"):
                    services.delete_element(element)
                    messages.success(request, "Élément supprimé.")
                else:
                    form = ElementForm(request.POST, instance=element)
                    if form.is_valid():
                        services.update_element(element, form.cleaned_data["text"])
                        messages.success(request, "Élément enregistré.")
                    else:
                        messages.error(request, " ".join(form.errors.get("text", ["Élément invalide."])))
        except VisionError as error:
            messages.error(request, str(error))
        return redirect("visions:draft", pk=vision.pk)
    content = reading.version_content(version)
    return render(
        request,
        "visions/draft.html",
        {
            "vision": vision,
            "version": version,
            "content": content,
            "statement_form": statement_form,
            "nav": "visions",
        },
    )


@login_required
def theory(request, pk):
    """Outcomes, their links and the assumptions of the draft."""
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    version = services.current_version(vision)
    posted = request.POST if request.method == "POST" else None
    outcome_form = OutcomeForm(
        posted if "add_outcome" in request.POST else None, version=version, prefix="changement"
    )
    link_form = OutcomeLinkForm(posted if "link" in request.POST else None, version=version, prefix="lien")
    assumption_form = AssumptionForm(
        posted if "add_assumption" in request.POST else None, version=version, prefix="hypothese"
    )
    if request.method == "POST":
        try:
            done = _theory_action(request, version, outcome_form, link_form, assumption_form)
        except VisionError as error:
            messages.error(request, str(error))
            done = False
        if done:
            messages.success(request, done)
            return redirect("visions:theory", pk=vision.pk)
    content = reading.version_content(version)
    return render(
        request,
        "visions/theory.html",
        {
            "vision": vision,
            "version": version,
            "content": content,
            "diagram": reading.diagram(content, vision.title),
            "outcome_form": outcome_form,
            "link_form": link_form,
            "assumption_form": assumption_form,
            "nav": "visions",
        },
    )


def _theory_action(request, version, outcome_form, link_form, assumption_form) -> str:
    if "add_outcome" in request.POST:
        if not outcome_form.is_valid():
            return ""
        services.add_outcome(version, **outcome_form.cleaned_data)
        return "Changement attendu ajouté."
    if "link" in request.POST:
        if not link_form.is_valid():
            return ""
        services.link_outcomes(link_form.cleaned_data["source"], link_form.cleaned_data["target"])
        return "Lien ajouté."
    if "unlink" in request.POST:
        source = get_object_or_404(Outcome, pk=request.POST["unlink"], version=version)
        target = get_object_or_404(Outcome, pk=request.POST.get("target"), version=version)
        services.unlink_outcomes(source, target)
        return "Lien retiré."
    if "delete_outcome" in request.POST:
        services.delete_outcome(
            get_object_or_404(Outcome, pk=request.POST["delete_outcome"], version=version)
        )
        return "Changement supprimé."
    if "add_assumption" in request.POST:
        if not assumption_form.is_valid():
            return ""
        services.add_assumption(
            version, assumption_form.cleaned_data["text"], assumption_form.cleaned_data["outcome"]
        )
        return "Hypothèse ajoutée."
    raise VisionError("Action inconnue.")


@login_required
@require_POST
def assumption_status(request, pk, assumption_pk):
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    assumption = get_object_or_404(
        Assumption.objects.select_related("version"), pk=assumption_pk, version__vision=vision
    )
    form = AssumptionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un statut et dites sur quels éléments de preuve il repose.")
    else:
        try:
            services.change_assumption_status(
                assumption, form.cleaned_data["status"], form.cleaned_data["evidence"], request.user
            )
            messages.success(request, "Statut de l'hypothèse mis à jour.")
        except VisionError as error:
            messages.error(request, str(error))
    return redirect(f"{vision.get_absolute_url()}?version={assumption.version.number}#hypotheses")


@login_required
def adopt(request, pk):
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    version = services.current_version(vision)
    form = AdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt(
                version,
                body=form.cleaned_data["body"],
                reference=form.cleaned_data["reference"],
                adopted_on=form.cleaned_data["adopted_on"],
                user=request.user,
            )
        except VisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Version {version.number} adoptée : elle est désormais figée.")
            return redirect(vision)
    content = reading.version_content(version)
    return render(
        request,
        "visions/adopt.html",
        {"vision": vision, "version": version, "content": content, "form": form, "nav": "visions"},
    )


@login_required
@require_POST
def revise(request, pk):
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    try:
        draft_version = services.revise(vision, request.user)
    except VisionError as error:
        messages.error(request, str(error))
        return redirect(vision)
    messages.success(request, f"Révision commencée : la version {draft_version.number} est un brouillon.")
    return redirect("visions:draft", pk=vision.pk)


@login_required
def compare(request, pk):
    from cooperer.visions.diff import compare_versions

    vision = permissions.get_vision(request, pk)
    versions = list(vision.versions.order_by("number"))
    if len(versions) < 2:
        raise Http404("Cette vision n'a qu'une version.")
    numbers = [v.number for v in versions]
    try:
        old_number = int(request.GET.get("de") or numbers[-2])
        new_number = int(request.GET.get("a") or numbers[-1])
    except ValueError as error:
        raise Http404("Versions inconnues.") from error
    old = get_object_or_404(vision.versions, number=old_number)
    new = get_object_or_404(vision.versions, number=new_number)
    return render(
        request,
        "visions/compare.html",
        {
            "vision": vision,
            "old": old,
            "new": new,
            "versions": versions,
            "diff": compare_versions(old, new),
            "nav": "visions",
        },
    )


@login_required
def assemble(request, pk):
    """Neighbourhood visions rolled up into this one: similar elements suggested, a person gathers them."""
    vision = permissions.get_vision(request, pk, permissions.can_edit)
    version = services.current_version(vision)
    children = reading.children_elements(vision, version)
    form = SharedElementForm(request.POST or None, child_elements=[e for e in children if not e.is_gathered])
    if request.method == "POST":
        if "gather_into" in request.POST:
            target = get_object_or_404(Element, pk=request.POST["gather_into"], version=version)
            chosen = [e for e in children if str(e.pk) in request.POST.getlist("elements")]
            try:
                services.gather(target, chosen)
                messages.success(request, f"{len(chosen)} élément(s) rassemblé(s) dans « {target.text} ».")
                return redirect("visions:assemble", pk=vision.pk)
            except VisionError as error:
                messages.error(request, str(error))
        elif form.is_valid():
            chosen = [e for e in children if e.pk in form.cleaned_data["elements"]]
            try:
                services.shared_element(version, form.cleaned_data["text"], chosen)
                messages.success(request, "Élément commun ajouté à la vision.")
                return redirect("visions:assemble", pk=vision.pk)
            except VisionError as error:
                form.add_error(None, str(error))
    by_id = {str(e.pk): e for e in children}
    suggestions = [
        {"elements": [by_id[i] for i in group.ids], "terms": group.shared_terms, "score": group.score}
        for group in group_similar(
            [Item(str(e.pk), e.text, str(e.version.vision_id)) for e in children if not e.is_gathered]
        )
    ]
    return render(
        request,
        "visions/assemble.html",
        {
            "vision": vision,
            "version": version,
            "content": reading.version_content(version),
            "children": children,
            "specifics": reading.specifics(children),
            "suggestions": suggestions,
            "form": form,
            "nav": "visions",
        },
    )


@login_required
def ground_page(request, pk):
    """The synthesis of the vision's scope beside the draft: link topics and contributions to elements."""
    from cooperer.visions.grounding import grounding_context, handle_grounding_post

    vision = permissions.get_vision(request, pk, permissions.can_edit)
    version = services.current_version(vision)
    if request.method == "POST":
        try:
            done = handle_grounding_post(request, vision, version)
            messages.success(request, done)
        except VisionError as error:
            messages.error(request, str(error))
        query = request.POST.get("next_query", "")
        return redirect(f"{request.path}?{query}" if query else request.path)
    return render(request, "visions/ground.html", grounding_context(request, vision, version, PAGE_SIZE))


@login_required
def diagram_export(request, pk, fmt):
    from cooperer.visions import diagram as drawing

    vision = permissions.get_vision(request, pk)
    version = _version(vision, request.GET.get("version"))
    content = reading.version_content(version)
    result = reading.diagram(content, vision.title)
    title = f"Théorie du changement — {vision.title} (version {version.number})"
    name = f"theorie-du-changement-{vision.pk}-v{version.number}"
    if fmt == "svg":
        body, mime = result["svg"].encode(), "image/svg+xml"
    elif fmt == "png":
        body, mime = drawing.diagram_png(result["layout"], title), "image/png"
    else:
        body, mime = drawing.diagram_pdf(result["layout"], title), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@public_page
def public_vision(request, code):
    """« Notre quartier en 2030 »: the adopted vision of a QPV, for everyone, in plain French."""
    qpv = get_object_or_404(Qpv.objects.only("pk", "code", "name"), code=code.upper())
    version = (
        VisionVersion.objects.adopted()
        .filter(vision__qpv=qpv, vision__scope_kind=ScopeKind.QPV)
        .select_related("vision", "vision__consultation")
        .order_by("-adopted_on", "-number")
        .first()
    )
    context = {"qpv": qpv, "version": version, "participate": consultation_links(qpv, request.user)}
    if version is not None:
        content = reading.version_content(version)
        context.update(
            {
                "vision": version.vision,
                "content": content,
                "participation": reading.participation(version.vision),
                "residents_behind": Grounding.objects.filter(element__version=version, audience="habitants")
                .values("contribution_id")
                .distinct()
                .count(),
            }
        )
    return render(request, "visions/public.html", context)
