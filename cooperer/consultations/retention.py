"""What an analysis run keeps of the contributions' words, and for how long.

A run stores quotes (topics) and representatives (near-duplicates) as text. They are shown only while the quoted
contribution is still present and visible, the stored copies of an erased contribution are scrubbed on erasure,
and old runs are deleted after RUN_RETENTION_DAYS, the latest run of each consultation excepted (docs/rgpd.md)."""

import datetime

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cooperer.consultations.models import AnalysisRun, Contribution

RUN_RETENTION_DAYS = 365


def quoted_ids(report: dict) -> set[str]:
    """The contributions whose words a report carries."""
    ids = {quote["id"] for topic in report.get("topics", []) for quote in topic.get("quotes", [])}
    ids |= {
        group["representative"]["id"] for group in report.get("duplicates", []) if group.get("representative")
    }
    return ids


def without(report: dict, gone: set[str]) -> dict:
    """A copy of the report without the words of the contributions `gone`: their quotes are dropped, a group of
    near-duplicates represented by one of them goes, and they leave the groups' member lists."""
    if not gone:
        return report
    topics = [
        {**topic, "quotes": [quote for quote in topic.get("quotes", []) if quote["id"] not in gone]}
        for topic in report.get("topics", [])
    ]
    duplicates = [
        {**group, "member_ids": [pk for pk in group.get("member_ids", []) if pk not in gone]}
        for group in report.get("duplicates", [])
        if (group.get("representative") or {}).get("id") not in gone
    ]
    return {**report, "topics": topics, "duplicates": duplicates}


def shown_report(consultation, report: dict) -> dict:
    """The report as it may be shown now: only the words of contributions still present and visible."""
    quoted = quoted_ids(report)
    if not quoted:
        return report
    pks = [int(pk) for pk in quoted if pk.isdigit()]
    visible = consultation.contributions.visible().filter(pk__in=pks).values_list("pk", flat=True)
    return without(report, quoted - {str(pk) for pk in visible})


def scrub_runs(contribution: Contribution) -> int:
    """Removes an erased contribution's words from every stored run of its consultation; returns how many changed."""
    changed = 0
    for run in AnalysisRun.objects.filter(consultation_id=contribution.consultation_id).only("pk", "report"):
        scrubbed = without(run.report, {str(contribution.pk)})
        if scrubbed != run.report:
            AnalysisRun.objects.filter(pk=run.pk).update(report=scrubbed)
            changed += 1
    return changed


def purge_old_runs(now: datetime.datetime | None = None) -> int:
    """Deletes the runs older than RUN_RETENTION_DAYS except each consultation's latest; returns how many."""
    limit = (now or timezone.now()) - datetime.timedelta(days=RUN_RETENTION_DAYS)
    latest = (
        AnalysisRun.objects.filter(consultation=OuterRef("consultation"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    old = (
        AnalysisRun.objects.filter(created_at__lt=limit)
        .annotate(latest=Subquery(latest))
        .exclude(pk=F("latest"))
    )
    deleted, _ = AnalysisRun.objects.filter(pk__in=old.values("pk")).delete()
    return deleted
