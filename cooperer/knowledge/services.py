"""Every rule of initiative records: starting one from what the platform knows, the review workflow
(brouillon → soumise à relecture → publiée, or renvoyée avec un commentaire) and the search text. Rules raise
`RecordError` with a French message; nothing is written when one fails."""

from django.db import transaction
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.services import record as journal
from cooperer.core.typography import long_date, number
from cooperer.knowledge import permissions
from cooperer.knowledge.enums import FactorKind, Origin, RecordStatus
from cooperer.knowledge.models import Factor, Record, RecordActor, RecordFactor, RecordStep, filter_token


class RecordError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


NOT_REVIEWED = "Une fiche n'est publiée qu'après relecture : elle doit d'abord être soumise à relecture par ses rédacteurs."


def refresh_search_text(record: Record) -> None:
    """The search text from the record's words and those of its territory, QPVs, themes, publics, actors,
    steps and levers/obstacles (so that « confiance » or « Mulhouse » finds it)."""
    extra = [record.epci.name]
    extra += [q.name for q in record.qpvs.all()]
    extra += [t.name for t in record.themes.all()] + [p.name for p in record.publics.all()]
    extra += [f"{a.name} {a.role}" for a in record.actors.all()]
    extra += [f"{s.title} {s.description} {s.tools}" for s in record.steps.all()]
    factors = list(record.factors.select_related("factor"))
    extra += [f"{f.factor.name} {f.comment}" for f in factors]
    text = record.own_search_text(*extra) + filter_tokens(
        [t.pk for t in record.themes.all()], [p.pk for p in record.publics.all()],
        [f.factor_id for f in factors if f.kind == FactorKind.LEVER],
        [f.factor_id for f in factors if f.kind == FactorKind.OBSTACLE],
    )  # fmt: skip
    if text != record.search_text:
        record.search_text = text
        Record.objects.filter(pk=record.pk).update(search_text=text)


def filter_tokens(themes, publics, levers, obstacles) -> str:
    """The filter keys appended to a record's search text (`models.filter_token`), each followed by a space."""
    tokens = [filter_token("t", pk) for pk in themes] + [filter_token("p", pk) for pk in publics]
    tokens += [filter_token("l", pk) for pk in levers] + [filter_token("f", pk) for pk in obstacles]
    return "".join(f"{token} " for token in dict.fromkeys(tokens))


def problems(record: Record) -> list[str]:
    """What stops a record from being submitted or published, in French, all at once."""
    found = []
    if not record.title.strip():
        found.append("Donnez un titre à la fiche.")
    if not record.summary.strip():
        found.append("Écrivez le résumé : en quelques phrases, ce qui a été fait et ce qu'on en retient.")
    if not record.lessons.strip():
        found.append("Écrivez les enseignements : ce qu'il faut retenir pour refaire ailleurs.")
    if not record.factors.exists():
        found.append("Citez au moins un levier ou un frein.")
    return found


def _locked(record: Record) -> Record:
    return Record.objects.select_for_update().select_related("epci").get(pk=record.pk)


def submit(record: Record, user) -> Record:
    """The writers hand the draft to the animation for review."""
    with transaction.atomic():
        record = _locked(record)
        if record.status != RecordStatus.DRAFT:
            raise RecordError("Seul un brouillon est soumis à relecture.")
        if not permissions.is_writer(user, record):
            raise RecordError(permissions.NOT_WRITER)
        found = problems(record)
        if found:
            raise RecordError(" ".join(found))
        record.status, record.submitted_at = RecordStatus.SUBMITTED, timezone.now()
        record.save(update_fields=["status", "submitted_at", "updated_at"])
    return record


