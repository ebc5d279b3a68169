"""Workflows of a shared vision: write a draft, ground it in what people said, build its theory of change,
adopt it, revise it, assemble neighbourhood visions into a wider one. Every refusal is a VisionError whose
message is shown to the user as it is."""

from collections import defaultdict

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.consultations.models import Contribution, ContributionTag
from cooperer.visions.enums import AssumptionStatus, ScopeKind, VersionStatus
from cooperer.visions.models import (
    Assumption,
    AssumptionChange,
    Element,
    Grounding,
    Outcome,
    Vision,
    VisionVersion,
)

FROZEN = "Cette version est adoptée : elle ne se modifie plus. Commencez une révision pour la faire évoluer."


class VisionError(Exception):
    """A refusal, with its French message."""


# --- Versions -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_vision(vision: Vision, user=None) -> VisionVersion:
    """Saves a new vision with its first draft."""
    vision.full_clean()
    vision.created_by = user
    vision.save()
    return VisionVersion.objects.create(vision=vision, number=1, created_by=user)


def current_version(vision: Vision, versions: list[VisionVersion] | None = None) -> VisionVersion:
    """The draft being written if there is one, else the version in force (adopted), else the latest.
    `versions`: the vision's versions when the caller already has them (no query then)."""
    if versions is None:
        versions = list(vision.versions.all())
    versions = sorted(versions, key=lambda v: -v.number)
    for status in (VersionStatus.DRAFT, VersionStatus.ADOPTED):
        for version in versions:
            if version.status == status:
                return version
    return versions[0]


def ensure_editable(version: VisionVersion) -> None:
    """Read from the database, not the object in hand: an adoption may have happened since it was loaded."""
    if (
        version.is_frozen
        or VisionVersion.objects.filter(pk=version.pk).exclude(status=VersionStatus.DRAFT).exists()
    ):
        raise VisionError(FROZEN)


def save_statement(version: VisionVersion, statement: str) -> None:
    ensure_editable(version)
    version.statement = statement.strip()
    version.save(update_fields=["statement"])


def add_element(version: VisionVersion, text: str) -> Element:
    ensure_editable(version)
    last = version.elements.order_by("-position").values_list("position", flat=True).first()
    return Element.objects.create(version=version, text=text.strip(), position=(last or 0) + 1)


def update_element(element: Element, text: str) -> None:
    ensure_editable(element.version)
    element.text = text.strip()
    element.save(update_fields=["text"])


def delete_element(element: Element) -> None:
    ensure_editable(element.version)
    touch(element)
    element.delete()


def _refuse_empty(version: VisionVersion) -> None:
    elements = list(version.elements.all())
    if not version.statement.strip():
        raise VisionError("La vision n'a pas d'énoncé : écrivez-le avant de la faire adopter.")
    if not elements:
        raise VisionError("La vision n'a aucun élément : ajoutez les engagements qu'un projet devra servir.")
    empty = [str(position) for position, element in enumerate(elements, start=1) if not element.text.strip()]
    if empty:
        raise VisionError(
            f"L'élément n° {', '.join(empty)} est vide : écrivez-le ou supprimez-le avant l'adoption."
            if len(empty) == 1
            else f"Les éléments n° {', '.join(empty)} sont vides : écrivez-les ou supprimez-les avant l'adoption."
        )


@transaction.atomic
def adopt(version: VisionVersion, *, body: str, reference: str, adopted_on, user) -> VisionVersion:
    """An instance adopts the draft: it is frozen, and the version it replaces is marked « remplacée »."""
    given, version = version, VisionVersion.objects.select_for_update().get(pk=version.pk)
    ensure_editable(version)
    _refuse_empty(version)
    if not body.strip():
        raise VisionError("Indiquez l'instance qui adopte la vision (comité de pilotage, assemblée…).")
    if adopted_on is None:
        raise VisionError("Indiquez la date de l'adoption.")
    if adopted_on > timezone.localdate():
        raise VisionError("La date d'adoption ne peut pas être dans le futur.")
    version.vision.versions.filter(status=VersionStatus.ADOPTED).update(status=VersionStatus.SUPERSEDED)
    version.status = VersionStatus.ADOPTED
    version.adopted_by_body = body.strip()
    version.decision_reference = reference.strip()
    version.adopted_on = adopted_on
    version.adopted_recorded_by = user
    version.save()
    record(
        Action.VISION_ADOPTED, version, actor=user, epci_id=version.vision.epci_id,
        label=f"{version.vision.title} — version {version.number}",
        after={"instance": version.adopted_by_body, "référence": version.decision_reference, "adoptée le": adopted_on},
    )  # fmt: skip
    given.refresh_from_db()
    return version


