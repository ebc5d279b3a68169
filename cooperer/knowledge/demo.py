"""The method kit and its spread, in the demo (after the consultations, communities and calls demos):

- published templates from Saint-Étienne: the QIC consultation design (« Comment voulons-nous que notre quartier
  soit en 2030 ? », habitants and professionnels apart, workshops) and the QIC call's grid and cooperation
  condition; Mulhouse's community charter and governance; printable question cards and a workshop format;
- Firminy started from Saint-Étienne: Firminy belongs to Saint-Étienne Métropole itself (its QPVs QN04222N and
  QN04223N are in the same EPCI and the same contract), so the lineage goes from one place to another inside the
  same EPCI: the design is applied to Firminy's two QPVs, « inspiré de Saint-Étienne, septembre 2024 »; the call's
  grid goes on to Mulhouse Alsace Agglomération, another territory, so that the lineage view shows a tree;
- « Assises de la jeunesse », the open event of Mulhouse's youth community, with structures invited, some
  registered, and one that joined the community afterwards.

Everything is marked is_demo and replaced, not doubled, when the demo is loaded again."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cooperer.actors.models import Public, Structure, Theme
from cooperer.knowledge import circle
from cooperer.knowledge.kit import KitKind, KitStatus, content_errors
from cooperer.knowledge.models import CircleEvent, EventGuest, KitTemplate, Lineage
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
