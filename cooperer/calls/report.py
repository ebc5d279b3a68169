"""The automatic instruction report of one application, explained in plain French: eligibility, cooperation,
coherence with the vision, overlaps and competition with other applications (all calls of the territory), a
suggested consortium, and the applicant's funding history across funders.

The overlap index covers every submitted application of the EPCI. It is shared by every process: stored in
Django's cache under a key made of the EPCI's « overlaps » version stamp (raised by `calls/receivers.py` whenever
what the index is made of changes, whichever process changed it) and the pool's signature (count, last id, last
submission: it also follows bulk writes that send no signal). After each change a background task
(`calls/tasks.rebuild_overlap_index`, run by `cooperer db_worker`) builds the new index and stores it, so that the
request path finds it ready; a request that finds no index for the current key builds it once and stores it.
A process keeps the last index it used in memory, under the same key, so it is never served stale (ADR 016)."""

import threading
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q

from cooperer.actors.enums import SECTOR_OF_FORM
from cooperer.actors.models import CooperationLink
from cooperer.analysis import overlaps as engine
from cooperer.calls import services
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.models import Application, ExternalGrant, Grant
from cooperer.communities.models import Membership
from cooperer.core import stamps
from cooperer.territories.models import Qpv

_LOCK = threading.Lock()
# EPCI -> (key, index): the process's memo of the shared index, valid only while its key is the current one.
_INDEXES: dict[int, tuple[str, engine.OverlapIndex]] = {}
INDEX_SECONDS = (
    7 * 24 * 3600
)  # a stored index is replaced by the next key long before; this only frees memory


def _projects(applications) -> list[engine.Project]:
    rows = applications.order_by("pk").values_list(
        "pk", "call_id", "applicant_id", "title", "purpose", "objectives", "description", "public_description",
        "age_bands", "starts_on", "ends_on",
    )  # fmt: skip
    ids = applications.order_by().values("pk")  # a subquery: no list of 20,000 ids in the SQL
    qpvs, partners, funders, elements = ({} for _ in range(4))
    through = (
        Application.qpvs.through.objects.filter(application_id__in=ids)
        .order_by()
        .values_list("application_id", "qpv__code")
    )
    for app_id, code in through:
        qpvs.setdefault(app_id, set()).add(code)
    from cooperer.calls.models import BudgetLine, Partner, ServedElement

    for app_id, structure_id in (
        Partner.objects.filter(application_id__in=ids)
        .order_by()
        .values_list("application_id", "structure_id")
    ):
        partners.setdefault(app_id, set()).add(str(structure_id))
    for app_id, funder in (
        BudgetLine.objects.filter(application_id__in=ids, account="74")
        .order_by()
        .values_list("application_id", "funder")
    ):
        funders.setdefault(app_id, set()).add(funder)
    for app_id, element_id in (
        ServedElement.objects.filter(application_id__in=ids)
        .order_by()
        .values_list("application_id", "element_id")
    ):
        elements.setdefault(app_id, set()).add(str(element_id))
    projects = []
    for (
        pk,
        call_id,
        applicant_id,
        title,
        purpose,
        objectives,
        description,
        public,
        ages,
        starts,
        ends,
    ) in rows:
        publics = {part.strip().lower() for part in public.split(",") if part.strip()} | {
            f"âge {a}" for a in ages or []
        }
        projects.append(
            engine.Project(
                id=str(pk), call=str(call_id), applicant=str(applicant_id),
                partners=frozenset(partners.get(pk, ())), funders=frozenset(funders.get(pk, ())),
                qpvs=frozenset(qpvs.get(pk, ())), publics=frozenset(publics), starts=starts, ends=ends,
                text=" ".join([title, purpose, objectives, description]), elements=frozenset(elements.get(pk, ())),
            )
        )  # fmt: skip
    return projects


def stamp_name(epci_id: int) -> str:
    return f"overlaps:{epci_id}"


def _pool(epci_id: int):
    return Application.objects.filter(call__epci_id=epci_id).exclude(
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.MERGED]
    )


def index_key(epci_id: int) -> str:
    """The key of the EPCI's current index: its stamp and its pool's signature (two small queries)."""
    signature = _pool(epci_id).aggregate(n=Count("pk"), last=Max("pk"), at=Max("submitted_at"))
    at = signature["at"].isoformat() if signature["at"] else "-"
    return (
        f"overlaps:{epci_id}:{stamps.current(stamp_name(epci_id))}:{signature['n']}:{signature['last']}:{at}"
    )