@transaction.atomic
def revise(vision: Vision, user) -> VisionVersion:
    """Starts a new draft from the version in force; its elements, outcomes, assumptions (with their history)
    and groundings are copied, keeping their keys so that the two versions can be compared."""
    if vision.versions.filter(status=VersionStatus.DRAFT).exists():
        raise VisionError("Un brouillon est déjà en cours : terminez-le ou faites-le adopter.")
    source = vision.versions.order_by("-number").first()
    draft = VisionVersion.objects.create(
        vision=vision, number=source.number + 1, statement=source.statement, based_on=source, created_by=user
    )
    _copy_content(source, draft)
    return draft


def _copy_content(source: VisionVersion, draft: VisionVersion) -> None:
    elements = {}
    for element in source.elements.prefetch_related("gathers"):
        gathered = list(element.gathers.all())
        old_pk = element.pk
        element.pk, element.version = None, draft
        element.save()
        element.gathers.set(gathered)
        elements[old_pk] = element
    outcomes = {}
    links = list(Outcome.leads_to.through.objects.filter(from_outcome__version=source))
    for outcome in source.outcomes.all():
        old_pk = outcome.pk
        outcome.pk, outcome.version = None, draft
        outcome.element = elements.get(outcome.element_id)
        outcome.save()
        outcomes[old_pk] = outcome
    Outcome.leads_to.through.objects.bulk_create(
        Outcome.leads_to.through(from_outcome=outcomes[link.from_outcome_id], to_outcome=outcomes[link.to_outcome_id])
        for link in links
    )  # fmt: skip
    for assumption in source.assumptions.prefetch_related("changes"):
        changes = list(assumption.changes.all())
        assumption.pk, assumption.version = None, draft
        assumption.outcome = outcomes.get(assumption.outcome_id)
        assumption.save()
        for change in changes:
            change.pk, change.assumption = None, assumption
        AssumptionChange.objects.bulk_create(changes)
    groundings = []
    for grounding in Grounding.objects.filter(Q(element__version=source) | Q(outcome__version=source)):
        grounding.pk = None
        grounding.element = elements.get(grounding.element_id)
        grounding.outcome = outcomes.get(grounding.outcome_id)
        groundings.append(grounding)
    Grounding.objects.bulk_create(groundings, batch_size=2000)


# --- Theory of change ---------------------------------------------------------------------------------------


def add_outcome(version: VisionVersion, **fields) -> Outcome:
    ensure_editable(version)
    outcome = Outcome(version=version, **fields)
    if outcome.element_id and outcome.element.version_id != version.pk:
        raise VisionError("Cet élément n'appartient pas à cette version de la vision.")
    outcome.full_clean()
    outcome.save()
    return outcome


def link_outcomes(source: Outcome, target: Outcome) -> None:
    """`source` leads to `target`; a link that would close a loop is refused."""
    ensure_editable(source.version)
    if source.version_id != target.version_id:
        raise VisionError("Ces deux changements n'appartiennent pas à la même version de la vision.")
    if source.pk == target.pk:
        raise VisionError("Un changement ne peut pas mener à lui-même.")
    successors = defaultdict(set)
    for a, b in Outcome.leads_to.through.objects.filter(
        from_outcome__version_id=source.version_id
    ).values_list("from_outcome_id", "to_outcome_id"):
        successors[a].add(b)
    seen, stack = set(), [target.pk]
    while stack:
        current = stack.pop()
        if current == source.pk:
            raise VisionError(
                f"« {target.text} » mène déjà, directement ou non, à « {source.text} » : ce lien ferait une "
                "boucle dans la théorie du changement."
            )
        if current not in seen:
            seen.add(current)
            stack.extend(successors[current])
    source.leads_to.add(target)


def unlink_outcomes(source: Outcome, target: Outcome) -> None:
    ensure_editable(source.version)
    source.leads_to.remove(target)


def delete_outcome(outcome: Outcome) -> None:
    ensure_editable(outcome.version)
    outcome.delete()