def publish(record: Record, user) -> Record:
    """The animation of the record's territory publishes a record submitted for review; never a draft."""
    with transaction.atomic():
        record = _locked(record)
        if not permissions.can_review(user, record):
            raise RecordError(permissions.NOT_REVIEWER)
        if record.status == RecordStatus.PUBLISHED:
            raise RecordError("Cette fiche est déjà publiée.")
        if record.status != RecordStatus.SUBMITTED:
            raise RecordError(NOT_REVIEWED)
        found = problems(record)
        if found:
            raise RecordError(" ".join(found))
        record.status, record.published_at, record.published_by = RecordStatus.PUBLISHED, timezone.now(), user
        record.review_comment = ""
        record.save(update_fields=["status", "published_at", "published_by", "review_comment", "updated_at"])
        journal(Action.RECORD_PUBLISHED, record, actor=user, epci_id=record.epci_id)
    return record


def return_for_changes(record: Record, user, comment: str) -> Record:
    """The animation sends a record under review back to its writers, saying what to change."""
    comment = (comment or "").strip()
    with transaction.atomic():
        record = _locked(record)
        if not permissions.can_review(user, record):
            raise RecordError(permissions.NOT_REVIEWER)
        if record.status != RecordStatus.SUBMITTED:
            raise RecordError("Seule une fiche soumise à relecture est renvoyée à ses rédacteurs.")
        if not comment:
            raise RecordError("Dites aux rédacteurs ce qu'il faut reprendre.", field="comment")
        record.status, record.review_comment = RecordStatus.DRAFT, comment
        record.save(update_fields=["status", "review_comment", "updated_at"])
        journal(
            Action.RECORD_RETURNED, record, actor=user, epci_id=record.epci_id, after={"comment": comment}
        )
    return record


def set_factors(record: Record, chosen: list[tuple[int, str, str]]) -> None:
    """Replaces the record's levers and obstacles by `chosen`: (factor id, kind, comment)."""
    with transaction.atomic():
        record.factors.all().delete()
        RecordFactor.objects.bulk_create(
            [
                RecordFactor(record=record, factor_id=fid, kind=kind, comment=(comment or "")[:300])
                for fid, kind, comment in dict.fromkeys(chosen)
                if kind in FactorKind.values
            ]
        )


# -- starting a record from what the platform knows ------------------------------------------------------------


def start_blank(epci, user, title: str = "") -> Record:
    record = Record.objects.create(
        title=title or "Nouvelle fiche d'expérience", summary="", epci=epci, created_by=user
    )
    refresh_search_text(record)
    return record


def start_from_community(community, user) -> Record:
    """A draft pre-filled from a community of action: its objective, period, QPVs, members and their roles,
    the axes and actions of its latest adopted roadmap (as method steps), its decisions and its ideas."""
    from cooperer.communities.enums import RoadmapStatus

    members = list(community.memberships.current().select_related("structure"))
    roadmap = (
        community.roadmaps.filter(status=RoadmapStatus.ADOPTED).order_by("-number").first()
        or community.roadmaps.order_by("-number").first()
    )
    decisions = list(community.decisions.order_by("decided_on", "pk")[:10])
    ideas = list(community.ideas.order_by("raised_on", "pk")[:5])
    context = [f"Objectif commun : {community.objective}"]
    if community.anchoring:
        context.append(f"Ancrage de la méthode : {community.anchoring}")
    if community.programme:
        context.append(f"Programme : {community.programme}")
    results = [f"{long_date(d.decided_on)} : {d.text}" for d in decisions]
    results += [f"Idée apparue ({i.get_status_display().lower()}) : {i.text}" for i in ideas]
    with transaction.atomic():
        record = Record.objects.create(
            title=community.name,
            summary=community.objective,
            epci_id=community.epci_id,
            origin=Origin.COMMUNITY,
            community=community,
            starts_on=community.started_on or min((m.joined_on for m in members), default=None),
            ends_on=timezone.localdate(),
            context="\n".join(context),
            method=(roadmap.summary if roadmap else ""),
            results="\n".join(results),
            sdgs=list(community.sdgs or []),
            created_by=user,
            is_demo=community.is_demo,
        )
        record.qpvs.set(community.qpvs.all())
        RecordActor.objects.bulk_create(
            [
                RecordActor(
                    record=record,
                    structure=m.structure,
                    name=m.structure.name,
                    position=i,
                    role=m.get_role_display() + (f" — {m.contribution}" if m.contribution else ""),
                )
                for i, m in enumerate(members)
            ]
        )
        if roadmap is not None:
            steps = []
            for axis in roadmap.axes.prefetch_related("actions").order_by("order", "pk"):
                actions = "; ".join(a.title for a in axis.actions.all())
                steps.append(
                    RecordStep(
                        record=record,
                        title=axis.title,
                        position=len(steps),
                        description=axis.description + (f"\nActions : {actions}" if actions else ""),
                    )
                )
            RecordStep.objects.bulk_create(steps)
        refresh_search_text(record)
    return record


