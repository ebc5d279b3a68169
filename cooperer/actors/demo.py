"""Fictional structures and cooperation links of the demo (marked is_demo and shown as « fictive »).
The network densifies from 2022 to 2026 around the Mulhouse youth community and Quartiers Sud-Est."""

import datetime
import random

from django.db import transaction

from cooperer.actors.enums import LegalForm, LinkKind
from cooperer.actors.models import CooperationLink, Person, Public, Structure, Theme
from cooperer.actors.services import refresh_search_text
from cooperer.territories.models import Commune, Qpv

# fmt: off
THEMES = {
    'Jeunesse': 'Engagement, loisirs et accompagnement des 11-25 ans',
    'Éducation et réussite': 'Soutien scolaire, parentalité, lutte contre le décrochage',
    'Emploi et insertion': "Accès à l'emploi, formation, insertion par l'activité économique",
    'Sport': 'Pratique sportive, sport de rue',
    'Culture': 'Pratiques artistiques, lecture, patrimoine',
    'Lien social et vie associative': 'Animation de quartier, bénévolat',
    'Santé': 'Prévention, accès aux soins, santé mentale',
    'Logement et cadre de vie': 'Habitat, propreté, espaces publics',
    'Accès aux droits': 'Démarches, numérique, médiation',
    'Transition écologique': 'Jardins partagés, réemploi, mobilités douces',
}
PUBLICS = ['6-11 ans', '11-17 ans', '18-25 ans', 'Familles', 'Habitants des QPV', 'Femmes', 'Seniors', "Demandeurs d'emploi"]

