"""A neighbourhood's synthesis as plain data: counts per audience, themes, the habitants/professionnels comparison
of the latest analysis (saying when it predates new contributions) and words quoted once each."""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from cooperer.consultations import charts
from cooperer.consultations.enums import Audience
from cooperer.consultations.models import Synthesis


def latest_run(consultation):
    return consultation.analyses.order_by("-created_at").first()


def pair(comparisons: list[dict], audience: str, other: str) -> dict | None:
    """The comparison `audience` vs `other`, turned round if the engine computed it the other way."""
    for comparison in comparisons or []:
        if comparison["audience"] == audience and comparison["other"] == other:
            return comparison
        if comparison["audience"] == other and comparison["other"] == audience:
            return {
                **comparison,
                "audience": audience,
                "other": other,
                "contributions": comparison["other_contributions"],
                "other_contributions": comparison["contributions"],
                "over": comparison["under"],
                "under": comparison["over"],
                "themes_over": comparison["themes_under"],
                "themes_under": comparison["themes_over"],
            }
    return None


QUOTED_THEMES, QUOTES_PER_THEME = 5, 3


def _quotes(consultation, qpv, themes: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Up to three words of the quarter per theme, each said once in the whole synthesis: a contribution tagged
    with several themes, or the same sentence written twice, is quoted under the first theme only."""
    quoted, quotes = set(), []
    for theme_name in themes:
        sample = (
            consultation.contributions.visible()
            .filter(qpv=qpv, tags__theme__name=theme_name)
            .order_by("pk")
            .values_list("text", "audience")[: QUOTES_PER_THEME * (QUOTED_THEMES + 1)]
        )
        items = []
        for text, audience in sample:
            key = " ".join(text.lower().split())
            if key not in quoted and len(items) < QUOTES_PER_THEME:
                quoted.add(key)
                items.append((text, Audience(audience).label))
        quotes.append((theme_name, items))
    return quotes


def synthesis_context(consultation, code) -> dict:
    """What a neighbourhood's synthesis shows, the same for the page, its printable version and its PDF."""
    qpv = get_object_or_404(consultation.qpvs.only("pk", "code", "name"), code=code.upper())
    run = latest_run(consultation)
    report = run.report if run else {}
    synthesis = Synthesis.objects.filter(consultation=consultation, qpv=qpv).first()
    audiences = (
        consultation.contributions.visible().filter(qpv=qpv).values_list("audience").annotate(n=Count("pk"))
    )
    chart = charts.theme_chart(consultation, qpv)
    counts = dict(audiences)
    comparison = pair(report.get("qpv_comparisons", {}).get(qpv.code), "habitants", "professionnels")
    if comparison:
        # The comparison counts what the analysis read; say so when contributions came or went since.
        comparison["stale"] = (comparison["contributions"], comparison["other_contributions"]) != (
            counts.get(Audience.RESIDENTS, 0),
            counts.get(Audience.PROFESSIONALS, 0),
        )
    return {
        "consultation": consultation,
        "qpv": qpv,
        "run": run,
        "chart": chart,
        "trend": charts.trend_chart(consultation, qpv),
        "audiences": [(Audience(a).of_whom, n) for a, n in counts.items()],
        "comparison": comparison,
        "quotes": _quotes(consultation, qpv, [row["theme"] for row in chart["rows"][:QUOTED_THEMES]]),
        "synthesis": synthesis,
        "nav": "consultations",
    }