def start_from_application(application, user) -> Record:
    """A draft pre-filled from a funded action: its carrier and partners, purpose and description, period,
    QPVs, budget, grants, and the bilans with their approved results (cited by the record)."""
    from cooperer.calls.models import Grant
    from cooperer.measurement.enums import BilanStatus
    from cooperer.measurement.models import Measurement

    grants = list(Grant.objects.filter(decision__application=application).select_related("call_funder"))
    bilans = list(application.bilans.filter(status=BilanStatus.APPROVED).order_by("period_start"))
    results = []
    for bilan in bilans:
        line = f"Bilan {bilan.period_start.year}"
        if bilan.participants is not None:
            line += f" : {number(bilan.participants)} participants"
            if bilan.participants_qpv is not None:
                line += f" dont {number(bilan.participants_qpv)} habitants des QPV"
        results.append(line + (f". {bilan.narrative}" if bilan.narrative else "."))
    measured = Measurement.objects.filter(bilan__in=bilans, value__isnull=False).select_related(
        "indicator", "bilan"
    )
    for m in measured.order_by("period_start", "indicator__name"):
        results.append(f"{m.indicator.name} ({m.period_start.year}) : {number(m.value)}")
    budget = sum((line.amount for line in application.budget.all() if line.account.startswith("6")), 0)
    context = [application.purpose]
    if application.objectives:
        context.append(f"Objectifs : {application.objectives}")
    if budget:
        context.append(f"Budget prévisionnel : {number(budget)} €")
    if grants:
        context.append(
            "Financements accordés : "
            + ", ".join(f"{g.call_funder.name} {number(g.amount)} €" for g in grants)
        )
    with transaction.atomic():
        record = Record.objects.create(
            title=application.title,
            summary=application.purpose,
            epci_id=application.call.epci_id,
            origin=Origin.APPLICATION,
            application=application,
            starts_on=application.starts_on,
            ends_on=application.ends_on,
            context="\n".join(context),
            method=application.description or application.means,
            results="\n".join(results),
            created_by=user,
            is_demo=application.is_demo,
        )
        record.qpvs.set(application.qpvs.all())
        record.bilans.set(bilans)
        actors = [RecordActor(record=record, structure=application.applicant, name=application.applicant.name,
                              role="Porteur", position=0)]  # fmt: skip
        for i, p in enumerate(application.partners.select_related("structure"), start=1):
            role = p.get_role_display() + (f" — {p.contribution}" if p.contribution else "")
            actors.append(
                RecordActor(
                    record=record, structure=p.structure, name=p.structure.name, role=role, position=i
                )
            )
        RecordActor.objects.bulk_create(actors)
        refresh_search_text(record)
    return record


def factors_by_kind(record: Record) -> dict[str, list[RecordFactor]]:
    out = {FactorKind.LEVER: [], FactorKind.OBSTACLE: []}
    for rf in record.factors.select_related("factor"):
        out[rf.kind].append(rf)
    return out


def period_label(record: Record) -> str:
    start, end = record.starts_on, record.ends_on
    if start and end:
        return f"{start.year}–{end.year}" if start.year != end.year else str(start.year)
    if start:
        return f"depuis {start.year}"
    return ""


def available_factors() -> list[Factor]:
    from cooperer.knowledge.factors import ensure_defaults

    ensure_defaults()
    return list(Factor.objects.all())
