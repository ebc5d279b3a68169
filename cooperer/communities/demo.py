"""The two demo communities, built through the workflows of services.py from the fictional directory of
cooperer.actors.demo (load_demo_directory must run first): Mulhouse's youth communauté d'action
(2022–2025) and the Quartiers Sud-Est « Quartier à Impact Collectif » in Saint-Étienne.

Each membership is linked to the fictional contact person of its structure (with a fictional address), so
that a convocation or a decision entered in the demo is mailed to them (printed by the console backend).
The history loaded here notifies nobody: it happened in the past."""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cooperer.actors.models import Person, Structure
from cooperer.communities import services
from cooperer.communities.enums import BACKBONE_MISSIONS, ActionStatus, IdeaStatus, Phase
from cooperer.communities.models import (
    Axis,
    Community,
    Decision,
    Instance,
    PhaseTransition,
    PlannedAction,
    RoadmapVersion,
    WorkingGroup,
    Workshop,
)
from cooperer.territories.models import ContratDeVille, Epci, Qpv

PARIS = ZoneInfo("Europe/Paris")
MULHOUSE_NAME = "Communauté d'action jeunesse de Mulhouse"
SUD_EST_NAME = "Collectif Quartiers Sud-Est — Quartier à Impact Collectif"
DEMO_NAMES = [MULHOUSE_NAME, SUD_EST_NAME]
CARRE = "Ville de Mulhouse — Carré des associations"
CENTRE_SOCIAL = "Centre social des Quartiers Sud-Est"
ASSISES = "Organiser des assises de la jeunesse en élargissant le cercle"
P, S, M = "prefiguration", "structuration", "membre"

