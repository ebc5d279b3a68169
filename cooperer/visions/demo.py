"""The demo visions, built through the workflows of services.py on the demo consultation (which must be loaded
first): « Quartiers Sud-Est en 2030 » with its theory of change, adopted then under revision; a vision for each
of the 14 Quartiers à Impact Collectif, rolled up into the metropolitan vision where a person (here, the demo)
gathered the elements the neighbourhoods share; and the Mulhouse youth community's objective written as a
vision with its theory of change. Everything here is fictional and marked as demo data."""

import datetime

from django.db import transaction
from django.utils import timezone

from cooperer.communities.demo import MULHOUSE_NAME
from cooperer.communities.models import Community
from cooperer.consultations.demo import TITLE as CONSULTATION_TITLE
from cooperer.consultations.models import Consultation
from cooperer.visions import services
from cooperer.visions.enums import AssumptionStatus, Horizon, Level, ScopeKind
from cooperer.visions.models import Element, Grounding, Vision

SUD_EST = "QN04215M"
METROPOLE_TITLE = "Saint-Étienne Métropole en 2030 — Quartiers à Impact Collectif"
BODY = "Comité de pilotage du contrat de ville (fictif)"

# Elements every neighbourhood wrote in its own words (three wordings, taken in turn), and the words of the
# contributions that ground them.
SHARED = [
    (
        [
            "Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.",
            "Un lieu pour les jeunes, ouvert le soir, avec des adultes de confiance.",
            "Des jeunes accueillis dans des lieux à eux et écoutés par les adultes.",
        ],
        ["jeune", "local", "lieu", "éducateur", "confiance", "city-stade", "tiers-lieu"],
        "Dans chaque quartier, les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.",
    ),
    (
        [
            "Des espaces publics partagés, propres et sûrs, où chacun se retrouve.",
            "Une place, un parc et un jardin partagés où l'on se sent bien.",
            "Des espaces publics propres, fleuris et sûrs pour toutes les générations.",
        ],
        ["parc", "banc", "propre", "fleuri", "jardin", "sécurité", "médiateur", "fête", "place"],
        "Des espaces publics partagés, propres et sûrs, dans chaque quartier.",
    ),
    (
        [
            "Des parcours vers l'emploi proches de chez soi.",
            "Trouver une formation ou un travail sans quitter le quartier.",
            "Des chemins vers l'emploi et la formation près de chez soi.",
        ],
        ["travail", "insertion", "formation", "stage", "métier", "emploi", "mission locale"],
        "Des parcours vers l'emploi et la formation proches de chez soi.",
    ),
]
# What stays each neighbourhood's own (one per neighbourhood, taken in turn).
SPECIFIC = [
    ("Un médecin et une maison de santé accessibles dans le quartier.", ["médecin", "santé"]),
    ("Des bus le soir et le dimanche pour rejoindre la ville.", ["bus"]),
    ("Des logements entretenus et des ascenseurs qui fonctionnent.", ["ascenseur", "logement", "loyer"]),
    ("Des démarches accompagnées près de chez soi.", ["démarche", "droits", "france services", "caf"]),
    ("Des institutions et des associations qui coopèrent au lieu de se concurrencer.",
     ["coordination", "partenarial", "convention", "coopérer", "concurrence"]),
]  # fmt: skip

SUD_EST_STATEMENT = (
    "En 2030, les Quartiers Sud-Est sont un quartier où chacun trouve sa place : les jeunes y ont des lieux à "
    "eux et des adultes en qui ils ont confiance, les habitants se retrouvent dans des espaces publics partagés, "
    "et l'on peut se former et travailler sans aller loin."
)
# (key, text, horizon, level, element index or None, SDGs)
SUD_EST_OUTCOMES = [
    ("local", "Un local jeunesse co-géré ouvre le soir et le week-end", Horizon.SHORT, Level.PRACTICES, 0, [11]),
    ("coord", "Éducateurs, clubs et centre social se coordonnent chaque mois", Horizon.SHORT, Level.COOPERATION, None, [17]),
    ("place", "Les habitants investissent la place et le jardin partagé", Horizon.SHORT, Level.POPULATION, 1, [11]),
    ("forum", "Un forum des métiers réunit employeurs du secteur et jeunes", Horizon.SHORT, Level.PRACTICES, 2, [8]),
    ("resp", "Les jeunes fréquentent des lieux encadrés et y prennent des responsabilités", Horizon.INTERMEDIATE,
     Level.POPULATION, 0, [4, 16]),
    ("stages", "Les employeurs proches proposent stages et emplois aux jeunes du quartier", Horizon.INTERMEDIATE,
     Level.PRACTICES, 2, [8]),
    ("comite", "Un comité technique partenarial suit une feuille de route commune", Horizon.INTERMEDIATE,
     Level.COOPERATION, None, [17]),
    ("engage", "Les jeunes du quartier s'engagent et trouvent leur place", Horizon.LONG, Level.POPULATION, 0, [4, 10]),
    ("bien", "Un quartier où l'on se sent bien et en sécurité", Horizon.LONG, Level.POPULATION, 1, [11, 16]),
    ("emploi", "Les jeunes accèdent à l'emploi sans quitter leur quartier", Horizon.LONG, Level.PRACTICES, 2, [8]),
]  # fmt: skip
SUD_EST_LINKS = [
    ("local", "resp"), ("coord", "resp"), ("coord", "comite"), ("place", "bien"), ("forum", "stages"),
    ("resp", "engage"), ("stages", "emploi"), ("comite", "engage"), ("comite", "bien"),
]  # fmt: skip

