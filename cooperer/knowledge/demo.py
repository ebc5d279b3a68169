"""The knowledge app in the demo, everything fictional, marked `is_demo`, and replaced (not doubled) when the
demo is loaded again:

- the initiative records: the Mulhouse youth community's (two years of interconnaissance, three axes, the idea of
  assises de la jeunesse) and the Quartiers Sud-Est one (a crisis, a shared diagnosis, competing associations
  turned into a consortium), each started from its demo community as a writer would, then submitted and
  published by the animation of its territory;
- published templates from Saint-Étienne: the QIC consultation design (« Comment voulons-nous que notre quartier
  soit en 2030 ? », habitants and professionnels apart, workshops) and the QIC call's grid and cooperation
  condition; Mulhouse's community charter and governance; printable question cards and a workshop format;
- Firminy started from Saint-Étienne: Firminy belongs to Saint-Étienne Métropole itself (its QPVs QN04222N and
  QN04223N are in the same EPCI and the same contract), so the lineage goes from one place to another inside the
  same EPCI: the design is applied to Firminy's two QPVs, « inspiré de Saint-Étienne, septembre 2024 »; the call's
  grid goes on to Mulhouse Alsace Agglomération, another territory, so that the lineage view shows a tree;
- « Assises de la jeunesse », the open event of Mulhouse's youth community, with structures invited, some
  registered, and one that joined the community afterwards.

Load after the consultations, communities and calls demos."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cooperer.actors.models import Public, Structure, Theme
from cooperer.communities.demo import MULHOUSE_NAME, SUD_EST_NAME
from cooperer.communities.models import Community
from cooperer.knowledge import circle, services
from cooperer.knowledge.enums import FactorKind, Licence
from cooperer.knowledge.factors import ensure_defaults
from cooperer.knowledge.kit import KitKind, KitStatus, content_errors
from cooperer.knowledge.models import CircleEvent, EventGuest, Factor, KitTemplate, Lineage, Record
from cooperer.knowledge.spreading import save_as_template, spread, target_of

FIRMINY_QPVS = ["QN04222N", "QN04223N"]
SPREAD_ON = datetime.date(2024, 9, 16)
ASSISES_ON = datetime.date(2024, 9, 28)
ANIMATRICE = "animatrice.saint-etienne@demo.cooperer.fr"
COORDINATEUR = "coordinateur.mulhouse@demo.cooperer.fr"

CARDS = {
    "cards": [
        {"question": "Comment voulons-nous que notre quartier soit en 2030 ?", "prompt": "Fermez les yeux : que voyez-vous ?"},
        {"question": "Qu'est-ce qui marche déjà bien ici ?", "prompt": "Un lieu, une personne, une habitude."},
        {"question": "Qu'est-ce qui vous manque le plus au quotidien ?", "prompt": "Le soir, le week-end, l'été."},
        {"question": "Que seriez-vous prêt·e à faire avec vos voisins ?", "prompt": "Une heure par mois suffit."},
        {"question": "Qui devrait être là et ne l'est pas ?", "prompt": "Les jeunes, les parents, les commerçants…"},
    ]
}  # fmt: skip
WORKSHOP = {
    "objectives": "Recueillir, séparément, la parole des habitants et celle des professionnels d'un quartier sur "
    "son avenir, en post-it, puis dégager ensemble trois priorités.",
    "duration": "2 heures",
    "audience": "habitants",
    "steps": [
        "Accueil et règles du jeu (10 min)",
        "La question mobilisatrice au mur : chacun écrit ses post-it (25 min)",
        "Regroupement des post-it par thème, à voix haute (30 min)",
        "Trois priorités votées avec des gommettes (20 min)",
        "Ce qui se passera ensuite, et quand on se revoit le {{ date }} (10 min)",
    ],
    "materials": [
        "Post-it de trois couleurs",
        "Gommettes",
        "Affiche de la question",
        "Feuille d'émargement anonyme",
    ],
}


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def clear_demo_knowledge() -> None:
    """The copies made by the demo (their drafts in the other apps too), its templates and events."""
    for lineage in Lineage.objects.filter(is_demo=True):
        target = target_of(lineage)
        if target is not None and getattr(target, "is_demo", False):
            target.delete()
    Lineage.objects.filter(is_demo=True).delete()
    KitTemplate.objects.filter(is_demo=True).delete()
    EventGuest.objects.filter(event__is_demo=True).delete()
    CircleEvent.objects.filter(is_demo=True).delete()


def _publish(template, *, title, description, place) -> KitTemplate:
    assert not content_errors(template.kind, template.content), template.title
    template.title, template.description, template.source_place = title, description, place
    template.status, template.is_demo = KitStatus.PUBLISHED, True
    template.save()
    return template


@transaction.atomic
def load_demo_knowledge(consultation, calls, communities) -> dict:
    from cooperer.territories.models import Epci, Qpv

    clear_demo_knowledge()
    animatrice, coordinateur = _user(ANIMATRICE), _user(COORDINATEUR)
    if consultation is None or not calls or animatrice is None or coordinateur is None:
        return {}
    design = _publish(
        save_as_template(consultation, user=animatrice),
        title="Déroulé de concertation « Notre quartier en 2030 » (Quartiers à Impact Collectif)",
        description="Des temps séparés pour les habitants et pour les professionnels dans chaque QPV, autour d'une "
        "question mobilisatrice, puis une vision partagée par quartier. Démarche pilotée à Quartiers Sud-Est en 2022, "
        "étendue en septembre 2024 (démonstration).",
        place="Saint-Étienne",
    )  # fmt: skip
    grid = _publish(
        save_as_template(calls[0], user=animatrice),
        title="Grille d'évaluation et condition de coopération de l'appel QIC",
        description="La cohérence avec la vision du quartier et la coopération entre acteurs pèsent autant ; au "
        "moins un partenaire d'un autre secteur (démonstration).",
        place="Saint-Étienne",
    )  # fmt: skip
    mulhouse = next((c for c in communities if c.epci.siren == "200066009"), None)
    made = [design, grid]
    if mulhouse is not None:
        made.append(
            _publish(
                save_as_template(mulhouse, user=coordinateur),
                title="Charte et gouvernance d'une communauté d'action jeunesse",
                description="Un objectif commun, trois axes, un comité technique et une plénière : la structure de la "
                "communauté d'action de Mulhouse (démonstration).",
                place="Mulhouse",
            )
        )
    for kind, title, content in (
        (KitKind.QUESTION_CARDS, "Cartes questions pour un porte-à-porte ou un stand", CARDS),
        (KitKind.WORKSHOP, "Atelier post-it « Notre quartier en 2030 »", WORKSHOP),
    ):
        made.append(
            KitTemplate.objects.create(
                kind=kind,
                title=title,
                content=content,
                status=KitStatus.PUBLISHED,
                source_place="Saint-Étienne",
                source_epci=consultation.epci,
                author=animatrice,
                is_demo=True,
                description="Outil de démonstration, à imprimer.",
            )
        )
    sem = consultation.epci
    firminy = spread(
        user=animatrice, target_epci=sem, template=design, qpvs=Qpv.objects.filter(code__in=FIRMINY_QPVS),
        place="Firminy", spread_on=SPREAD_ON, is_demo=True,
    )  # fmt: skip
    m2a = Epci.objects.get(siren="200066009")
    to_mulhouse = spread(
        user=coordinateur, target_epci=m2a, template=grid, place="Mulhouse",
        spread_on=SPREAD_ON + datetime.timedelta(days=120), is_demo=True,
    )  # fmt: skip
    event = _assises(mulhouse, coordinateur) if mulhouse is not None else None
    return {"templates": made, "lineages": [firminy, to_mulhouse], "event": event}


def _assises(community, coordinateur) -> CircleEvent:
    event = CircleEvent.objects.create(
        community=community, title="Assises de la jeunesse", held_on=ASSISES_ON, place="Carré des associations",
        description="Une journée ouverte pour faire venir à la communauté des structures qui travaillent avec les "
        "jeunes sans en être encore membres (démonstration).",
        created_by=coordinateur, is_demo=True,
    )  # fmt: skip
    event.publics.set(Public.objects.filter(name__in=["11-17 ans", "18-25 ans"]))
    event.themes.set(Theme.objects.filter(name="Jeunesse"))
    invited_at = timezone.make_aware(
        datetime.datetime.combine(ASSISES_ON - datetime.timedelta(days=21), datetime.time(10))
    )
    # Invited before the event, it joined the community ten days after it (communities/demo.py: 2024-10-08).
    joined = Structure.objects.filter(name="Vélo Atelier Illzach", is_demo=True).first()
    if joined is not None:
        EventGuest.objects.create(
            event=event, structure=joined, reasons=["travaille avec les mêmes publics : 11-17 ans, 18-25 ans"],
            invited_by=coordinateur, invited_at=invited_at, registered_at=invited_at + datetime.timedelta(days=3),
        )  # fmt: skip
    for index, suggestion in enumerate(circle.suggestions(event, limit=3)):
        EventGuest.objects.create(
            event=event, structure=suggestion.structure, reasons=suggestion.reasons[:6], invited_by=coordinateur,
            invited_at=invited_at, registered_at=invited_at + datetime.timedelta(days=5) if index == 0 else None,
        )  # fmt: skip
    return event


MULHOUSE_WRITER = "coordinateur.mulhouse@demo.cooperer.fr"
SAINT_ETIENNE_WRITER = "animatrice.saint-etienne@demo.cooperer.fr"
L, F = FactorKind.LEVER, FactorKind.OBSTACLE

# fmt: off
RECORDS = [
    {
        "community": MULHOUSE_NAME, "writer": MULHOUSE_WRITER, "licence": Licence.OPEN,
        "title": "Mulhouse : deux ans d'interconnaissance pour l'engagement des jeunes (fiche fictive)",
        "summary": "Le Carré des associations a réuni l'État, la CAF et des associations de terrain. Ils ont pris deux ans pour se connaître et repérer leurs complémentarités, puis se sont donné un objectif commun, l'engagement des jeunes, et une feuille de route en trois axes.",
        "context": "Une pléthore d'initiatives pour les jeunes dans les quartiers de Mulhouse, mais peu de liens entre elles : des expérimentations qui s'essoufflaient faute de méthode. Réponse à l'AMI de La Fonda et du RNMA (Faire ensemble 2030) en 2022.",
        "method": "Une communauté d'action : préfiguration (se connaître), structuration (un objectif et une feuille de route), pérennisation (inscrire la méthode dans les politiques publiques). Un comité technique se réunit régulièrement ; les idées nouvelles y apparaissent.",
        "results_extra": "Trois axes adoptés : l'animation de rue avec une définition partagée, un tiers-lieu jeunesse, l'essaimage des outils de la méthode. L'idée d'assises de la jeunesse est née au comité technique. La méthode est inscrite au contrat de ville comme condition pour répondre aux appels à projets, et dans la CTG de la CAF ; des postes de coordinateurs jeunesse deviennent des coordinateurs de coopération.",
        "lessons": "Prendre le temps de l'interconnaissance avant d'agir : deux ans n'ont pas été du temps perdu. Une définition partagée (l'animation de rue) vaut mieux qu'une action de plus. Inscrire la méthode dans les documents des financeurs la fait durer au-delà des personnes.",
        "factors": [
            ("Interconnaissance", L, "Deux ans de rencontres avant la feuille de route."),
            ("Temps", L, "Le temps long accepté par les financeurs."),
            ("Fonction de soutien", L, "Le Carré des associations anime et relance."),
            ("Reconnaissance institutionnelle", L, "Contrat de ville et CTG de la CAF."),
            ("Vision commune", L, "L'engagement des jeunes, choisi ensemble."),
            ("Turnover des professionnels", F, "Des départs dans les structures qui obligent à refaire les présentations."),
            ("Temps", F, "Des bénévoles qui s'épuisent entre deux réunions."),
        ],
    },
    {
        "community": SUD_EST_NAME, "writer": SAINT_ETIENNE_WRITER, "licence": Licence.CC_BY_SA,
        "title": "Quartiers Sud-Est : d'associations concurrentes à un consortium (fiche fictive)",
        "summary": "Après une crise dans le quartier, un diagnostic partagé avec les habitants et les professionnels, séparément puis ensemble, a montré que plusieurs associations se disputaient les mêmes jeunes et les mêmes crédits. Elles portent aujourd'hui un projet commun, en consortium.",
        "context": "Quartiers Sud-Est, Saint-Étienne, pilote Quartiers à Impact Collectif depuis 2022. Une crise (tensions entre jeunes, un équipement fermé) et des projets qui se faisaient concurrence : des structures, au lieu de coopérer, cherchaient à capter les financements.",
        "method": "Des séances de concertation séparées pour les habitants et pour les professionnels autour d'une question mobilisatrice : « Comment voulons-nous que notre quartier soit en 2030 ? ». Une vision partagée, boussole pour tout le monde, puis une instruction commune des demandes par les financeurs qui repère les demandes concurrentes et propose un consortium.",
        "results_extra": "Un consortium de trois associations pour l'accueil des jeunes le soir, au lieu de trois demandes concurrentes. Un trinôme État, ville et centre social anime la démarche. La vision du quartier est inscrite au contrat de ville.",
        "lessons": "Le diagnostic partagé rend visible la concurrence sans accuser personne. La vision du quartier permet de refuser un projet qui s'en écarte, et de le dire. Aller chercher les jeunes concernés, thème par thème, plutôt que des instances usées.",
        "factors": [
            ("Concurrence pour les financements", F, "Trois demandes pour les mêmes jeunes, le même soir."),
            ("Confiance", F, "Une méfiance entre associations au départ de la crise."),
            ("Participation des habitants", L, "Des séances d'habitants à part, puis des restitutions communes."),
            ("Vision commune", L, "Une boussole pour accepter ou refuser les projets."),
            ("Gouvernance partagée", L, "Le trinôme État, collectivité, association."),
            ("Posture de la collectivité", L, "La ville anime sans décider seule."),
            ("Mobilisation des jeunes", L, "Aller chercher les jeunes concernés."),
        ],
    },
]
# fmt: on


def clear_demo_records() -> None:
    Record.objects.filter(is_demo=True).delete()


@transaction.atomic
def load_demo_records() -> list[Record]:
    """(Re)creates the two demo records; running it twice gives the same data. Needs the demo communities
    and accounts (it makes nothing without them)."""
    clear_demo_records()
    ensure_defaults()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[MULHOUSE_WRITER, SAINT_ETIENNE_WRITER])
    }
    factors = {f.name: f for f in Factor.objects.all()}
    made = []
    for data in RECORDS:
        community = Community.objects.filter(name=data["community"], is_demo=True).first()
        writer = users.get(data["writer"])
        if community is None or writer is None:
            continue
        record = services.start_from_community(community, writer)
        record.title, record.summary, record.licence = data["title"], data["summary"], data["licence"]
        record.context, record.method, record.lessons = data["context"], data["method"], data["lessons"]
        record.results = "\n".join(part for part in (data["results_extra"], record.results) if part)
        record.is_demo = True
        record.save()
        services.set_factors(
            record, [(factors[name].pk, kind, comment) for name, kind, comment in data["factors"]]
        )
        services.refresh_search_text(record)
        services.submit(record, writer)
        made.append(services.publish(record, writer))
    return made