def build_index(epci_id: int) -> engine.OverlapIndex:
    pool = _pool(epci_id)
    names = dict(Qpv.objects.filter(applications__in=pool).values_list("code", "name").distinct())
    return engine.OverlapIndex(_projects(pool), qpv_names=names)


def store_index(epci_id: int) -> str:
    """Builds the current index and stores it in the shared cache, unless it is there already; returns its key.
    What the background task runs after a change."""
    key = index_key(epci_id)
    if cache.get(key) is None:
        index = build_index(epci_id)
        if index_key(epci_id) == key:  # not changed meanwhile: a newer change has its own task
            cache.set(key, index, INDEX_SECONDS)
    return key


def overlap_index(epci_id: int) -> engine.OverlapIndex:
    key = index_key(epci_id)
    with _LOCK:
        memo = _INDEXES.get(epci_id)
        if memo and memo[0] == key:
            return memo[1]
    index = cache.get(key)
    if index is None:  # the background task has not stored it yet (or the cache lost it): build it once
        index = build_index(epci_id)
        cache.set(key, index, INDEX_SECONDS)
    with _LOCK:
        _INDEXES[epci_id] = (key, index)
    return index


@dataclass
class Report:
    eligibility: list[str]
    cooperation: dict
    coherence: object
    overlaps: list = field(default_factory=list)
    others: dict = field(default_factory=dict)  # id -> Application for the overlaps shown
    consortium: object = None
    history: dict = field(default_factory=dict)


def cooperation(application: Application) -> dict:
    partners = list(application.partners.select_related("structure"))
    ids = {application.applicant_id} | {p.structure_id for p in partners}
    links = CooperationLink.objects.filter(source__in=ids, target__in=ids).count()
    communities = (
        Membership.objects.filter(
            structure__in=ids, left_on__isnull=True, community__epci=application.call.epci_id
        )
        .values("community__name")
        .annotate(n=Count("structure", distinct=True))
        .order_by("community__name")
    )
    sectors = {SECTOR_OF_FORM.get(application.applicant.legal_form)} | {
        SECTOR_OF_FORM.get(p.structure.legal_form) for p in partners
    }
    return {
        "partners": partners,
        "sectors": len(sectors),
        "links": links,
        "communities": [(row["community__name"], row["n"]) for row in communities],
        "problems": services.cooperation_problems(application, partners),
    }


def funding_history(application: Application) -> dict:
    applicant = application.applicant
    grants = list(
        Grant.objects.filter(decision__application__applicant=applicant)
        .select_related("call_funder", "decision__application__call")
        .order_by("-decision__decided_on")[:20]
    )
    published = ExternalGrant.objects.none()
    keys = Q()
    if applicant.siret:
        keys |= Q(beneficiary_siret=applicant.siret)
    if applicant.rna:
        keys |= Q(beneficiary_rna=applicant.rna)
    if keys:
        published = ExternalGrant.objects.filter(keys).order_by("-convention_date")
    return {
        "grants": grants,
        "published": list(published[:20]),
        "published_count": published.count() if keys else 0,
    }


def build(application: Application) -> Report:
    submitted_at = application.submitted_at
    # Once submitted, the call's opening no longer matters; only whether it was submitted in time.
    eligibility = [
        p for p in services.submission_problems(application, now=submitted_at) if not _about_opening(p)
    ]
    if submitted_at and submitted_at > application.call.closes_at:
        eligibility.insert(0, "La demande a été déposée après la clôture de l'appel.")
    elements = {str(e.pk): e.text for e in application.call.elements.all()}
    declared = {str(pk) for pk in application.served.values_list("element_id", flat=True)}
    text = " ".join([application.title, application.purpose, application.objectives, application.description])
    report = Report(
        eligibility=eligibility,
        cooperation=cooperation(application),
        coherence=engine.coherence(text, elements, declared),
        history=funding_history(application),
    )
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.MERGED):
        index = overlap_index(application.call.epci_id)
        report.overlaps = index.overlaps(str(application.pk), limit=8)
        ids = [int(o.other) for o in report.overlaps]
        report.others = {
            str(a.pk): a
            for a in Application.objects.filter(pk__in=ids).select_related("applicant", "call", "decision")
        }
        report.others[str(application.pk)] = application
        report.consortium = _open_consortium(
            application,
            engine.suggest_consortium(str(application.pk), report.overlaps, index=index),
            report.others,
        )
        labels = {**_labels(report.overlaps, application), "qpvs": index.qpv_names}
        for overlap in report.overlaps:
            overlap.reasons = explain(overlap, labels)
        if report.consortium:
            report.consortium.rationale = consortium_rationale(
                report.consortium, report.overlaps, report.others
            )
    report.elements = elements
    return report


