"""Runs the text-analysis engine (cooperer.analysis.text, pure Python) on a consultation and keeps its
results: each contribution's tags with the words that carried them, and the report (themes, topics,
near-duplicates, audience comparisons, roll-up by place) as JSON on an AnalysisRun.

Tags an animatrice confirmed or corrected are the engine's labelled examples and are never overwritten: a new
run replaces only the tags the analysis proposed. Each QPV also gets its own audience comparison (habitants vs
professionnels within the neighbourhood), computed on its contributions alone."""

import dataclasses
from collections import Counter

from django.db import transaction
from django.utils import timezone

from cooperer.analysis import text as engine
from cooperer.consultations.enums import TagOrigin
from cooperer.consultations.models import AnalysisRun, Consultation, Contribution, ContributionTag, Theme

MIN_PER_AUDIENCE = 3  # a QPV comparison needs a few contributions on each side to say anything


class AnalysisUnavailable(Exception):
    """The consultation cannot be analysed yet; the message says why, in French."""


def _engine_contributions(consultation: Consultation) -> list[engine.Contribution]:
    contract = consultation.contract.name if consultation.contract_id else consultation.title
    communes = dict(
        consultation.qpvs.values_list("code", "communes__name").order_by("code", "communes__name").distinct()
    )
    rows = consultation.contributions.visible().order_by("pk")
    return [
        engine.Contribution(
            id=str(pk), text=text, audience=audience, qpv=code or "", commune=communes.get(code, "") if code else "",
            contract=contract,
        )
        for pk, text, audience, code in rows.values_list("pk", "text", "audience", "qpv__code")
    ]  # fmt: skip


def labelled_examples(consultation: Consultation) -> dict[str, str]:
    """contribution id -> theme name, from the tags people confirmed or corrected."""
    return {
        str(pk): name
        for pk, name in ContributionTag.objects.filter(
            contribution__consultation=consultation,
            contribution__hidden_at__isnull=True,
            origin__in=[TagOrigin.CONFIRMED, TagOrigin.MANUAL],
        ).values_list("contribution_id", "theme__name")
    }


def run(consultation: Consultation, job=None, progress=None) -> AnalysisRun:
    themes = list(consultation.themes.all())
    if len(themes) < 2:
        raise AnalysisUnavailable(
            "Il faut au moins deux thèmes pour analyser : ajoutez-en sur la page des thèmes."
        )
    contributions = _engine_contributions(consultation)
    if not contributions:
        raise AnalysisUnavailable("Aucune contribution visible à analyser.")
    labelled = labelled_examples(consultation)
    by_name = {theme.name: theme for theme in themes}
    engine_themes = [engine.Theme(theme.name, theme.description) for theme in themes]
    report = engine.analyse(
        contributions,
        engine_themes,
        labelled,
        lambda fraction, message: progress and progress(int(5 + fraction * 80), message),
    )
    # Each QPV's own comparison, from the contributions already read (no query per QPV).
    by_code: dict[str, list[engine.Contribution]] = {}
    for item in contributions:
        if item.qpv:
            by_code.setdefault(item.qpv, []).append(item)
    by_qpv = {}
    for number, (code, subset) in enumerate(sorted(by_code.items()), start=1):
        if progress:
            progress(85 + int(10 * number / len(by_code)), f"Comparaison des publics par quartier ({code})")
        audiences = Counter(item.audience for item in subset)
        if sum(1 for n in audiences.values() if n >= MIN_PER_AUDIENCE) < 2:
            continue
        ids = {item.id for item in subset}
        local = engine.analyse(
            subset,
            engine_themes,
            {key: theme for key, theme in labelled.items() if key in ids},
            parts=("comparisons",),
        )
        by_qpv[code] = [dataclasses.asdict(comparison) for comparison in local.comparisons]
    data = report.as_dict()
    tags = data.pop("tags")
    data["qpv_comparisons"] = by_qpv
    now = timezone.now()
    with transaction.atomic():
        ContributionTag.objects.filter(
            contribution__consultation=consultation, origin=TagOrigin.AUTO
        ).delete()
        kept = set(
            ContributionTag.objects.filter(contribution__consultation=consultation).values_list(
                "contribution_id", flat=True
            )
        )
        ContributionTag.objects.bulk_create(
            [
                ContributionTag(
                    contribution_id=int(tag["id"]),
                    theme=by_name[tag["theme"]],
                    score=round(tag["score"], 4),
                    evidence=tag["evidence"][:5],
                    topic=(tag.get("topic") or "")[:200],
                    origin=TagOrigin.AUTO,
                    decided_at=now,
                )
                for tag in tags
                if tag["theme"] and int(tag["id"]) not in kept
            ],
            batch_size=2000,
        )
        analysis = AnalysisRun.objects.create(
            consultation=consultation,
            job=job,
            contributions=len(contributions),
            labelled=len(labelled),
            report=data,
        )
    return analysis


@transaction.atomic
def decide_tag(contribution: Contribution, theme: Theme | None, user) -> ContributionTag:
    """Confirm the proposed theme (theme None) or correct it; the engine learns from it at the next run."""
    current = contribution.tags.select_related("theme").first()
    if theme is None:
        if current is None:
            raise AnalysisUnavailable(
                "Cette contribution n'a pas encore de thème proposé : lancez l'analyse."
            )
        current.origin, current.decided_by, current.decided_at = TagOrigin.CONFIRMED, user, timezone.now()
        current.save(update_fields=["origin", "decided_by", "decided_at"])
        return current
    if theme.consultation_id != contribution.consultation_id:
        raise AnalysisUnavailable("Ce thème n'appartient pas à cette concertation.")
    contribution.tags.all().delete()
    return ContributionTag.objects.create(
        contribution=contribution,
        theme=theme,
        score=1.0,
        evidence=[],
        origin=TagOrigin.MANUAL,
        decided_by=user,
        decided_at=timezone.now(),
    )