def add_assumption(version: VisionVersion, text: str, outcome: Outcome | None = None) -> Assumption:
    ensure_editable(version)
    if outcome is not None and outcome.version_id != version.pk:
        raise VisionError("Ce changement n'appartient pas à cette version de la vision.")
    if not text.strip():
        raise VisionError("Écrivez l'hypothèse.")
    return Assumption.objects.create(version=version, text=text.strip(), outcome=outcome)


def change_assumption_status(assumption: Assumption, status: str, evidence: str, user) -> AssumptionChange:
    """Testing assumptions is the life of an adopted theory of change: a change of status is allowed on the
    version in force as on a draft (not on a replaced version), and always says on what evidence."""
    if assumption.version.status == VersionStatus.SUPERSEDED:
        raise VisionError(
            "Cette version a été remplacée : mettez à jour l'hypothèse dans la version en vigueur."
        )
    if status not in AssumptionStatus.values:
        raise VisionError("Statut d'hypothèse inconnu.")
    if status == assumption.status:
        raise VisionError(f"L'hypothèse est déjà « {AssumptionStatus(status).label.lower()} ».")
    if not evidence.strip():
        raise VisionError("Dites sur quels éléments de preuve repose ce changement de statut.")
    with transaction.atomic():
        change = AssumptionChange.objects.create(
            assumption=assumption,
            status_from=assumption.status,
            status_to=status,
            evidence=evidence.strip(),
            by=user,
        )
        assumption.status = status
        assumption.save(update_fields=["status"])
    return change


def touch(*elements_or_versions) -> None:
    """The support of these versions (and of the wider versions gathering these elements) has changed."""
    version_ids = {
        item.version_id if isinstance(item, Element | Outcome) else item.pk for item in elements_or_versions
    }
    element_ids = [item.pk for item in elements_or_versions if isinstance(item, Element)]
    wider = (
        VisionVersion.objects.filter(elements__gathers__in=element_ids).values("pk") if element_ids else None
    )
    rows = VisionVersion.objects.filter(
        Q(pk__in=version_ids) | (Q(pk__in=wider) if wider is not None else Q())
    )
    rows.update(support_stamp=F("support_stamp") + 1)


# --- Grounding in what people said --------------------------------------------------------------------------


def allowed_qpv_ids(vision: Vision) -> set[int] | None:
    """The QPVs whose contributions may ground this vision; None: any place of the vision's territory."""
    if vision.scope_kind == ScopeKind.QPV:
        return {vision.qpv_id}
    if vision.scope_kind == ScopeKind.COMMUNE:
        return set(vision.commune.qpvs.values_list("pk", flat=True))
    if vision.scope_kind == ScopeKind.CONTRACT:
        return set(vision.contract.qpvs.values_list("pk", flat=True))
    if vision.scope_kind == ScopeKind.COMMUNITY:
        return set(vision.community.qpvs.values_list("pk", flat=True)) or None
    return None


def _check_territory(vision: Vision, contributions: list[Contribution]) -> None:
    allowed = allowed_qpv_ids(vision)
    for contribution in contributions:
        if contribution.consultation.epci_id != vision.epci_id:
            raise VisionError(
                f"La contribution n° {contribution.pk} vient d'une concertation d'un autre territoire : "
                "elle ne peut pas fonder cette vision."
            )
        if allowed is not None and contribution.qpv_id not in allowed:
            where = contribution.qpv.name if contribution.qpv_id else "aucun quartier"
            raise VisionError(
                f"La contribution n° {contribution.pk} concerne {where}, hors du périmètre de « {vision} »."
            )
        if contribution.is_hidden:
            raise VisionError(f"La contribution n° {contribution.pk} est masquée par la modération.")


def ground(target: Element | Outcome, contributions, user, topic: str = "") -> int:
    """Links contributions to an element or an outcome; returns how many links are new."""
    version = target.version
    ensure_editable(version)
    contributions = list(contributions)
    _check_territory(version.vision, contributions)
    field = "element" if isinstance(target, Element) else "outcome"
    existing = set(
        Grounding.objects.filter(**{field: target}, contribution__in=contributions).values_list(
            "contribution_id", flat=True
        )
    )
    new = [
        Grounding(**{field: target}, contribution=c, audience=c.audience, topic=topic, added_by=user)
        for c in contributions
        if c.pk not in existing
    ]
    Grounding.objects.bulk_create(new, batch_size=2000)
    if new:
        touch(target)
    return len(new)