MULHOUSE_STATEMENT = (
    "En 2030, les jeunes de Mulhouse sont acteurs de leur ville : ils trouvent des lieux et des adultes pour "
    "porter leurs projets, et les structures qui les accompagnent coopèrent au lieu de se concurrencer."
)
MULHOUSE_ELEMENTS = [
    "Chaque jeune peut porter un projet avec l'appui d'un adulte référent.",
    "Les structures jeunesse se connaissent et orientent les jeunes les unes vers les autres.",
    "Les jeunes prennent part aux décisions qui les concernent.",
]
MULHOUSE_OUTCOMES = [
    ("assises", "Des assises de la jeunesse réunissent jeunes et structures chaque année", Horizon.SHORT,
     Level.COOPERATION, 1, [17]),
    ("fonds", "Un fonds d'initiatives finance les projets portés par des jeunes", Horizon.SHORT, Level.PRACTICES, 0, [4]),
    ("orient", "Les structures s'orientent mutuellement les jeunes", Horizon.INTERMEDIATE, Level.COOPERATION, 1, [17]),
    ("projets", "Plus de jeunes portent un projet jusqu'au bout", Horizon.INTERMEDIATE, Level.POPULATION, 0, [4, 10]),
    ("conseil", "Un conseil de jeunes est consulté sur les politiques jeunesse", Horizon.INTERMEDIATE,
     Level.PRACTICES, 2, [16]),
    ("acteurs", "Les jeunes de Mulhouse s'engagent dans la vie de leur ville", Horizon.LONG, Level.POPULATION, 2,
     [10, 11, 16]),
]  # fmt: skip
MULHOUSE_LINKS = [
    ("assises", "orient"), ("assises", "conseil"), ("fonds", "projets"), ("orient", "projets"),
    ("projets", "acteurs"), ("conseil", "acteurs"),
]  # fmt: skip


def _matching(contributions: list, words: list[str]) -> list:
    return [c for c in contributions if any(word in c.text.lower() for word in words)]


def _theory(version, outcomes, links, elements) -> dict:
    made = {}
    for key, text, horizon, level, element, sdgs in outcomes:
        made[key] = services.add_outcome(
            version, text=text, horizon=horizon, level=level,
            element=elements[element] if element is not None else None, sdgs=sdgs,
        )  # fmt: skip
    for source, target in links:
        services.link_outcomes(made[source], made[target])
    return made


def _neighbourhood(qpv, index, consultation, parent, user) -> tuple[Vision, list[Element]]:
    vision = Vision(
        title=f"{qpv.name} en 2030", scope_kind=ScopeKind.QPV, qpv=qpv, epci=consultation.epci,
        consultation=consultation, parent=parent, is_demo=True,
    )  # fmt: skip
    version = services.create_vision(vision, user)
    said = list(consultation.contributions.visible().filter(qpv=qpv).select_related("consultation", "qpv"))
    elements = []
    for wordings, words, _ in SHARED:
        element = services.add_element(version, wordings[index % len(wordings)])
        services.ground(element, _matching(said, words), user)
        elements.append(element)
    text, words = SPECIFIC[index % len(SPECIFIC)]
    services.ground(services.add_element(version, text), _matching(said, words), user)
    return vision, elements