# (name, acronym, form, commune INSEE, QPV codes, themes, publics, offers, needs)
MULHOUSE = [
    ('Ville de Mulhouse — Carré des associations', '', LegalForm.COMMUNE, '68224', [], ['Lien social et vie associative', 'Jeunesse'], ['Habitants des QPV'], ['locaux', 'reseau', 'competences'], []),
    ('Délégation du préfet du Haut-Rhin', '', LegalForm.STATE, '68224', [], ['Jeunesse', 'Emploi et insertion'], ['Habitants des QPV'], ['financement'], ['publics']),
    ('CAF du Haut-Rhin — action sociale', '', LegalForm.CAF, '68224', [], ['Jeunesse', 'Éducation et réussite'], ['Familles', '11-17 ans'], ['financement'], ['publics']),
    ('Mulhouse Alsace Agglomération — politique de la ville', 'm2A', LegalForm.EPCI, '68224', [], ['Emploi et insertion'], ['Habitants des QPV'], ['financement', 'reseau'], []),
]
# (name, acronym, QPV code, themes, publics, offers, needs); the form follows from the name and place
MULHOUSE_FIELD = [
    ('Jeunes et Cité de Bourtzwiller', 'JCB', 'QN06804M', ['Jeunesse', 'Sport'], ['11-17 ans', '18-25 ans'], ['benevoles'], ['locaux', 'financement']),
    ('Rue et Sport Drouot', '', 'QN06807M', ['Sport', 'Jeunesse'], ['11-17 ans'], ['competences'], ['materiel']),
    ('Les Ateliers des Coteaux', '', 'QN06803M', ['Culture', 'Lien social et vie associative'], ['Familles', '6-11 ans'], ['competences'], ['publics']),
    ('Centre socioculturel du Péricentre', 'CSC', 'QN06805M', ['Éducation et réussite', 'Jeunesse'], ['Familles', '11-17 ans'], ['locaux', 'publics'], ['benevoles']),
    ('Coup de Pouce Scolaire Fonderie', '', 'QN06806M', ['Éducation et réussite'], ['6-11 ans', '11-17 ans'], ['benevoles'], ['locaux']),
    ('Maison des jeunes de Brustlein', 'MJB', 'QN06808M', ['Jeunesse', 'Culture'], ['11-17 ans', '18-25 ans'], ['locaux'], ['competences']),
    ('Collectif des habitants de Markstein', '', 'QN06809M', ['Lien social et vie associative', 'Logement et cadre de vie'], ['Habitants des QPV'], ['benevoles', 'publics'], ['locaux']),
    ('Insertion Plus Illzach', '', 'QN06807M', ['Emploi et insertion'], ['18-25 ans', "Demandeurs d'emploi"], ['competences'], ['publics']),
    ('Jardins du Nouveau Bassin', '', 'QN06805M', ['Transition écologique', 'Lien social et vie associative'], ['Familles', 'Seniors'], ['benevoles'], ['financement']),
    ('Santé Jeunes Mulhouse', '', 'QN06804M', ['Santé', 'Jeunesse'], ['11-17 ans', '18-25 ans'], ['competences'], ['publics']),
    ('Numérique pour tous Bourtzwiller', '', 'QN06804M', ['Accès aux droits'], ['Seniors', 'Familles'], ['materiel', 'competences'], ['locaux']),
    ('Femmes Relais Coteaux', '', 'QN06803M', ['Accès aux droits', 'Santé'], ['Femmes', 'Familles'], ['publics'], ['financement']),
    ('Théâtre de rue des Jonquilles', '', 'QN06807M', ['Culture', 'Jeunesse'], ['11-17 ans'], ['competences'], ['locaux']),
    ('Basket Citoyen Wittenheim', '', 'QN06809M', ['Sport'], ['6-11 ans', '11-17 ans'], ['benevoles'], ['materiel']),
    ('Conseil citoyen de Mulhouse', '', 'QN06805M', ['Lien social et vie associative'], ['Habitants des QPV'], ['publics'], ['reseau']),
    ('Médiation de rue Péricentre', '', 'QN06805M', ['Jeunesse', 'Accès aux droits'], ['11-17 ans', '18-25 ans'], ['competences'], ['locaux']),
    ('Ludothèque des Coteaux', '', 'QN06803M', ['Éducation et réussite', 'Culture'], ['6-11 ans', 'Familles'], ['materiel'], ['benevoles']),
    ('Foot Solidaire Bourtzwiller', '', 'QN06804M', ['Sport', 'Jeunesse'], ['11-17 ans'], ['benevoles'], ['financement']),
    ('Repair Café Fonderie', '', 'QN06806M', ['Transition écologique'], ['Habitants des QPV'], ['competences', 'materiel'], ['locaux']),
    ('Parents Ensemble Drouot', '', 'QN06807M', ['Éducation et réussite'], ['Familles'], ['benevoles'], ['competences']),
    ('École de musique de Brustlein', '', 'QN06808M', ['Culture'], ['6-11 ans', '11-17 ans'], ['competences'], ['publics']),
    ('Cuisine du Monde Markstein', '', 'QN06809M', ['Lien social et vie associative'], ['Femmes', 'Familles'], ['benevoles'], ['locaux']),
    ('Mission Avenir Jeunes Mulhouse', '', 'QN06805M', ['Emploi et insertion', 'Jeunesse'], ['18-25 ans'], ['competences', 'reseau'], ['publics']),
    ('Seniors Actifs des Coteaux', '', 'QN06803M', ['Lien social et vie associative'], ['Seniors'], ['benevoles'], ['materiel']),
    ('Vélo Atelier Illzach', '', 'QN06807M', ['Transition écologique', 'Jeunesse'], ['11-17 ans', '18-25 ans'], ['materiel'], ['financement']),
]
SAINT_ETIENNE = [
    ('Ville de Saint-Étienne — direction de la politique de la ville', '', LegalForm.COMMUNE, '42218', [], ['Lien social et vie associative'], ['Habitants des QPV'], ['financement', 'reseau'], []),
    ('Saint-Étienne Métropole — cohésion sociale', 'SEM', LegalForm.EPCI, '42218', [], ['Emploi et insertion'], ['Habitants des QPV'], ['financement'], []),
    ('Délégation du préfet de la Loire', '', LegalForm.STATE, '42218', [], ['Jeunesse', 'Emploi et insertion'], ['Habitants des QPV'], ['financement'], ['publics']),
    ('CAF de la Loire — action sociale', '', LegalForm.CAF, '42218', [], ['Éducation et réussite'], ['Familles'], ['financement'], ['publics']),
    ('Habitat Sud-Est Forez', 'HSEF', LegalForm.SOCIAL_LANDLORD, '42218', ['QN04215M'], ['Logement et cadre de vie'], ['Habitants des QPV'], ['locaux'], ['publics']),
]
SAINT_ETIENNE_FIELD = [
    ('Centre social des Quartiers Sud-Est', 'CSQSE', 'QN04215M', ['Lien social et vie associative', 'Éducation et réussite', 'Jeunesse'], ['Familles', 'Habitants des QPV'], ['locaux', 'publics', 'reseau'], ['benevoles']),
    ('Cercle des courageux de Sud-Est', '', 'QN04215M', ['Lien social et vie associative'], ['Habitants des QPV'], ['benevoles', 'publics'], ['locaux']),
    ('MJC des Quartiers Sud-Est', '', 'QN04215M', ['Jeunesse', 'Culture'], ['11-17 ans', '18-25 ans'], ['locaux', 'competences'], ['publics']),
    ('Sport Ensemble Sud-Est', '', 'QN04215M', ['Sport', 'Jeunesse'], ['6-11 ans', '11-17 ans'], ['benevoles'], ['materiel']),
    ('Réussir à Montreynaud', '', 'QN04213M', ['Éducation et réussite', 'Emploi et insertion'], ['6-11 ans', '11-17 ans', '18-25 ans'], ['benevoles'], ['locaux']),
    ('Jardins partagés du Crêt de Roc', '', 'QN04214M', ['Transition écologique'], ['Familles', 'Seniors'], ['benevoles'], ['financement']),
    ('Tremplin Emploi Tarentaize', '', 'QN04212M', ['Emploi et insertion'], ['18-25 ans', "Demandeurs d'emploi"], ['competences'], ['publics']),
    ('Femmes en Mouvement Cotonne', '', 'QN04211M', ['Accès aux droits', 'Santé'], ['Femmes'], ['publics'], ['locaux']),
    ('Lecture et Jeux Terrenoire', '', 'QN04216M', ['Culture', 'Éducation et réussite'], ['6-11 ans', 'Familles'], ['competences'], ['locaux']),
    ('Point Numérique Monthieu', '', 'QN04220N', ['Accès aux droits'], ['Seniors'], ['materiel'], ['benevoles']),
    ('Santé Quartiers Sud-Est', '', 'QN04215M', ['Santé'], ['Habitants des QPV'], ['competences'], ['publics']),
    ('Collectif des habitants de Solaure', '', 'QN04224N', ['Lien social et vie associative', 'Logement et cadre de vie'], ['Habitants des QPV'], ['benevoles'], ['reseau']),
    ('Boxe Éducative Grand Clos', '', 'QN04221N', ['Sport'], ['11-17 ans'], ['competences'], ['locaux']),
    ("Ripagérienne d'Insertion", '', 'QN04207M', ['Emploi et insertion'], ['18-25 ans'], ['competences'], ['publics']),
    ('Amicale laïque de La Chapelle', '', 'QN04202M', ['Jeunesse', 'Culture'], ['6-11 ans', '11-17 ans'], ['benevoles'], ['financement']),
    ('Firminy Vert Solidaire', '', 'QN04223N', ['Lien social et vie associative'], ['Familles'], ['benevoles'], ['locaux']),
    ('Les Petits Débrouillards du Soleil', '', 'QN04214M', ['Éducation et réussite', 'Transition écologique'], ['6-11 ans', '11-17 ans'], ['competences'], ['locaux']),
    ('Radio Quartiers Sud-Est', '', 'QN04215M', ['Culture', 'Jeunesse'], ['11-17 ans', '18-25 ans'], ['materiel', 'competences'], ['benevoles']),
    ('Accompagnement Emploi Montreynaud', '', 'QN04213M', ['Emploi et insertion'], ["Demandeurs d'emploi"], ['competences'], ['publics']),
    ('Atelier Couture Layat', '', 'QN04222N', ['Lien social et vie associative'], ['Femmes'], ['materiel'], ['locaux']),
    ('Foot Loisirs Grand Pont', '', 'QN04207M', ['Sport'], ['11-17 ans'], ['benevoles'], ['materiel']),
    ('Danse Urbaine Tarentaize', '', 'QN04212M', ['Culture', 'Jeunesse'], ['11-17 ans', '18-25 ans'], ['competences'], ['locaux']),
    ('Épicerie Solidaire Sud-Est', '', 'QN04215M', ['Accès aux droits', 'Santé'], ['Familles'], ['benevoles', 'publics'], ['financement']),
    ("Parents d'élèves de Terrenoire", '', 'QN04216M', ['Éducation et réussite'], ['Familles'], ['benevoles'], ['reseau']),
    ('Compost et Potagers Cotonne', '', 'QN04211M', ['Transition écologique'], ['Habitants des QPV'], ['benevoles'], ['materiel']),
    ('Médiateurs Numériques de Rive-de-Gier', '', 'QN04208M', ['Accès aux droits'], ['Seniors', 'Familles'], ['competences'], ['locaux']),
]
# fmt: on
HUBS = {"68": "Ville de Mulhouse — Carré des associations", "42": "Centre social des Quartiers Sud-Est"}


