"""The joint programming committee: its sessions and their agenda, the screen of the applications (filtered and
sorted by QPV, funder, status, score and vision element, with the totals against the envelopes of what is shown),
the decisions, and the notification letters generated after a session."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Exists, F, OuterRef, Prefetch, Subquery, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.calls import letters, permissions, services
from cooperer.calls.forms import CommitteeFilterForm, CommitteeSessionForm, DecisionForm
from cooperer.calls.instruction import COMPLEMENTS_NEEDED, complement_request, instructed_application
from cooperer.calls.models import Application, BudgetLine, CommitteeSession, Grant, Review, ServedElement
from cooperer.calls.services import DecisionRefused
from cooperer.core.pagecache import cached_page
from cooperer.core.pagination import IdFirstPaginator
from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job

COMMITTEE_PAGE = 30
SORTS = {"titre": ["title"], "etat": ["status", "title"], "porteur": ["applicant__name", "title"]}


def _instructed_call(request, call_pk):
    call = permissions.get_call(request, call_pk)
    if not permissions.can_instruct(request.user, call):
        raise PermissionDenied(permissions.NOT_INSTRUCTOR)
    return call


def _mean_score():
    return Subquery(
        Review.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(mean=Avg("score"))
        .values("mean")
    )


def filtered(call, filters: dict):
    """The submitted applications of the call that the committee's filters keep."""
    shown = Application.objects.filter(call=call).submitted()
    if "seance" in filters:
        shown = shown.filter(Exists(CommitteeSession.agenda.through.objects.filter(
            committeesession=filters["seance"], application=OuterRef("pk"))))  # fmt: skip
    if "qpv" in filters:
        shown = shown.filter(qpvs=filters["qpv"])
    if "financeur" in filters:
        shown = shown.filter(Exists(BudgetLine.objects.filter(
            application=OuterRef("pk"), account="74", acquired=False, funder=filters["financeur"])))  # fmt: skip
    if "etat" in filters:
        shown = shown.filter(status=filters["etat"])
    if "element" in filters:
        shown = shown.filter(Exists(ServedElement.objects.filter(application=OuterRef("pk"),
                                                                 element=filters["element"])))  # fmt: skip
    if "note_min" in filters:
        shown = shown.annotate(mean_score=_mean_score()).filter(mean_score__gte=filters["note_min"])
    return shown


def _ordered(shown, sort: str):
    if sort == "note":
        return shown.annotate(mean_score=_mean_score()).order_by(
            F("mean_score").desc(nulls_last=True), "title", "pk"
        )
    return shown.order_by(*SORTS.get(sort, SORTS["titre"]), "pk")