# fmt: off
MULHOUSE = {
    "name": MULHOUSE_NAME, "kind": "communaute_action", "epci": "200066009", "contract": "mulhouse-alsace-agglomeration",
    "qpvs": ["QN06803M", "QN06804M", "QN06805M", "QN06806M", "QN06807M", "QN06808M", "QN06809M"],
    "objective": "L'engagement des jeunes", "sdgs": [4, 10, 11, 16, 17], "programme": "AMI Fonda–RNMA 2022",
    "trinome": ["Délégation du préfet du Haut-Rhin", CARRE, "Jeunes et Cité de Bourtzwiller"], "backbone": CARRE,
    "missions": [True, True, False, True, True, False],
    "needs": ["locaux", "benevoles", "competences", "publics", "financement"],
    "anchoring": "Inscrite au contrat de ville 2024-2030 comme condition pour répondre aux appels à projets, et dans la CTG de la CAF du Haut-Rhin",
    "started_on": datetime.date(2022, 3, 1),
    "phases": [
        (P, datetime.date(2022, 3, 1), "Lancement par le Carré des associations dans le cadre de l'AMI Fonda–RNMA : réunir l'État, la CAF et les associations de terrain pour apprendre à se connaître."),
        (S, datetime.date(2024, 1, 15), "Deux années d'interconnaissance et de repérage des complémentarités ; l'objectif commun (l'engagement des jeunes) est partagé par tous les membres."),
    ],
    # (structure, role, level, contribution, joined on)
    "members": [
        (CARRE, "soutien", "coconstruction", "Anime la communauté, prête ses salles et accompagne la vie associative.", "2022-03-01"),
        ("CAF du Haut-Rhin — action sociale", M, "cooperation", "Cofinance les actions jeunesse et inscrit la démarche dans la CTG.", "2022-03-01"),
        ("Délégation du préfet du Haut-Rhin", M, "cooperation", "Fait le lien avec les crédits de la politique de la ville et les autres services de l'État.", "2022-03-01"),
        ("Jeunes et Cité de Bourtzwiller", M, "coconstruction", "Des bénévoles et des soirées d'animation de rue à Bourtzwiller.", "2022-03-01"),
        ("Rue et Sport Drouot", M, "cooperation", "Des tournois de sport de rue et des éducateurs sportifs.", "2022-03-01"),
        ("Centre socioculturel du Péricentre", M, "cooperation", "Des salles d'activité et le lien avec les familles du Péricentre.", "2022-03-01"),
        ("Maison des jeunes de Brustlein", M, "coordination", "L'accueil des 11-25 ans et un studio de répétition.", "2022-03-01"),
        ("Médiation de rue Péricentre", M, "cooperation", "Des médiateurs présents le soir dans l'espace public.", "2022-06-14"),
        ("Santé Jeunes Mulhouse", M, "coordination", "Des actions de prévention santé menées avec les jeunes.", "2022-06-14"),
        ("Théâtre de rue des Jonquilles", M, "coordination", "Des ateliers de théâtre de rue pour les collégiens.", "2022-11-22"),
        ("Mission Avenir Jeunes Mulhouse", M, "consultation", "L'accompagnement vers l'emploi des 18-25 ans.", "2023-04-11"),
        ("Conseil citoyen de Mulhouse", M, "consultation", "Le regard des habitants et un relais vers les familles.", "2023-04-11"),
        ("Foot Solidaire Bourtzwiller", M, "information", "Des entraînements ouverts et des bénévoles encadrants.", "2023-10-17"),
        ("Vélo Atelier Illzach", M, "information", "Un atelier vélo où les jeunes réparent et apprennent.", "2024-10-08"),
    ],
    "instances": {"cotech": "Comité technique jeunesse", "pleniere": "Plénière de la communauté", "groupe_travail": "Groupe de travail animation de rue"},
    # (instance kind, date and time, place, agenda, minutes, decisions)
    "meetings": [
        ("pleniere", "2022-03-01 18:00", "Carré des associations", "Lancement ; tour de table", "Chaque structure présente ce qu'elle fait, ce qu'elle cherche et ce qu'elle peut apporter. Les participants demandent à se revoir régulièrement.", ["Se réunir en plénière au moins deux fois par an pendant la préfiguration."]),
        ("cotech", "2022-06-14 14:00", "Carré des associations", "Carte des complémentarités", "Première carte des ressources offertes et recherchées ; les locaux et les bénévoles sont les besoins les plus cités.", ["Le Carré des associations assure la fonction de soutien de la communauté."]),
        ("pleniere", "2022-11-22 18:00", "Centre socioculturel du Péricentre", "Bilan des visites croisées", "Huit visites croisées entre structures ont eu lieu ; plusieurs découvrent des activités voisines qu'elles ignoraient.", []),
        ("cotech", "2023-04-11 14:00", "Carré des associations", "Vers un objectif commun", "Trois pistes sont mises en débat : l'engagement des jeunes, la réussite éducative, le cadre de vie.", ["Soumettre à la plénière la piste de l'engagement des jeunes comme objectif commun."]),
        ("pleniere", "2023-10-17 18:00", "Maison des jeunes de Brustlein", "Choix de l'objectif commun", "Débat en petits groupes puis accord unanime sur l'objectif commun.", ["L'objectif commun de la communauté est l'engagement des jeunes."]),
        ("cotech", "2024-01-15 14:00", "Carré des associations", "Passage en structuration ; préparer la feuille de route", "Les membres constatent que l'interconnaissance est acquise ; trois axes sont proposés.", ["Proposer à la plénière une feuille de route en trois axes."]),
        ("pleniere", "2024-03-12 18:00", "Carré des associations", "Adoption de la feuille de route", "La feuille de route est présentée axe par axe puis adoptée.", []),
        ("groupe_travail", "2024-05-23 17:30", "Jeunes et Cité de Bourtzwiller", "Définition partagée de l'animation de rue", "Chaque structure décrit sa pratique ; une définition commune est rédigée.", ["L'animation de rue est une présence éducative régulière, gratuite, hors les murs, co-animée par au moins deux structures."]),
        ("cotech", "2024-10-08 14:00", "Centre socioculturel du Péricentre", "Point d'étape sur le tiers-lieu jeunesse", "Deux lieux possibles sont visités ; les jeunes doivent être associés au choix.", ["Lancer une étude de faisabilité du tiers-lieu jeunesse, pilotée par le Centre socioculturel du Péricentre."]),
        ("pleniere", "2025-01-28 18:00", "Carré des associations", "Bilan de la première année de la feuille de route", "Douze soirées d'animation de rue ont eu lieu ; la boîte à outils est en cours d'écriture.", []),
        ("cotech", "2025-04-15 14:00", "Carré des associations", "Suivi des axes ; idées nouvelles", "Les membres souhaitent ouvrir la communauté à de nouvelles structures et aux jeunes eux-mêmes.", []),
        ("cotech", "2025-09-23 14:00", "Maison des jeunes de Brustlein", "Essaimage : retours des autres quartiers", "Deux autres quartiers du contrat de ville demandent à découvrir la méthode.", ["Présenter la méthode aux autres quartiers lors d'une matinée ouverte au premier trimestre 2026."]),
    ],
    "upcoming": [
        ("cotech", 9, "14:00", "Carré des associations", "Suivi des axes ; préparer la plénière de l'année"),
        ("pleniere", 33, "18:00", "Carré des associations", "Bilan de l'année et essaimage de la méthode"),
    ],
    "roadmap": ("2024-03-12", "Feuille de route issue de deux années d'interconnaissance, au service de l'engagement des jeunes.", [
        ("Animation de rue (définition partagée)", [
            ("Écrire une définition partagée de l'animation de rue", "Médiation de rue Péricentre", ["Jeunes et Cité de Bourtzwiller", "Rue et Sport Drouot"], ActionStatus.DONE),
            ("Soirées d'animation de rue co-animées dans trois quartiers", "Jeunes et Cité de Bourtzwiller", ["Rue et Sport Drouot", "Théâtre de rue des Jonquilles"], ActionStatus.ONGOING),
        ]),
        ("Tiers-lieu jeunesse", [
            ("Étude de faisabilité d'un tiers-lieu jeunesse", "Centre socioculturel du Péricentre", [CARRE, "Maison des jeunes de Brustlein"], ActionStatus.ONGOING),
            ("Consulter les jeunes sur l'usage du lieu", "Maison des jeunes de Brustlein", ["Conseil citoyen de Mulhouse", "Santé Jeunes Mulhouse"], ActionStatus.PLANNED),
        ]),
        ("Essaimage des outils de la méthode", [
            ("Boîte à outils de la communauté d'action en accès libre", CARRE, ["CAF du Haut-Rhin — action sociale"], ActionStatus.ONGOING),
            ("Présenter la méthode aux autres quartiers du contrat de ville", "Délégation du préfet du Haut-Rhin", [CARRE], ActionStatus.PLANNED),
            ("Faire évoluer des postes de coordinateur jeunesse en coordinateurs de coopération", "CAF du Haut-Rhin — action sociale", [CARRE], ActionStatus.PLANNED),
        ]),
    ]),
    "working_group": ("Groupe de travail animation de rue", 0, ["Jeunes et Cité de Bourtzwiller", "Rue et Sport Drouot", "Médiation de rue Péricentre"]),
    # (text, meeting index, status, follow-up)
    "ideas": [
        (ASSISES, 10, IdeaStatus.STUDYING, "Le comité technique étudie un format et les structures à inviter."),
        ("Tenir un agenda partagé des activités jeunesse", 8, IdeaStatus.ADOPTED, "Le Carré des associations le met en place."),
    ],
    # (title, date, objectives, attendance, outputs, feedback)
    "workshops": [
        ("Les ateliers du Faire ensemble : se connaître pour coopérer", "2022-09-20", "Passer de l'interconnaissance à la coopération : ce que chacun fait, cherche et peut apporter.", 24, "Carte des complémentarités entre structures.", "Format apprécié ; demande de temps plus longs entre structures de terrain."),
        ("Les ateliers du Faire ensemble : l'engagement des jeunes en 2030", "2023-06-06", "Imaginer ensemble les futurs souhaitables pour l'engagement des jeunes à Mulhouse.", 31, "Trois pistes d'objectif commun.", "Les participants souhaitent associer directement des jeunes au prochain atelier."),
    ],
}
SUD_EST = {
    "name": SUD_EST_NAME, "kind": "impact_collectif", "epci": "244200770", "contract": "saint-etienne-metropole",
    "qpvs": ["QN04215M"], "objective": "Un quartier où chacun trouve sa place en 2030", "sdgs": [3, 4, 10, 11, 17],
    "programme": "Quartiers à Impact Collectif (ANCT)",
    "trinome": ["Délégation du préfet de la Loire", "Ville de Saint-Étienne — direction de la politique de la ville", CENTRE_SOCIAL],
    "backbone": CENTRE_SOCIAL, "missions": [True, False, False, True, False, False],
    "needs": ["benevoles", "publics", "locaux", "competences"],
    "anchoring": "La vision partagée du quartier est inscrite au contrat de ville de Saint-Étienne Métropole : une boussole pour accepter ou refuser les projets.",
    "started_on": datetime.date(2022, 6, 21),
    "phases": [
        (P, datetime.date(2022, 6, 21), "Pilote « Quartiers à Impact Collectif » lancé à Quartiers Sud-Est."),
        (S, datetime.date(2024, 9, 1), "La vision partagée du quartier est écrite et la méthode s'étend à d'autres quartiers de la métropole."),
    ],
    "members": [
        (CENTRE_SOCIAL, "soutien", "coconstruction", "Anime le collectif et accueille les réunions.", "2022-06-21"),
        ("Délégation du préfet de la Loire", M, "cooperation", "Porte l'expérimentation pour l'État.", "2022-06-21"),
        ("Ville de Saint-Étienne — direction de la politique de la ville", M, "cooperation", "Relie la vision du quartier au contrat de ville.", "2022-06-21"),
        ("Cercle des courageux de Sud-Est", M, "coconstruction", "Des habitants qui vont à la rencontre de leurs voisins.", "2022-06-21"),
        ("MJC des Quartiers Sud-Est", M, "cooperation", "Des locaux et des animateurs pour les jeunes.", "2022-06-21"),
        ("Sport Ensemble Sud-Est", M, "coordination", "Des activités sportives au pied des immeubles.", "2023-03-14"),
        ("Santé Quartiers Sud-Est", M, "coordination", "La prévention santé et l'accès aux soins.", "2023-03-14"),
        ("Radio Quartiers Sud-Est", M, "coordination", "Une radio pour faire entendre la parole des habitants.", "2023-03-14"),
        ("Épicerie Solidaire Sud-Est", M, "consultation", "Le contact quotidien avec les familles.", "2024-09-10"),
        ("Habitat Sud-Est Forez", M, "consultation", "Des locaux en pied d'immeuble et la connaissance des résidences.", "2024-09-10"),
        ("CAF de la Loire — action sociale", M, "information", "Le lien avec la convention territoriale globale.", "2024-09-10"),
        ("Saint-Étienne Métropole — cohésion sociale", M, "information", "La cohérence avec les autres quartiers de la métropole.", "2024-09-10"),
    ],
    "instances": {"cotech": "Comité technique QIC"},
    "meetings": [
        ("cotech", "2022-06-21 14:00", CENTRE_SOCIAL, "Lancement du pilote : qui fait quoi dans le quartier", "Tour de table des structures et premières idées pour aller vers les habitants.", ["Le centre social assure la fonction de soutien du collectif."]),
        ("cotech", "2023-03-14 14:00", CENTRE_SOCIAL, "Organiser la concertation", "Les habitants et les professionnels seront réunis séparément pour que chacun parle librement.", ["Tenir des temps de concertation distincts pour les habitants et pour les professionnels autour de la question « Comment voulons-nous que notre quartier soit en 2030 ? »."]),
        ("cotech", "2024-09-10 14:00", "MJC des Quartiers Sud-Est", "La vision partagée, et après ?", "La vision partagée est relue ; elle doit guider l'examen des projets.", ["La vision partagée sert de boussole pour examiner les projets présentés dans le quartier."]),
        ("cotech", "2025-02-04 14:00", CENTRE_SOCIAL, "Premier projet de feuille de route", "Trois axes se dégagent de la vision ; le projet reste à compléter.", ["Préparer une feuille de route en trois axes, à compléter avant son adoption."]),
    ],
    # (instance kind, days after the day the demo is loaded, time, place, agenda): still to come.
    "upcoming": [("cotech", 12, "14:00", CENTRE_SOCIAL, "Compléter puis proposer l'adoption de la feuille de route")],
    "roadmap": (None, "Projet de feuille de route tiré de la vision partagée du quartier.", [
        ("Des jeunes acteurs du quartier", [("Un conseil de jeunes à la MJC", "MJC des Quartiers Sud-Est", ["Radio Quartiers Sud-Est"], ActionStatus.PLANNED)]),
        ("Des espaces publics partagés", [("Animer les pieds d'immeuble l'été", "Sport Ensemble Sud-Est", ["Habitat Sud-Est Forez", CENTRE_SOCIAL], ActionStatus.PLANNED)]),
        ("Aller vers les habitants éloignés", [("Porte-à-porte des courageux", "Cercle des courageux de Sud-Est", ["Épicerie Solidaire Sud-Est"], ActionStatus.PLANNED)]),
    ]),
    "working_group": None, "ideas": [], "workshops": [],
}
# fmt: on


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _structures(names) -> dict[str, Structure]:
    names = set(names)
    found = {s.name: s for s in Structure.objects.filter(name__in=names, is_demo=True)}
    missing = sorted(names - set(found))
    if missing:
        raise ValueError(
            f"Structures de démonstration introuvables : {', '.join(missing)}. "
            "Chargez d'abord l'annuaire de démonstration (load_demo_directory)."
        )
    return found


