"""The demo consultation of Saint-Étienne's Quartiers à Impact Collectif: « Comment voulons-nous que notre
quartier soit en 2030 ? », a habitants session and a professionnels session in each of the 14 QPVs, and a
jeunes session in Quartiers Sud-Est. The contributions are fictional (written for the demo, marked as such)
but phrased as people say things, so that the analysis shows what each audience says and the other doesn't:
residents speak of daily life (buses, doctors, lifts, places for the young), professionals of coordination,
access to rights and funding, young people of places of their own and adults who trust them.

The workshops follow one another every nine days, and some residents and young people answer later on their
session's public form (its poster's QR code), so that the chart of contributions over time shows the
consultation's rhythm. Every date is counted from the day the demo is loaded: the last two neighbourhoods' sessions
are still to come (no contribution yet, their forms open), nothing is dated after today. The dates are as
fictional as the texts."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cooperer.consultations.enums import (
    Audience,
    ConsultationStatus,
    ContributionKind,
    ContributionSource,
    SessionFormat,
)
from cooperer.consultations.models import Consultation, Contribution, Session
from cooperer.consultations.services import add_default_themes
from cooperer.territories.models import ContratDeVille, Epci, Qpv

TITLE = "Quartiers à Impact Collectif — Notre quartier en 2030"
SEED = 2030
C, A, P, R = (
    ContributionKind.NEED,
    ContributionKind.ASPIRATION,
    ContributionKind.PROPOSAL,
    ContributionKind.RESOURCE,
)

# (kind, text); "{q}" is replaced by the neighbourhood's name.
RESIDENTS = [
    (C, "Le bus passe trop rarement le soir, on ne peut pas rentrer après 21 h."),
    (C, "Il n'y a plus de médecin généraliste dans le quartier, il faut aller en centre-ville."),
    (C, "L'ascenseur de notre immeuble est en panne plusieurs semaines par an."),
    (C, "Les jeunes n'ont aucun endroit pour se retrouver, alors ils restent dans les halls."),
    (C, "Les poubelles débordent et les encombrants restent sur le trottoir."),
    (C, "On ne se sent pas en sécurité le soir à cause du trafic en bas des immeubles."),
    (C, "Les démarches en ligne de la CAF sont compliquées quand on n'a pas d'ordinateur."),
    (C, "Les loyers et les charges augmentent mais les logements restent humides."),
    (A, "Un quartier propre et fleuri où les enfants peuvent jouer dehors sans danger."),
    (A, "Que les voisins se connaissent et s'entraident comme avant."),
    (A, "Des commerces de proximité et un marché le samedi sur la place."),
    (A, "Que nos enfants réussissent à l'école et trouvent un travail près d'ici."),
    (A, "Un parc avec des arbres et des bancs à l'ombre pour les personnes âgées."),
    (A, "Être écoutés par la mairie quand on signale un problème."),
    (P, "Une fête de quartier chaque été avec toutes les associations."),
    (P, "Un city-stade éclairé et un local pour les jeunes ouvert le soir."),
    (P, "Une maison de santé avec des médecins et une permanence le samedi."),
    (P, "Un jardin partagé au pied des immeubles."),
    (P, "Plus de bus le soir et le dimanche pour aller en ville."),
    (P, "Des cours de français et d'informatique pour les adultes à la maison de quartier."),
    (P, "Des médiateurs présents le soir dans le quartier."),
    (R, "Le centre social, où tout le monde se retrouve."),
    (R, "Les mamans du quartier qui organisent déjà des repas partagés."),
    (R, "La bibliothèque et ses ateliers du mercredi."),
]
PROFESSIONALS = [
    (C, "Les acteurs se connaissent mal et les dispositifs se superposent sans coordination."),
    (C, "Le repérage des jeunes NEET reste difficile, ils ne poussent pas la porte des structures."),
    (C, "Le non-recours aux droits est important, faute d'accompagnement aux démarches numériques."),
    (C, "Les financements sont annuels et fragilisent les postes d'adultes-relais."),
    (C, "Les appels à projets mettent les associations en concurrence au lieu de les faire coopérer."),
    (C, "L'offre de soins est saturée et la prévention en santé mentale manque de relais."),
    (C, "Le turn-over des professionnels casse la relation de confiance avec les familles."),
    (A, "Une vision partagée entre institutions et associations qui serve de boussole aux projets."),
    (A, "Des parcours d'insertion sans rupture entre la mission locale, l'école et les employeurs."),
    (A, "Des habitants associés aux décisions, pas seulement consultés."),
    (A, "Une évaluation commune qui montre l'impact des actions menées ensemble."),
    (P, "Un comité technique partenarial par quartier qui se réunit tous les trimestres."),
    (P, "Un annuaire partagé des acteurs et de leurs offres pour mieux orienter les familles."),
    (P, "Des conventions pluriannuelles pour stabiliser les associations de proximité."),
    (P, "Une permanence France services mobile dans le quartier."),
    (P, "Des formations communes aux professionnels sur l'aller-vers."),
    (P, "Un diagnostic partagé avec des indicateurs suivis chaque année."),
    (R, "Le réseau des adultes-relais et leur connaissance fine des familles."),
    (R, "Le conseil citoyen, qui mobilise des habitants volontaires."),
    (R, "Les partenariats déjà noués entre le collège et les associations sportives."),
]
YOUTH = [
    (C, "On n'a pas de lieu à nous, on se fait chasser des halls et du parc."),
    (C, "Les adultes nous voient comme des problèmes, pas comme des personnes."),
    (C, "Trouver un stage de troisième quand on habite ici, c'est presque impossible."),
    (C, "Le city-stade est cassé depuis deux ans."),
    (A, "Des adultes qui nous font confiance et qui nous laissent organiser des choses."),
    (A, "Un lieu pour les jeunes géré avec nous, ouvert le soir et le week-end."),
    (A, "Trouver un travail ou une formation sans devoir quitter le quartier."),
    (P, "Un tiers-lieu jeunesse avec studio de musique et salle de sport."),
    (P, "Des tournois de foot entre quartiers pour se rencontrer."),
    (P, "Un forum des métiers avec des entreprises du coin et des stages garantis."),
    (P, "Des sorties et des voyages organisés avec les éducateurs."),
    (R, "Les éducateurs de rue, ils sont là quand on a besoin."),
    (R, "Le club de boxe qui accueille tout le monde."),
]
SUFFIXES = ["", "", "", " C'est urgent.", " Merci de nous écouter.", " Depuis des années."]
DAYS_BETWEEN_NEIGHBOURHOODS = 9  # 14 neighbourhoods over four months
UPCOMING_NEIGHBOURHOODS = 2  # whose sessions are still to come on the day the demo is loaded
ONLINE_SHARE = 0.3  # residents and young people who answer later on the public form
ONLINE_WITHIN_DAYS = 40


def load_demo_consultation() -> Consultation | None:
    """Idempotent: replaces the demo consultation with a fresh one. None when the QIC QPVs are absent."""
    from cooperer.core.demo import QIC_CODES, SAINT_ETIENNE_METROPOLE

    epci = Epci.objects.filter(siren=SAINT_ETIENNE_METROPOLE).first()
    qpvs = list(Qpv.objects.filter(code__in=QIC_CODES).only("pk", "code", "name").order_by("code"))
    if epci is None or len(qpvs) != len(QIC_CODES):
        return None
    rng = random.Random(SEED)
    today = timezone.localdate()
    first_workshop = today - datetime.timedelta(
        days=DAYS_BETWEEN_NEIGHBOURHOODS * (len(qpvs) - UPCOMING_NEIGHBOURHOODS) + 1
    )
    with transaction.atomic():
        old = Consultation.objects.filter(is_demo=True, title=TITLE)
        Contribution.objects.filter(consultation__in=old).delete()  # sessions protect their contributions
        old.delete()
        consultation = Consultation.objects.create(
            title=TITLE,
            epci=epci,
            contract=ContratDeVille.objects.filter(pilot_epci=epci).first(),
            starts_on=first_workshop - datetime.timedelta(days=4),
            ends_on=today
            + datetime.timedelta(days=DAYS_BETWEEN_NEIGHBOURHOODS * UPCOMING_NEIGHBOURHOODS + 30),
            status=ConsultationStatus.OPEN,
            is_demo=True,
        )
        consultation.qpvs.set(qpvs)
        add_default_themes(consultation)
        contributions = []
        for index, qpv in enumerate(qpvs):
            day = first_workshop + datetime.timedelta(days=DAYS_BETWEEN_NEIGHBOURHOODS * index)
            plan = [(Audience.RESIDENTS, SessionFormat.WORKSHOP, RESIDENTS, rng.randint(14, 24), 2)]
            plan.append(
                (Audience.PROFESSIONALS, SessionFormat.WORKSHOP, PROFESSIONALS, rng.randint(7, 12), 4)
            )
            if qpv.code == "QN04215M":
                plan.append((Audience.YOUTH, SessionFormat.STAND, YOUTH, 26, 6))
            for audience, format_, bank, count, offset in plan:
                session = Session.objects.create(
                    consultation=consultation,
                    qpv=qpv,
                    audience=audience,
                    format=format_,
                    date=day + datetime.timedelta(days=offset),
                    place="Maison de quartier (fictive)"
                    if audience != Audience.PROFESSIONALS
                    else "Mairie annexe (fictive)",
                    facilitators="Équipe d'animation QIC (fictive)",
                    attendance=_attendance(rng, audience, count),
                    is_demo=True,
                )
                if session.date >= today:
                    continue  # not held yet: nobody has said anything there
                for number in range(count):
                    kind, text = rng.choice(bank)
                    text = (text + rng.choice(SUFFIXES)).replace("{q}", qpv.name)
                    source, when = _source_and_time(rng, session, today, number)
                    contributions.append(
                        Contribution(
                            consultation=consultation, session=session, qpv=qpv, audience=audience, kind=kind,
                            text=text, source=source, consent_at=when, created_at=when, is_demo=True,
                        )
                    )  # fmt: skip
        Contribution.objects.bulk_create(contributions, batch_size=500)
    return consultation


def _source_and_time(rng, session, today, number) -> tuple[str, datetime.datetime]:
    """Typed in by the team the evening of the workshop, or sent later from the public form (not by
    professionals, who said everything at their meeting), at the latest yesterday."""
    last = min(ONLINE_WITHIN_DAYS, (today - session.date).days - 1)
    if session.audience != Audience.PROFESSIONALS and rng.random() < ONLINE_SHARE and last >= 1:
        day = session.date + datetime.timedelta(days=rng.randint(1, last))
        sent = datetime.datetime.combine(day, datetime.time(rng.randint(8, 22), rng.randint(0, 59)))
        return ContributionSource.FORM, timezone.make_aware(sent)
    typed = datetime.datetime.combine(session.date, datetime.time(18, 30)) + datetime.timedelta(
        minutes=number
    )
    return ContributionSource.ASSISTED, timezone.make_aware(typed)


def _attendance(rng, audience, count) -> dict:
    if audience == Audience.YOUTH:
        return {"femmes:15_24": rng.randint(6, 12), "hommes:15_24": rng.randint(8, 14)}
    if audience == Audience.PROFESSIONALS:
        return {"femmes:25_59": rng.randint(5, 9), "hommes:25_59": rng.randint(2, 5)}
    return {
        "femmes:25_59": rng.randint(6, 12),
        "hommes:25_59": rng.randint(3, 8),
        "femmes:60_plus": rng.randint(1, 5),
        "hommes:60_plus": rng.randint(1, 4),
        "autre:15_24": rng.randint(0, 3),
    }