@transaction.atomic
def load_demo_directory(seed: int = 2030) -> int:
    rng = random.Random(seed)
    themes = {
        name: Theme.objects.get_or_create(name=name, defaults={"description": d})[0]
        for name, d in THEMES.items()
    }
    publics = {name: Public.objects.get_or_create(name=name)[0] for name in PUBLICS}
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=["68224", "42218"])}
    qpvs = {q.code: q for q in Qpv.objects.filter(code__in=_field_qpv_codes()).prefetch_related("communes")}
    created = {}
    rows = [(*row, "68224") for row in MULHOUSE] + [(*row, "42218") for row in SAINT_ETIENNE]
    for name, acronym, form, insee, codes, theme_names, public_names, offers, needs, _ in rows:
        created[name] = _structure(
            name,
            acronym,
            form,
            communes[insee],
            [qpvs[c] for c in codes],
            theme_names,
            public_names,
            offers,
            needs,
            themes,
            publics,
        )
    for insee, field in (("68224", MULHOUSE_FIELD), ("42218", SAINT_ETIENNE_FIELD)):
        for name, acronym, code, theme_names, public_names, offers, needs in field:
            form = _form_for(name, insee)
            commune = min(qpvs[code].communes.all(), key=lambda c: c.insee_code != insee)
            structure = _structure(
                name,
                acronym,
                form,
                commune,
                [qpvs[code]],
                theme_names,
                public_names,
                offers,
                needs,
                themes,
                publics,
            )
            if form == LegalForm.LOCAL_LAW_ASSOCIATION and not structure.court_register:
                structure.court_register = f"Tribunal judiciaire de Mulhouse, volume {rng.randint(40, 99)}, folio {rng.randint(1, 400)} (fictif)"
                structure.save()
            created[name] = structure
    _people(created, rng)
    _links(created, rng)
    refresh_search_text([s.pk for s in created.values()])
    return len(created)