def _names(data: dict) -> list[str]:
    names = [*data["trinome"], data["backbone"], *(m[0] for m in data["members"])]
    for _, actions in data["roadmap"][2]:
        names += [n for _, lead, partners, _ in actions for n in (lead, *partners)]
    return names


def _community(data: dict, structures: dict) -> Community:
    qpvs = list(Qpv.objects.filter(code__in=data["qpvs"]).prefetch_related("communes"))
    missing = set(data["qpvs"]) - {q.code for q in qpvs}
    if missing:
        raise ValueError(f"QPV introuvables (importez les contours des QPV) : {', '.join(sorted(missing))}.")
    state, local_authority, civil_society = (structures[n] for n in data["trinome"])
    community = Community.objects.create(
        name=data["name"], kind=data["kind"], epci=Epci.objects.get(siren=data["epci"]),
        objective=data["objective"], sdgs=data["sdgs"], programme=data["programme"],
        trinome_state=state, trinome_local_authority=local_authority, trinome_civil_society=civil_society,
        backbone=structures[data["backbone"]], backbone_missions=dict(zip(BACKBONE_MISSIONS, data["missions"], strict=True)),
        contract=ContratDeVille.objects.filter(slug=data["contract"]).first(), anchoring=data["anchoring"],
        needs=data["needs"], phase=Phase.PREFIGURATION, started_on=data["started_on"], is_demo=True,
    )  # fmt: skip
    community.full_clean()
    community.qpvs.set(qpvs)
    community.communes.set({c for q in qpvs for c in q.communes.all()})
    return community


