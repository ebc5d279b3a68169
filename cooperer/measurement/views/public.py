"""« Où en est-on ? »: for the residents of a QPV, the projects funded for the vision, what they did and a few
figures, in plain French. Nothing secret or personal: only decided GRANTED/PARTIAL applications, only the
narrative of approved bilans, counts of 1 to 10 people shown as « moins de 11 » (`secrecy`)."""

from collections import defaultdict

from django.db.models import Max, Sum
from django.shortcuts import get_object_or_404, render

from cooperer.calls.enums import Outcome
from cooperer.calls.models import Application, Grant
from cooperer.core.caching import public_page
from cooperer.measurement import rollup, secrecy
from cooperer.measurement.enums import BilanStatus, IndicatorKind
from cooperer.measurement.models import Bilan, Measurement, Rollup
from cooperer.territories.models import Qpv

PEOPLE = "personnes_touchees"


def _shown(value, is_count):
    return secrecy.public_figure(value, is_count=is_count)


def follow_up_context(qpv) -> dict:
    """Plain data for the page, in a constant number of queries."""
    applications = list(
        Application.objects.filter(qpvs=qpv, decision__outcome__in=[Outcome.GRANTED, Outcome.PARTIAL])
        .select_related("applicant", "decision")
        .only("pk", "title", "purpose", "starts_on", "applicant__name", "decision__decided_on")
        .order_by("-starts_on", "title")
    )
    ids = [a.pk for a in applications]
    granted = dict(
        Grant.objects.filter(decision__application_id__in=ids)
        .values_list("decision__application_id")
        .annotate(total=Sum("amount"))
    )
    narratives = defaultdict(list)
    for application_id, narrative in (
        Bilan.objects.filter(application_id__in=ids, status=BilanStatus.APPROVED)
        .exclude(narrative="")
        .order_by("year_index")
        .values_list("application_id", "narrative")
    ):
        narratives[application_id].append(narrative)
    people = defaultdict(lambda: None)
    scopes = [f"application:{pk}" for pk in ids] + [f"qpv:{qpv.pk}"]
    for scope, total in (
        Rollup.objects.filter(indicator__code=PEOPLE, scope__in=scopes)
        .values_list("scope")
        .annotate(t=Sum("total"))
    ):
        people[scope] = total
    projects = [
        {
            "title": a.title,
            "purpose": a.purpose,
            "structure": a.applicant.name,
            "year": a.starts_on.year,
            "granted": granted.get(a.pk),
            "narratives": narratives.get(a.pk, []),
            "people": _shown(people[f"application:{a.pk}"], True)
            if people[f"application:{a.pk}"] is not None
            else None,
        }
        for a in applications
    ]
    latest = Measurement.objects.validated().filter(
        qpv=qpv, indicator__kind=IndicatorKind.CONTEXT, application__isnull=True
    )
    last_end = dict(latest.values_list("indicator_id").annotate(m=Max("period_end")))
    context_rows = []
    for m in latest.select_related("indicator").order_by("indicator__name"):
        if last_end.get(m.indicator_id) != m.period_end:
            continue
        shown = secrecy.public_figure(m.value, is_count=m.indicator.is_count, is_secret=m.is_secret)
        context_rows.append(
            {
                "name": m.indicator.name,
                "unit": m.indicator.get_unit_display(),
                "year": m.period_end.year,
                **shown,
            }
        )
    total_people = people[f"qpv:{qpv.pk}"]
    return {
        "qpv": qpv,
        "projects": projects,
        "total_granted": sum((g for g in granted.values() if g), start=0),
        "people": _shown(total_people, True) if total_people is not None else None,
        "context_rows": context_rows,
        "outcomes": rollup.public_outcomes(qpv),
    }


@public_page
def ou_en_est_on(request, code):
    qpv = get_object_or_404(Qpv.objects.only("pk", "code", "name"), code=code.upper())
    return render(request, "measurement/copil_public.html", follow_up_context(qpv))