def _field_qpv_codes() -> set[str]:
    codes = {row[2] for row in MULHOUSE_FIELD + SAINT_ETIENNE_FIELD}
    return codes | {code for row in MULHOUSE + SAINT_ETIENNE for code in row[4]}


def _form_for(name: str, insee: str) -> str:
    lowered = name.lower()
    if "collectif" in lowered or "conseil citoyen" in lowered:
        return LegalForm.RESIDENTS_COLLECTIVE
    if "centre social" in lowered or "centre socioculturel" in lowered:
        return LegalForm.SOCIAL_CENTRE
    if lowered.startswith(("mjc", "maison des jeunes")):
        return LegalForm.MJC
    return LegalForm.LOCAL_LAW_ASSOCIATION if insee.startswith("68") else LegalForm.ASSOCIATION


def _structure(name, acronym, form, commune, qpvs, theme_names, public_names, offers, needs, themes, publics):
    structure, _ = Structure.objects.update_or_create(
        name=name,
        is_demo=True,
        defaults={
            "acronym": acronym, "legal_form": form, "commune": commune, "offers": offers, "needs": needs,
            "public_listing": form not in (LegalForm.STATE, LegalForm.CAF),
            "description": "Structure fictive créée pour la démonstration de Coopérer.",
            "address": f"{len(name) % 40 + 1} rue de la Démonstration",
        },
    )  # fmt: skip
    structure.qpvs.set(qpvs)
    structure.themes.set([themes[t] for t in theme_names])
    structure.publics.set([publics[p] for p in public_names])
    return structure


def _people(created, rng) -> None:
    first = ["Amina", "Julien", "Sofia", "Mehdi", "Claire", "Thomas", "Inès", "Lucas", "Fatou", "Hugo"]
    last = ["Martin", "Benali", "Keller", "Diallo", "Roux", "Meyer", "Traoré", "Girard", "Schmitt", "Ngom"]
    for structure in created.values():
        if structure.people.exists():
            continue
        Person.objects.create(
            structure=structure, first_name=rng.choice(first), last_name=f"{rng.choice(last)} (fictif)",
            role="Coordination", email=f"contact{structure.pk}@demo.cooperer.fr", is_demo=True,
            consent_at=datetime.datetime(2024, 1, 15, tzinfo=datetime.UTC), retain_until=datetime.date(2030, 12, 31),
        )  # fmt: skip


def _links(created, rng) -> None:
    """Few ties in 2022, many by 2026, growing around each territory's hub."""
    CooperationLink.objects.filter(is_demo=True).delete()  # regenerated identically from the seed
    kinds = list(LinkKind.values)
    links = []
    for departement, hub_name in HUBS.items():
        members = [s for s in created.values() if s.commune.insee_code.startswith(departement)]
        hub = created[hub_name]
        others = [s for s in members if s.pk != hub.pk]
        for year in range(2022, 2027):
            joining = others[: 3 + (year - 2022) * (len(others) - 3) // 4]
            for structure in joining:
                if not any(link.source_id == hub.pk and link.target_id == structure.pk for link in links):
                    links.append(_link(hub, structure, rng.choice(kinds), year, rng))
            for _ in range(2 + (year - 2022) * 3):
                a, b = rng.sample(joining, 2)
                links.append(_link(a, b, rng.choice(kinds), year, rng))
    CooperationLink.objects.bulk_create(links)


def _link(a, b, kind, year, rng):
    start = min(datetime.date(year, rng.randint(1, 12), 1), datetime.date.today())  # no link starts later
    end = None if rng.random() < 0.8 else datetime.date(year + 1, rng.randint(1, 12), 1)
    return CooperationLink(
        source=a, target=b, kind=kind, start=start, end=end, evidence="Démonstration (fictif)", is_demo=True
    )