def _phases(community: Community, phases: list) -> None:
    (first, on, why), *later = phases
    # No workflow records the phase a community starts in: change_phase only records changes.
    PhaseTransition.objects.create(community=community, phase=first, on=on, justification=why)
    for phase, on, why in later:
        services.change_phase(community, phase, on, why, None)


def _meetings(community: Community, data: dict, members: list) -> list:
    instances = {
        kind: Instance.objects.create(community=community, kind=kind, name=name)
        for kind, name in data["instances"].items()
    }
    meetings = []
    for number, (kind, when, place, agenda, minutes, decisions) in enumerate(data["meetings"]):
        starts_at = datetime.datetime.fromisoformat(when).replace(tzinfo=PARIS)
        meeting = services.schedule_meeting(
            instances[kind], starts_at=starts_at, place=place, agenda=agenda, convene=False
        )
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes"])
        # Those who had joined by then, save one in five (rotating) excused.
        joined = [m for m in members if m.joined_on <= starts_at.date()]
        services.record_attendance(meeting, {m.pk for i, m in enumerate(joined) if (i + number) % 5})
        for text in decisions:
            services.record_decision(
                community, instance=instances[kind], text=text, decided_on=starts_at.date(), meeting=meeting,
                notify=False,
            )  # fmt: skip
        meetings.append(meeting)
    today = timezone.localdate()
    for kind, days, time, place, agenda in data["upcoming"]:
        day = today + datetime.timedelta(days=days)
        starts_at = datetime.datetime.combine(day, datetime.time.fromisoformat(time), tzinfo=PARIS)
        services.schedule_meeting(
            instances[kind], starts_at=starts_at, place=place, agenda=agenda, convene=False
        )
    return meetings