def _sud_est(vision: Vision, elements: list[Element], user) -> None:
    version = services.current_version(vision)
    services.save_statement(version, SUD_EST_STATEMENT)
    made = _theory(version, SUD_EST_OUTCOMES, SUD_EST_LINKS, elements)
    professionals = list(
        vision.consultation.contributions.visible()
        .filter(qpv=vision.qpv, audience="professionnels")
        .select_related("consultation", "qpv")
    )
    services.ground(
        made["coord"], _matching(professionals, ["coordination", "superposent", "aller-vers"]), user
    )
    services.ground(
        made["comite"], _matching(professionals, ["comité technique", "diagnostic partagé"]), user
    )
    services.add_assumption(
        version, "Un lieu co-géré attire les jeunes qui ne fréquentent aucune structure.", made["local"]
    )
    hired = services.add_assumption(
        version,
        "Les employeurs du secteur s'engagent si l'accompagnement des jeunes est assuré.",
        made["stages"],
    )
    services.change_assumption_status(
        hired,
        AssumptionStatus.CONFIRMED,
        "Forum des métiers : 12 employeurs, 30 offres de stage (données fictives).",
        user,
    )
    services.adopt(
        version,
        body=BODY,
        reference=f"Délibération CP-{timezone.localdate():%Y-%m} (fictive)",
        adopted_on=timezone.localdate(),
        user=user,
    )
    draft = services.revise(vision, user)
    services.save_statement(draft, SUD_EST_STATEMENT + " La santé de proximité y est assurée.")
    services.add_element(
        draft, "Un médecin, une maison de santé et une permanence le samedi dans le quartier."
    )


def _mulhouse(user) -> Vision | None:
    community = Community.objects.filter(name=MULHOUSE_NAME).select_related("epci").first()
    if community is None:
        return None
    vision = Vision(
        title="L'engagement des jeunes à Mulhouse en 2030", scope_kind=ScopeKind.COMMUNITY, community=community,
        epci=community.epci, is_demo=True,
    )  # fmt: skip
    version = services.create_vision(vision, user)
    services.save_statement(version, MULHOUSE_STATEMENT)
    elements = [services.add_element(version, text) for text in MULHOUSE_ELEMENTS]
    made = _theory(version, MULHOUSE_OUTCOMES, MULHOUSE_LINKS, elements)
    tested = services.add_assumption(
        version, "Des assises annuelles suffisent à faire se connaître les structures.", made["assises"]
    )
    services.change_assumption_status(
        tested, AssumptionStatus.REVISED,
        "Assises 2024 : les structures se sont rencontrées, mais l'orientation ne suit qu'avec un référent par "
        "structure (bilan fictif).", user,
    )  # fmt: skip
    services.add_assumption(
        version, "Les jeunes viennent au conseil si leurs avis ont des suites visibles.", made["conseil"]
    )
    services.adopt(version, body="Comité de pilotage de la communauté d'action (fictif)", reference="",
                   adopted_on=datetime.date(2025, 6, 12), user=user)  # fmt: skip
    return vision


def clear_demo_visions() -> None:
    """Demo visions go first when the demo is reloaded: they protect the communities and places they cover."""
    old = Vision.objects.filter(is_demo=True)
    Grounding.objects.filter(element__version__vision__in=old).delete()
    Vision.objects.filter(is_demo=True, parent__isnull=False).delete()
    old.delete()


def load_demo_visions() -> list[Vision]:
    """Idempotent: replaces the demo visions. Needs the demo consultation for the Saint-Étienne ones."""
    from cooperer.core.demo import QIC_CODES

    with transaction.atomic():
        clear_demo_visions()
        visions = []
        consultation = Consultation.objects.filter(is_demo=True, title=CONSULTATION_TITLE).first()
        if consultation is not None:
            visions += _saint_etienne(consultation, QIC_CODES)
        mulhouse = _mulhouse(None)
        if mulhouse is not None:
            visions.append(mulhouse)
    return visions


def _saint_etienne(consultation, codes) -> list[Vision]:
    metropole = Vision(
        title=METROPOLE_TITLE, scope_kind=ScopeKind.CONTRACT, contract=consultation.contract,
        epci=consultation.epci, consultation=consultation, is_demo=True,
    )  # fmt: skip
    if consultation.contract is None:
        return []
    contract_version = services.create_vision(metropole, None)
    services.save_statement(
        contract_version,
        "En 2030, les quatorze Quartiers à Impact Collectif de Saint-Étienne Métropole partagent trois "
        "engagements, et chacun garde ce qui lui est propre.",
    )
    shared: list[list[Element]] = [[] for _ in SHARED]
    visions = [metropole]
    for index, qpv in enumerate(consultation.qpvs.filter(code__in=codes).order_by("code")):
        vision, elements = _neighbourhood(qpv, index, consultation, metropole, None)
        visions.append(vision)
        for position, element in enumerate(elements):
            shared[position].append(element)
        if qpv.code == SUD_EST:
            _sud_est(vision, elements, None)
    for (_, _, common_text), gathered in zip(SHARED, shared, strict=True):
        services.shared_element(contract_version, common_text, gathered)
    return visions