def _totals(call, funders, shown) -> list[tuple]:
    """Per funder: its envelope, what the shown applications ask and were granted, what is left of the envelope
    over the whole call (grouped queries, whatever the page)."""
    ids = shown.order_by().values("pk")
    asked = dict(
        BudgetLine.objects.filter(application__in=ids, account="74", acquired=False)
        .values_list("funder")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    given = dict(
        Grant.objects.filter(decision__application__in=ids)
        .values_list("call_funder")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    use = {row["funder"].pk: row for row in services.envelope_use(call)}
    return [
        (f, asked.get(f.funder, Decimal("0")), given.get(f.pk, Decimal("0")), use[f.pk]["granted"],
         use[f.pk]["remaining"])
        for f in funders
    ]  # fmt: skip


@login_required
@cached_page()
def committee(request, call_pk):
    """The submitted applications the filters keep, 30 a page, with their amounts per funder; a constant number
    of queries whatever the data."""
    call = _instructed_call(request, call_pk)
    funders = list(call.funders.all())
    form = CommitteeFilterForm(request.GET or None, call=call, funders=funders)
    filters = form.filters()
    shown = filtered(call, filters)
    applications = _ordered(
        shown.select_related("applicant", "decision").prefetch_related(
            Prefetch("decision__grants"), "opinions"
        ),
        filters.get("tri", "titre"),
    )
    page = IdFirstPaginator(applications, COMMITTEE_PAGE).get_page(request.GET.get("page"))
    ids = [a.pk for a in page]
    requested = services.requested_amounts(ids)
    # Mean scores of the page only: an annotation would make the paginator count group every review.
    scores = dict(
        Review.objects.filter(application__in=ids)
        .values_list("application")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    rows = []
    for application in page:
        application.score = scores.get(application.pk)
        decision = getattr(application, "decision", None)
        granted = {g.call_funder_id: g.amount for g in decision.grants.all()} if decision else {}
        cells = [
            (requested.get(application.pk, {}).get(funder.funder, Decimal("0")), granted.get(funder.pk))
            for funder in funders
        ]
        rows.append((application, cells, decision, list(application.opinions.all())))
    query = request.GET.copy()
    query.pop("page", None)
    session = filters.get("seance")
    sessions = list(call.sessions.all())
    return render(
        request,
        "calls/committee.html",
        {
            "call": call, "funders": funders, "rows": rows, "page": page, "filter_form": form,
            "query": query.urlencode(), "totals": _totals(call, funders, shown), "can_decide": True,
            "can_manage": permissions.can_manage(request.user, call),
            "sessions": sessions, "filtering": any(key != "tri" for key in filters), "session": session, "session_form": CommitteeSessionForm(),
            "letters": Job.objects.visible_to(request.user)
            .filter(kind="committee_letters", params__session=session.pk)
            .first()
            if session else None,
            "nav": "calls",
        },
    )  # fmt: skip


@login_required
@require_POST
def session_create(request, call_pk):
    call = _instructed_call(request, call_pk)
    form = CommitteeSessionForm(request.POST)
    if form.is_valid():
        form.instance.call = call
        session = form.save()
        messages.success(
            request, f"Séance créée : {session}. Cochez les demandes à inscrire à son ordre du jour."
        )
        return redirect("calls:committee", call_pk=call.pk)
    return render(
        request, "calls/session_form.html", {"call": call, "form": form, "nav": "calls"}, status=400
    )


@login_required
@require_POST
def batch(request, call_pk):
    """From the committee screen, for the checked applications: inscribe them on a session's agenda, or ask them
    the same complements."""
    call = _instructed_call(request, call_pk)
    ids = [int(i) for i in request.POST.getlist("applications") if i.isdigit()]
    chosen = list(Application.objects.filter(pk__in=ids, call=call).submitted())
    back = reverse("calls:committee", args=[call.pk])
    if not chosen:
        messages.error(request, "Cochez au moins une demande.")
        return redirect(back)
    if request.POST.get("action") == "agenda":
        session = CommitteeSession.objects.filter(call=call, pk=request.POST.get("session") or 0).first()
        if session is None:
            messages.error(
                request, "Choisissez la séance à l'ordre du jour de laquelle inscrire les demandes."
            )
            return redirect(back)
        session.agenda.add(*chosen)
        messages.success(request, f"{len(chosen)} demande(s) inscrite(s) à l'ordre du jour : {session}.")
        return redirect(f"{back}?seance={session.pk}")
    message, deadline = complement_request(request)
    if not message or deadline is None or deadline < timezone.localdate():
        messages.error(request, COMPLEMENTS_NEEDED)
        return redirect(back)
    asked = services.ask_complements(chosen, message=message, deadline=deadline, user=request.user)
    skipped = len(ids) - len(asked)
    messages.success(
        request,
        f"Compléments demandés à {len(asked)} demande(s) avant le {deadline:%d/%m/%Y}"
        + (f" ; {skipped} déjà décidée(s) ou non déposée(s), laissée(s) de côté." if skipped else "."),
    )
    return redirect(back)


@login_required
def decide(request, call_pk, pk):
    application = instructed_application(request, call_pk, pk)
    call = application.call
    funders = list(call.funders.all())
    remaining = {row["funder"]: row["remaining"] for row in services.envelope_use(call)}
    requested = services.requested_amounts([application.pk]).get(application.pk, {})
    session = CommitteeSession.objects.filter(call=call, pk=request.GET.get("seance") or 0).first()
    form = DecisionForm(
        request.POST or None, application=application, funders=funders, requested=requested, remaining=remaining,
        initial={"committee": session.name} if session else None,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                application, outcome=data["outcome"], motivation=data["motivation"], elements=data["elements"],
                criteria=data["criteria"], amounts=form.amounts(), committee=data["committee"],
                decided_on=session.held_on if session else timezone.localdate(), user=request.user,
                exception_reason=data["exception_reason"], confirm_overrun=data["confirm_overrun"], session=session,
            )  # fmt: skip
        except DecisionRefused as refused:  # the envelope moved since the form was checked
            for field, problems in refused.problems.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        except services.CallError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Décision enregistrée pour « {application.title} ».")
            back = reverse("calls:committee", args=[call.pk])
            return redirect(f"{back}?seance={session.pk}" if session else back)
    return render(
        request,
        "calls/decide.html",
        {"call": call, "application": application, "form": form, "session": session,
         "requested": [(f, requested.get(f.funder, Decimal("0"))) for f in funders], "nav": "calls"},
    )  # fmt: skip


@login_required
@require_POST
def letters_start(request, call_pk, session_pk):
    call = _instructed_call(request, call_pk)
    session = get_object_or_404(CommitteeSession, pk=session_pk, call=call)
    job = start_job("committee_letters", f"Courriers de notification — {session}", {"session": session.pk},
                    request.user)  # fmt: skip
    return redirect(job)


@login_required
def letters_download(request, call_pk, session_pk, job_pk):
    call = _instructed_call(request, call_pk)
    session = get_object_or_404(CommitteeSession, pk=session_pk, call=call)
    job = get_object_or_404(Job, pk=job_pk, kind="committee_letters", params__session=session.pk)
    path = letters.archive_path(job)
    if not path.exists():
        raise Http404("Ces courriers ne sont pas (ou plus) disponibles : générez-les à nouveau.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"courriers-seance-{session.pk}.zip",
                        content_type="application/zip")  # fmt: skip