def _roadmap(community: Community, data: dict, structures: dict, meetings: list) -> RoadmapVersion:
    adopted_on, summary, axes = data["roadmap"]
    version = services.new_roadmap_version(community, summary)
    for order, (title, actions) in enumerate(axes):
        axis = Axis.objects.create(roadmap=version, title=title, order=order)
        for action_title, lead, partners, status in actions:
            action = PlannedAction.objects.create(
                axis=axis, title=action_title, lead=structures[lead], status=status
            )
            action.partners.set([structures[n] for n in partners])
    if adopted_on:
        on = _date(adopted_on)
        meeting = next(m for m in meetings if m.starts_at.date() == on)
        decision = services.adopt_roadmap(version, instance=meeting.instance, on=on, notify=False)
        decision.meeting = meeting  # adopt_roadmap does not take the meeting it happened in
        decision.save(update_fields=["meeting"])
    return version


def _extras(community: Community, data: dict, version: RoadmapVersion, members: dict, meetings: list) -> None:
    if data["working_group"]:
        name, axis_index, names = data["working_group"]
        group = WorkingGroup.objects.create(axis=version.axes.all()[axis_index], name=name)
        group.members.set([members[n] for n in names])
    for text, index, status, follow_up in data["ideas"]:
        meeting = meetings[index]
        idea = services.log_idea(community, text, meeting=meeting, raised_on=meeting.starts_at.date())
        idea.status, idea.follow_up = status, follow_up
        idea.save(update_fields=["status", "follow_up"])
    for title, held_on, objectives, attendance, outputs, feedback in data["workshops"]:
        Workshop.objects.create(
            community=community, title=title, held_on=_date(held_on), objectives=objectives,
            facilitator=f"{community.backbone} (fonction de soutien)", attendance=attendance,
            outputs=outputs, feedback=feedback,
        )  # fmt: skip


