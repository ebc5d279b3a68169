from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import animated_epci_ids, has_any_role, is_platform_admin
from cooperer.audit.context import client_address
from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.consultations import charts, importers, permissions, poster
from cooperer.consultations.enums import Audience
from cooperer.consultations.forms import (
    AttendanceForm,
    ConsultationForm,
    ContributionImportForm,
    ModerationForm,
    PostItForm,
    PublicContributionForm,
    SessionForm,
    SynthesisForm,
    ThemeForm,
)
from cooperer.consultations.models import (
    Consultation,
    Contribution,
    Session,
    Synthesis,
    Theme,
)
from cooperer.consultations.retention import shown_report
from cooperer.consultations.services import (
    ConsultationError,
    add_default_themes,
    enter_post_its,
    erase_on_request,
    moderate,
    parse_post_its,
    submit_public,
)
from cooperer.consultations.synthesis import latest_run, pair, synthesis_context
from cooperer.core.caching import public_page
from cooperer.core.exports import csv_text, xlsx_bytes
from cooperer.core.pagecache import cached_page
from cooperer.core.params import id_param
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job, start_upload_job
from cooperer.jobs.views import commit_preview
from cooperer.territories.models import Qpv

NOT_ANIMATOR = "Seules les animatrices du territoire et les administrateur·rices gèrent cette concertation."
NOT_READER = "Cette concertation est réservée aux personnes qui ont un rôle sur son territoire."


def _consultation(request, pk, rule=permissions.can_read, message=NOT_READER):
    return permissions.get_consultation(
        request, pk, rule, message, Consultation.objects.select_related("epci", "contract")
    )


@login_required
def consultation_list(request):
    if not has_any_role(request.user):
        raise PermissionDenied(NOT_READER)
    consultations = permissions.visible_to(
        request.user,
        Consultation.objects.select_related("epci").annotate(
            session_count=Count("sessions", distinct=True),
            contribution_count=Count(
                "contributions", filter=Q(contributions__hidden_at__isnull=True), distinct=True
            ),
        ),
    )
    can_create = is_platform_admin(request.user) or bool(animated_epci_ids(request.user))
    return render(
        request,
        "consultations/list.html",
        {"consultations": consultations, "can_create": can_create, "nav": "consultations"},
    )


@login_required
def consultation_create(request):
    if not (is_platform_admin(request.user) or animated_epci_ids(request.user)):
        raise PermissionDenied(NOT_ANIMATOR)
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.created_by = request.user
            consultation = form.save()
            if form.cleaned_data.get("default_themes"):
                add_default_themes(consultation)
        messages.success(
            request, "Concertation créée. Ajoutez maintenant ses séances par quartier et par public."
        )
        return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form, "nav": "consultations"})


@login_required
def consultation_edit(request, pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Concertation mise à jour.")
        return redirect(consultation)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "consultation": consultation, "nav": "consultations"},
    )


@login_required
def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    sessions = list(
        consultation.sessions.select_related("qpv").annotate(
            contribution_count=Count("contributions", filter=Q(contributions__hidden_at__isnull=True))
        )
    )
    counts = (
        consultation.contributions.visible()
        .values("qpv__name", "audience")
        .annotate(n=Count("pk"))
        .order_by("qpv__name", "audience")
    )
    audiences = [a for a in Audience if any(c["audience"] == a.value for c in counts)]
    grid: dict[str, dict[str, int]] = {}
    for row in counts:
        grid.setdefault(row["qpv__name"] or "Tout le territoire", {})[row["audience"]] = row["n"]
    matrix = [
        (qpv, [by_audience.get(a.value, 0) for a in audiences], sum(by_audience.values()))
        for qpv, by_audience in grid.items()
    ]
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "sessions": sessions,
            "themes": consultation.themes.all(),
            "audiences": audiences,
            "matrix": matrix,
            "total": sum(row[2] for row in matrix),
            "can_manage": permissions.can_manage(request.user, consultation),
            "can_enter": permissions.can_enter(request.user, consultation),
            "nav": "consultations",
        },
    )