def topic_contributions(vision: Vision, theme_name: str, topic: str):
    """The visible contributions of the vision's consultation and scope that the analysis put in this topic."""
    tags = ContributionTag.objects.filter(
        contribution__consultation_id=vision.consultation_id,
        contribution__hidden_at__isnull=True,
        theme__name=theme_name,
        topic=topic,
    )
    allowed = allowed_qpv_ids(vision)
    if allowed is not None:
        tags = tags.filter(contribution__qpv_id__in=allowed)
    return Contribution.objects.filter(pk__in=tags.values("contribution_id")).select_related(
        "consultation", "qpv"
    )


def ground_topic(target: Element | Outcome, theme_name: str, topic: str, user) -> int:
    vision = target.version.vision
    if not vision.consultation_id:
        raise VisionError("Choisissez d'abord la concertation d'appui de la vision.")
    contributions = list(topic_contributions(vision, theme_name, topic))
    if not contributions:
        raise VisionError(f"Aucune contribution de ce périmètre dans le sujet « {topic} ».")
    return ground(target, contributions, user, topic=f"{theme_name} — {topic}")


def unground(grounding: Grounding) -> None:
    target = grounding.element or grounding.outcome
    ensure_editable(target.version)
    grounding.delete()
    touch(target)


SUPPORT_CACHE_SECONDS = 24 * 3600


def support(version: VisionVersion) -> dict[str, dict[int, dict[str, int]]]:
    """`_support`, cached per version and support stamp (a change anywhere below raises the stamp)."""
    key = f"vision-support:{version.pk}:{version.support_stamp}"
    result = cache.get(key)
    if result is None:
        result = _support(version)
        cache.set(key, result, SUPPORT_CACHE_SECONDS)
    return result


def _support(version: VisionVersion) -> dict[str, dict[int, dict[str, int]]]:
    """How many contributions stand behind each element and outcome, by audience: {"elements": {id:
    {audience: n}}, "outcomes": {…}}. An element counts its own contributions and those of the neighbourhood
    elements it gathers. Three grouped queries whatever the number of links."""
    result: dict[str, dict[int, dict[str, int]]] = {
        "elements": defaultdict(dict),
        "outcomes": defaultdict(dict),
    }
    rows = (
        Grounding.objects.filter(element__version=version)
        .values_list("element_id", "audience")
        .annotate(n=Count("contribution_id", distinct=True))
        .order_by()
    )
    for element_id, audience, n in rows:
        result["elements"][element_id][audience] = n
    rows = (
        Grounding.objects.filter(element__gathered_into__version=version)
        .values_list("element__gathered_into", "audience")
        .annotate(n=Count("contribution_id", distinct=True))
        .order_by()
    )
    for element_id, audience, n in rows:
        counts = result["elements"][element_id]
        counts[audience] = counts.get(audience, 0) + n
    rows = (
        Grounding.objects.filter(outcome__version=version)
        .values_list("outcome_id", "audience")
        .annotate(n=Count("contribution_id", distinct=True))
        .order_by()
    )
    for outcome_id, audience, n in rows:
        result["outcomes"][outcome_id][audience] = n
    return {kind: {pk: dict(counts) for pk, counts in by_pk.items()} for kind, by_pk in result.items()}


# --- Assembling neighbourhood visions -----------------------------------------------------------------------


def gather(element: Element, child_elements: list[Element]) -> None:
    """The wider vision's element gathers elements of the neighbourhood visions that roll up into it."""
    ensure_editable(element.version)
    vision = element.version.vision
    for child in child_elements:
        if child.version.vision.parent_id != vision.pk:
            raise VisionError(
                f"« {child} » vient de « {child.version.vision} », qui ne s'assemble pas dans « {vision} »."
            )
    element.gathers.add(*child_elements)
    touch(element)


def shared_element(version: VisionVersion, text: str, child_elements: list[Element]) -> Element:
    """A new element of the wider vision, gathering the neighbourhood elements a person recognised as one."""
    if not text.strip():
        raise VisionError("Écrivez l'élément commun.")
    if len({child.pk for child in child_elements}) < 2:
        raise VisionError("Choisissez au moins deux éléments de quartiers à rassembler.")
    with transaction.atomic():
        element = add_element(version, text)
        gather(element, child_elements)
    return element