def _contacts(structures: dict) -> dict[int, Person]:
    """The first fictional contact person with an address of each structure."""
    people = Person.objects.filter(structure__in=structures.values(), is_demo=True, email__gt="").order_by(
        "-pk"
    )
    return {person.structure_id: person for person in people}  # the lowest pk wins


def _load(data: dict) -> Community:
    structures = _structures(_names(data))
    contacts = _contacts(structures)
    community = _community(data, structures)
    _phases(community, data["phases"])
    members = {}
    for name, role, level, contribution, joined_on in data["members"]:
        members[name] = services.add_member(
            community, structures[name], role=role, level=level, contribution=contribution,
            joined_on=_date(joined_on), person=contacts.get(structures[name].pk),
        )  # fmt: skip
    meetings = _meetings(community, data, list(members.values()))
    version = _roadmap(community, data, structures, meetings)
    _extras(community, data, version, members, meetings)
    return community


@transaction.atomic
def load_demo_communities() -> list[Community]:
    """(Re)create the two demo communities; running it twice gives the same data."""
    previous = Community.objects.filter(name__in=DEMO_NAMES, is_demo=True)
    # Decisions and adopted roadmaps PROTECT their instance: remove them before the communities.
    Decision.objects.filter(community__in=previous).delete()
    RoadmapVersion.objects.filter(community__in=previous).delete()
    previous.delete()
    return [_load(MULHOUSE), _load(SUD_EST)]