@login_required
def themes(request, pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    editing = None
    if request.GET.get("modifier"):
        editing = get_object_or_404(Theme, pk=id_param(request.GET["modifier"]), consultation=consultation)
    form = ThemeForm(request.POST or None, instance=editing or Theme(consultation=consultation))
    if request.method == "POST" and form.is_valid():
        if (
            Theme.objects.filter(consultation=consultation, name__iexact=form.cleaned_data["name"])
            .exclude(pk=form.instance.pk)
            .exists()
        ):
            form.add_error("name", "Ce thème existe déjà dans cette concertation.")
        else:
            form.save()
            messages.success(request, f"Thème « {form.instance.name} » enregistré.")
            return redirect("consultations:themes", pk=consultation.pk)
    return render(
        request,
        "consultations/themes.html",
        {
            "consultation": consultation,
            "themes": consultation.themes.annotate(tag_count=Count("tags")),
            "form": form,
            "editing": editing,
            "nav": "consultations",
        },
    )


@login_required
@require_POST
def theme_delete(request, pk, theme_pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    theme = get_object_or_404(Theme, pk=theme_pk, consultation=consultation)
    if theme.tags.exists():
        messages.error(request, f"« {theme.name} » classe déjà des contributions : renommez-le plutôt.")
    else:
        theme.delete()
        messages.success(request, f"Thème « {theme.name} » supprimé.")
    return redirect("consultations:themes", pk=consultation.pk)


@login_required
def session_create(request, pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    form = SessionForm(
        request.POST or None, consultation=consultation, initial={"date": consultation.starts_on}
    )
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, f"Séance créée : {session}.")
        return redirect(session)
    return render(
        request,
        "consultations/session_form.html",
        {"form": form, "consultation": consultation, "nav": "consultations"},
    )


def _session(request, pk, session_pk, rule=permissions.can_read, message=NOT_READER):
    consultation = _consultation(request, pk, rule, message)
    session = get_object_or_404(
        Session.objects.select_related("qpv"), pk=session_pk, consultation=consultation
    )
    session.consultation = consultation
    return consultation, session


@login_required
def session_detail(request, pk, session_pk):
    consultation, session = _session(request, pk, session_pk)
    can_manage = permissions.can_manage(request.user, consultation)
    form = SessionForm(request.POST or None, instance=session, consultation=consultation, prefix="seance")
    attendance = AttendanceForm(request.POST or None, session=session, prefix="presence")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(NOT_ANIMATOR)
        if "presence" in request.POST and attendance.is_valid():
            session.attendance = attendance.counts()
            session.save(update_fields=["attendance"])
            messages.success(request, f"Participation enregistrée : {session.attendance_total} personnes.")
            return redirect(session)
        if "seance" in request.POST and form.is_valid():
            form.save()
            messages.success(request, "Séance mise à jour.")
            return redirect(session)
    recent = session.contributions.order_by("-created_at", "-pk")[:10]
    return render(
        request,
        "consultations/session.html",
        {
            "consultation": consultation,
            "session": session,
            "form": form,
            "attendance": attendance,
            "recent": recent,
            "public_url": request.build_absolute_uri(session.public_url()),
            "can_manage": can_manage,
            "can_enter": permissions.can_enter(request.user, consultation),
            "nav": "consultations",
        },
    )


@login_required
def session_poster(request, pk, session_pk, as_pdf=False):
    consultation, session = _session(request, pk, session_pk)
    url = request.build_absolute_uri(session.public_url())
    if as_pdf:
        response = HttpResponse(poster.poster_pdf(session, url), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="affiche-seance-{session.pk}.pdf"'
        return response
    return render(
        request,
        "consultations/poster.html",
        {
            "consultation": consultation,
            "session": session,
            "url": url,
            "qr": poster.qr_svg(url, f"Code QR vers le formulaire : {url}"),
            "nav": "consultations",
        },
    )


@login_required
def post_its(request, pk, session_pk):
    """Assisted entry: a mediator types a workshop's post-its, one per line, without leaving the keyboard."""
    consultation, session = _session(request, pk, session_pk, permissions.can_enter, NOT_ANIMATOR)
    form = PostItForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entries = parse_post_its(form.cleaned_data["lines"], form.cleaned_data["default_kind"])
        try:
            created = enter_post_its(session, entries, request.user)
        except ConsultationError as error:
            form.add_error("lines", str(error))
        else:
            messages.success(
                request,
                f"{len(created)} contribution{'s' if len(created) > 1 else ''} enregistrée{'s' if len(created) > 1 else ''}.",
            )
            response = redirect("consultations:post_its", pk=consultation.pk, session_pk=session.pk)
            response["Location"] += f"?nature={form.cleaned_data['default_kind']}"
            return response
    elif request.method == "GET" and request.GET.get("nature"):
        form = PostItForm(initial={"default_kind": request.GET["nature"]})
    return render(
        request,
        "consultations/post_its.html",
        {
            "consultation": consultation,
            "session": session,
            "form": form,
            "recent": session.contributions.order_by("-created_at", "-pk")[:20],
            "nav": "consultations",
        },
    )


def _public_session(token):
    """The session of a public form with its consultation, and nothing else: read at each contribution."""
    return get_object_or_404(Session.objects.select_related("consultation"), token=token)


@cached_page(form=True)
def public_form(request, token):
    """A session's public form. A contribution received, the visitor is sent to the thanks page (303): reloading
    it or going back does not send the contribution twice."""
    session = _public_session(token)
    consultation = session.consultation
    form = PublicContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A robot filling the hidden field is thanked, and nothing is kept.
        if not form.cleaned_data["website"]:
            try:
                submit_public(session, form.cleaned_data, client_address(request))
            except ConsultationError as error:
                form.add_error(None, str(error))
        if not form.errors:
            response = redirect("public_thanks", token=token)
            response.status_code = 303  # See Other: the thanks page is asked for with GET
            return response
    status = 200 if not form.errors else 400
    names = Qpv.objects.values_list("name", flat=True)  # the neighbourhood's name, not its contour
    qpv_name = names.get(pk=session.qpv_id) if session.qpv_id else ""
    return render(
        request,
        "consultations/public_form.html",
        {
            "session": session,
            "consultation": consultation,
            "form": form,
            "qpv_name": qpv_name,
            "public_page": True,
        },
        status=status,
    )


@public_page
def public_thanks(request, token):
    session = _public_session(token)
    return render(
        request, "consultations/thanks.html", {"session": session, "consultation": session.consultation}
    )


@login_required
def import_upload(request, pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    form = ContributionImportForm(request.POST or None, request.FILES or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_upload_job(
            "contributions_preview", f"Aperçu de l'import de {upload.name} ({consultation.title})", upload,
            "contributions", request.user, session=form.cleaned_data["session"].pk,
            kind=form.cleaned_data["default_kind"], consultation=consultation.pk,
        )  # fmt: skip
        return redirect(job)
    return render(
        request,
        "consultations/import.html",
        {
            "consultation": consultation,
            "form": form,
            "columns": importers.TEMPLATE_HEADER,
            "nav": "consultations",
        },
    )


@login_required
@require_POST
def import_commit(request, job_pk):
    preview_job = get_object_or_404(
        Job.objects.visible_to(request.user), pk=job_pk, kind="contributions_preview"
    )
    _consultation(request, preview_job.params["consultation"], permissions.can_manage, NOT_ANIMATOR)
    return commit_preview(request, preview_job, "contributions_commit")


EXPORT_HEADER = [
    "id",
    "quartier",
    "code_qpv",
    "public",
    "nature",
    "contribution",
    "origine",
    "date",
    "séance",
    "thèmes",
]


@login_required
def contributions_export(request, pk, fmt):
    """Visible contributions, without names; cells that a spreadsheet would run as formulas are neutralised."""
    consultation = _consultation(request, pk)
    items = (
        consultation.contributions.visible()
        .select_related("qpv", "session__qpv")
        .prefetch_related("tags__theme")
        .order_by("pk")
    )
    rows = (
        [c.pk, c.qpv.name if c.qpv else "", c.qpv.code if c.qpv else "", c.get_audience_display(),
         c.get_kind_display(), c.text, c.get_source_display(), c.created_at.date().isoformat(),
         str(c.session) if c.session else "", ", ".join(t.theme.name for t in c.tags.all())]
        for c in items.iterator(chunk_size=2000)
    )  # fmt: skip
    name = f"contributions-concertation-{consultation.pk}"
    record(Action.DATA_EXPORTED, consultation, epci_id=consultation.epci_id, after={"format": fmt, "contenu": "contributions visibles, sans noms"})  # fmt: skip
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes("Contributions", EXPORT_HEADER, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(csv_text(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _back_to_contributions(request, consultation):
    """Back to the page of the list the form was on (its filters and page), or to the list itself."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("consultations:contributions", pk=consultation.pk)


@login_required
@require_POST
def contribution_moderate(request, pk, contribution_pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    contribution = get_object_or_404(Contribution, pk=contribution_pk, consultation=consultation)
    form = ModerationForm(request.POST)
    action = request.POST.get("action")
    try:
        if action == "effacer":
            erase_on_request(contribution, form.data.get("reason", ""), request.user)
        else:
            moderate(contribution, action == "masquer", form.data.get("reason", ""), request.user)
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        done = {
            "effacer": "Contribution effacée : son texte a disparu, le fait qu'elle ait existé reste.",
            "masquer": "Contribution masquée : elle reste dans l'historique.",
        }
        messages.success(request, done.get(action, "Contribution rétablie."))
    return _back_to_contributions(request, consultation)


# -- analysis and synthesis ----------------------------------------------------------------------------------


@login_required
def analysis_page(request, pk):
    consultation = _consultation(request, pk)
    run = latest_run(consultation)
    report = shown_report(consultation, run.report) if run else {}
    visible = consultation.contributions.visible()
    running = Job.objects.filter(kind="consultation_analysis", params__consultation=consultation.pk,
                                 status__in=["queued", "running"]).first()  # fmt: skip
    return render(
        request,
        "consultations/analysis.html",
        {
            "consultation": consultation,
            "run": run,
            "report": report,
            "chart": charts.theme_chart(consultation),
            "trend": charts.trend_chart(consultation),
            "residents_vs_professionals": pair(report.get("comparisons"), "habitants", "professionnels"),
            "youth_vs_others": next(
                (c for c in report.get("comparisons", []) if c["audience"] == "jeunes"), None
            ),
            "units": [u for u in report.get("units", []) if u["level"] == "qpv"],
            "qpv_names": dict(consultation.qpvs.values_list("code", "name")),
            "running": running,
            "new_since_run": (visible.filter(created_at__gt=run.created_at).count() if run else 0),
            "can_manage": permissions.can_manage(request.user, consultation),
            "nav": "consultations",
        },
    )


@login_required
@require_POST
def analysis_start(request, pk):
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    job = start_job(
        "consultation_analysis",
        f"Analyse des contributions — {consultation.title}",
        {"consultation": consultation.pk},
        request.user,
    )
    return redirect(job)


@login_required
@require_POST
def tag_decide(request, pk, contribution_pk):
    from cooperer.consultations.analysis import AnalysisUnavailable, decide_tag

    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    contribution = get_object_or_404(Contribution, pk=contribution_pk, consultation=consultation)
    theme = None
    if request.POST.get("theme"):
        theme = get_object_or_404(Theme, pk=request.POST["theme"], consultation=consultation)
    try:
        tag = decide_tag(contribution, theme, request.user)
    except AnalysisUnavailable as error:
        messages.error(request, str(error))
    else:
        verb = "confirmé" if theme is None else "corrigé"
        messages.success(request, f"Thème {verb} : {tag.theme.name}. La prochaine analyse en tiendra compte.")
    return _back_to_contributions(request, consultation)


@login_required
def qpv_synthesis(request, pk, code):
    consultation = _consultation(request, pk)
    context = synthesis_context(consultation, code)
    can_manage = permissions.can_manage(request.user, consultation)
    form = SynthesisForm(
        request.POST or None,
        instance=context["synthesis"] or Synthesis(consultation=consultation, qpv=context["qpv"]),
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(NOT_ANIMATOR)
        if form.is_valid():
            form.instance.updated_by = request.user
            form.save()
            messages.success(request, "Synthèse enregistrée.")
            return redirect("consultations:qpv_synthesis", pk=consultation.pk, code=context["qpv"].code)
    return render(
        request, "consultations/qpv_synthesis.html", {**context, "form": form, "can_manage": can_manage}
    )


@login_required
def qpv_synthesis_print(request, pk, code, as_pdf=False):
    consultation = _consultation(request, pk)
    context = synthesis_context(consultation, code)
    if as_pdf:
        from cooperer.consultations.printable import synthesis_pdf

        response = HttpResponse(synthesis_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="synthese-{context["qpv"].code}.pdf"'
        return response
    return render(request, "consultations/qpv_synthesis_print.html", context)