def _open_consortium(application: Application, consortium, others: dict):
    """The suggestion without the applications that can no longer join one (decided or merged); none at all when
    this application itself is decided, or when nobody is left to gather."""
    if consortium is None or services.consortium_problem(application):
        return None
    members = [
        m
        for m in consortium.members
        if m == str(application.pk) or (m in others and not services.consortium_problem(others[m]))
    ]
    if len(members) < 2:
        return None
    consortium.members = members
    if consortium.lead not in members:
        consortium.lead = str(application.pk)
    return consortium


def _about_opening(problem: str) -> bool:
    return problem.startswith(("L'appel est clos", "L'appel n'est pas ouvert"))


def _labels(overlaps, application) -> dict:
    """Names for what the engine identifies by id: elements, structures, funders."""
    from cooperer.accounts.enums import Funder
    from cooperer.actors.models import Structure
    from cooperer.visions.models import Element

    element_ids = {int(e) for o in overlaps for e in o.shared_elements}
    structure_ids = {int(s) for o in overlaps for s in o.shared_partners if s.isdigit()}
    return {
        "elements": {
            str(pk): text for pk, text in Element.objects.filter(pk__in=element_ids).values_list("pk", "text")
        },
        "structures": {
            str(pk): n for pk, n in Structure.objects.filter(pk__in=structure_ids).values_list("pk", "name")
        },
        "funders": dict(Funder.choices),
    }


def explain(overlap, labels: dict) -> list[str]:
    """Why two applications meet, in plain French, with names rather than ids."""
    reasons = []
    if overlap.duplicate:
        reasons.append("même structure, même action : dépôt en double ?")
    elif overlap.same_applicant:
        reasons.append("même structure")
    if overlap.same_qpvs:
        names = labels.get("qpvs", {})
        places = ", ".join(
            f"{names[code]} ({code})" if names.get(code) else code for code in overlap.same_qpvs
        )
        reasons.append(f"{'même quartier' if len(overlap.same_qpvs) == 1 else 'mêmes quartiers'} : {places}")
    if overlap.same_publics:
        reasons.append(f"même public : {', '.join(overlap.same_publics)}")
    if overlap.period_overlap_days:
        reasons.append(f"périodes qui se chevauchent ({overlap.period_overlap_days} jours)")
    if overlap.text_similarity >= 0.15:
        terms = f" : {', '.join(overlap.shared_terms)}" if overlap.shared_terms else ""
        reasons.append(f"textes proches ({engine.french_number(overlap.text_similarity)}){terms}")
    if overlap.shared_elements:
        texts = [f"« {labels['elements'].get(e, e)} »" for e in overlap.shared_elements]
        reasons.append(f"même élément de vision : {', '.join(texts)}")
    if overlap.same_funders:
        reasons.append(
            f"mêmes financeurs : {', '.join(labels['funders'].get(f, f) for f in overlap.same_funders)}"
        )
    if overlap.shared_partners and not overlap.same_applicant:
        names = [labels["structures"].get(s, s) for s in overlap.shared_partners]
        reasons.append(f"déjà partenaires : {', '.join(names)}")
    if not overlap.same_call:
        reasons.append("autre appel à projets")
    return reasons


def consortium_rationale(consortium, overlaps, others: dict) -> list[str]:
    by_id = {o.other: o for o in overlaps}
    lines = []
    for member in consortium.members[1:]:
        other, overlap = others.get(member), by_id.get(member)
        if other is None or overlap is None:
            continue
        lines.append(
            f"« {other.title} » ({other.applicant.name}) : {'; '.join(explain(overlap, {'elements': {}, 'structures': {}, 'funders': {}})[:3])}."
        )
    lead = others.get(consortium.lead)
    if lead is not None and len(consortium.members) > 1:
        lines.append(
            f"Chef de file proposé : « {lead.title} » ({lead.applicant.name}), à confirmer avec les structures."
        )
    for overlap in overlaps:
        if overlap.duplicate and overlap.other in others:
            lines.append(
                f"« {others[overlap.other].title} » : dépôt en double de la même structure, à retirer ou fusionner."
            )
    if len(consortium.members) > 1:
        lines.insert(0, "Ces demandes visent le même public au même endroit, sur la même période : les co-construire "
                        "plutôt que les mettre en concurrence.")  # fmt: skip
    return lines
