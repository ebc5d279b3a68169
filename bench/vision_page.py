"""Benchmark of the pages of a contract vision rolled up from 30 neighbourhood visions, server-side.

Issue target: a contract vision rolled up from 30 QPV visions with 100,000 linked contributions renders
in ≤ 200 ms p95 server-side with a constant number of queries.

What is measured: `django.test.Client.get()` on the vision pages, i.e. the whole server-side path run
in-process (middleware, session and user lookup, permission check, queries, theory-of-change drawing, template
rendering), without network or browser. The user is an animatrice of the EPCI (`animation` role), so the pages
show what she sees, forms included. Pages: `contract_detail`, the detail page of the contract vision (the
target: its elements count, by audience, the contributions behind the 30 neighbourhood elements each one
gathers); `qpv_detail`, the detail page of the neighbourhood vision with the most contributions;
`contract_assemble`, the page where the neighbourhood elements are gathered (similar texts suggested);
`qpv_ground_page_1` and `qpv_ground_page_100`, the page that links the neighbourhood's contributions to its
vision (30 a page; page 100 of about 150); `contract_ground_page_1`, the same page for the contract (all
100,000 contributions in scope); and, once that neighbourhood vision is adopted (`services.adopt`),
`public_vision`, its public page « Notre quartier en 2030 ». Each page is requested once to warm up, once with
`CaptureQueriesContext` (query count, SQL time, slowest queries), then `--repeat` times without it for the
wall times. The same pages of a small dataset (3 neighbourhood visions, 300 contributions, same shapes) are
requested once to compare the query counts. `worst_p95_ms` is the worst p95 of the two detail pages; `met`
needs it ≤ 200 ms and equal query counts on every page.

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md): the EPCI of the
animatrice (`national.bench_targets()`), her account (`animation` on that EPCI) and the first 30 QPVs (by code,
with their real contours) of its largest contract. Its visions are not grounded in contributions, so the script
plants, on top of it (not timed, all with bulk_create): a contrat de ville « (fictif) » with those QPVs, a closed
consultation on the EPCI with 12 themes, 3 sessions per QPV and 100,000 contributions spread unevenly over the QPVs and over the audiences
(habitants, professionnels, jeunes, conseil citoyen, mixte; 0.5 % hidden by moderation), one theme tag each,
an analysis report with topics per QPV and a synthesis per QPV. The contract vision and 30 QPV visions
(parent: the contract vision, consultation set), each with its first version (a draft): 6 elements per QPV
vision, 10 outcomes linked short → intermediate → long term (no cycle), 3 assumptions, 2 of them with status
changes; every contribution grounds one element of its QPV vision (100,000 groundings; the sixth element of
every third vision is grounded by nothing); the contract vision has 8 elements, each gathering one element of
each of the 30 QPV visions (the five first elements of a neighbourhood are gathered, its sixth stays its own),
15 outcomes and 4 assumptions; the small dataset takes the next 3 QPVs of the contract. Everything planted,
and every write of the pages requested (the adoption included), is made in one transaction rolled back at the
end: the national database is left as it was.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/vision_page.py --var-dir var/national [--repeat 40]
         [--contributions 100000] [--qpvs 30] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python \
         bench/vision_page.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import itertools
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict

from common import (
    ROOT,
    add_national_arguments,
    captured_get,
    database_version,
    machine,
    median_ms,
    open_national,
    page_figures,
    planted,
    timed_gets,
)

TARGET_MS = 200
DETAIL_PAGES = ("contract_detail", "qpv_detail")
DEEP_PAGE = 100
SMALL = {"qpvs": 3, "contributions": 300}
CONSULTATION_START = datetime.date(2025, 9, 1)
CONSULTATION_END = datetime.date(2026, 3, 31)

# Who spoke, and how often (the share of each audience among the contributions).
AUDIENCES = [("habitants", 55), ("professionnels", 15), ("jeunes", 20), ("conseil_citoyen", 5), ("mixte", 5)]
SESSIONS = [("habitants", "atelier"), ("professionnels", "atelier"), ("jeunes", "stand")]
KINDS = ["constat", "aspiration", "proposition", "ressource"]
AGE_BANDS = ["", "moins_15", "15_24", "25_59", "60_plus"]
OPENINGS = ["", "Il faudrait", "Nous voulons", "J'aimerais", "Ce serait bien d'avoir", "Pourquoi pas"]
PLACES = [
    "dans le quartier", "près de la place du marché", "à côté du collège", "en bas des tours",
    "vers le centre social", "pour toutes les générations", "le soir et le week-end",
    "près de l'arrêt du tram",
]  # fmt: skip

# What the neighbourhoods share: for each concern, its theme, two emergent topics, the three ways a
# neighbourhood vision words it (taken in turn), and what people said about it.
CONCERNS = [
    {
        "theme": "Jeunesse",
        "topics": ["un local pour les jeunes", "des adultes de confiance"],
        "wordings": [
            "Les jeunes ont des lieux à eux et des adultes en qui ils ont confiance.",
            "Un lieu pour les jeunes, ouvert le soir, avec des adultes de confiance.",
            "Des jeunes accueillis dans des lieux à eux et écoutés par les adultes.",
        ],
        "ideas": [
            "un local pour les jeunes ouvert le soir", "des éducateurs de rue présents",
            "un city-stade éclairé", "des animateurs pour les ados", "un tiers-lieu géré avec les jeunes",
            "des sorties pendant l'été",
        ],
    },
    {
        "theme": "Logement et cadre de vie",
        "topics": ["la place et le jardin partagé", "la propreté des rues"],
        "wordings": [
            "Des espaces publics partagés, propres et sûrs, où chacun se retrouve.",
            "Une place, un parc et un jardin partagés où l'on se sent bien.",
            "Des espaces publics propres, fleuris et sûrs pour toutes les générations.",
        ],
        "ideas": [
            "des bancs et de l'ombre sur la place", "un jardin partagé", "des rues propres et fleuries",
            "des poubelles vidées plus souvent", "un parc avec des jeux pour les enfants",
            "une fête de quartier",
        ],
    },
    {
        "theme": "Emploi et insertion",
        "topics": ["des stages près de chez soi", "l'accompagnement vers l'emploi"],
        "wordings": [
            "Des parcours vers l'emploi proches de chez soi.",
            "Trouver une formation ou un travail sans quitter le quartier.",
            "Des chemins vers l'emploi et la formation près de chez soi.",
        ],
        "ideas": [
            "des stages chez les commerçants", "un forum des métiers",
            "la mission locale une fois par semaine", "des formations pour les mères",
            "un chantier d'insertion", "de l'aide pour écrire un CV",
        ],
    },
    {
        "theme": "Santé",
        "topics": ["un médecin dans le quartier", "la santé des enfants"],
        "wordings": [
            "Un médecin et une maison de santé accessibles dans le quartier.",
            "Se soigner près de chez soi, sans attendre des mois.",
            "Des soins de proximité et de la prévention pour les familles.",
        ],
        "ideas": [
            "un médecin généraliste", "une maison de santé", "un dentiste qui prend la CMU",
            "des ateliers de prévention", "un psychologue pour les jeunes", "une pharmacie ouverte le samedi",
        ],
    },
    {
        "theme": "Mobilité",
        "topics": ["des bus le soir", "des pistes cyclables"],
        "wordings": [
            "Des bus le soir et le dimanche pour rejoindre la ville.",
            "Se déplacer facilement vers la ville et vers l'emploi.",
            "Des transports fréquents et sûrs, à toute heure.",
        ],
        "ideas": [
            "des bus après 21 heures", "un tram le dimanche", "des pistes cyclables sûres",
            "un abri à l'arrêt de bus", "des trottoirs pour les poussettes", "des vélos en prêt",
        ],
    },
]  # fmt: skip
# What stays each neighbourhood's own (its sixth element, taken in turn).
SPECIFICS = [
    {"theme": "Accès aux droits et services publics", "topics": ["les démarches en ligne"],
     "wordings": ["Des démarches accompagnées près de chez soi."],
     "ideas": ["de l'aide pour les papiers de la CAF", "un point France services", "un écrivain public"]},
    {"theme": "Tranquillité publique", "topics": ["l'éclairage des halls"],
     "wordings": ["Des halls et des rues éclairés où l'on se sent en sécurité."],
     "ideas": ["plus de lumière dans les halls", "des médiateurs le soir", "la fin des rodéos"]},
    {"theme": "Culture et sport", "topics": ["un terrain de sport"],
     "wordings": ["Un club de sport et une bibliothèque ouverts à tous."],
     "ideas": ["un club de boxe", "la bibliothèque ouverte le samedi", "un terrain de basket"]},
    {"theme": "Transition écologique", "topics": ["des arbres et de l'ombre"],
     "wordings": ["Des arbres, de l'ombre et des logements moins chauds l'été."],
     "ideas": ["des arbres dans la cour", "des logements isolés", "un composteur collectif"]},
    {"theme": "Participation citoyenne", "topics": ["être écouté"],
     "wordings": ["Des habitants écoutés, qui décident avec les institutions."],
     "ideas": ["un conseil citoyen qui compte", "des réunions le soir", "un budget participatif"]},
]  # fmt: skip
ELEMENT_WEIGHTS = [28, 22, 18, 14, 10, 8]  # contributions grounding each of the 6 elements of a QPV vision
# The contract's elements: the first five gather the same concern in every neighbourhood, the last three
# gather again the first three concerns under a narrower commitment.
CONTRACT_ELEMENTS = [
    (0, "Dans chaque quartier, les jeunes ont des lieux à eux et des adultes en qui ils ont confiance."),
    (1, "Des espaces publics partagés, propres et sûrs, dans chaque quartier."),
    (2, "Des parcours vers l'emploi et la formation proches de chez soi."),
    (3, "Des soins de proximité dans chaque quartier prioritaire."),
    (4, "Des quartiers reliés à la ville par des transports à toute heure."),
    (0, "Des éducateurs et des animateurs présents le soir dans tous les quartiers."),
    (1, "Des habitants qui font vivre leurs places et leurs jardins."),
    (2, "Des employeurs du territoire qui ouvrent leurs portes aux jeunes des quartiers."),
]
# (text, horizon, level, element index or None, SDGs)
QPV_OUTCOMES = [
    ("Un local jeunesse co-géré ouvre le soir et le week-end", "short", "practices", 0, [11]),
    ("Éducateurs, clubs et centre social se coordonnent chaque mois", "short", "cooperation", None, [17]),
    ("Les habitants investissent la place et le jardin partagé", "short", "population", 1, [11]),
    ("Un forum des métiers réunit employeurs et jeunes", "short", "practices", 2, [8]),
    ("Les jeunes fréquentent des lieux encadrés et y prennent des responsabilités", "intermediate",
     "population", 0, [4, 16]),
    ("Les employeurs proches proposent stages et emplois aux jeunes", "intermediate", "practices", 2, [8]),
    ("Un comité partenarial suit une feuille de route commune", "intermediate", "cooperation", None, [17]),
    ("Les jeunes du quartier réussissent leur insertion", "long", "population", 2, [4, 8]),
    ("Les habitants se sentent bien et en sécurité dans leur quartier", "long", "population", 1, [11, 16]),
    ("Les institutions et les associations coopèrent durablement", "long", "cooperation", None, [17]),
]  # fmt: skip
CONTRACT_OUTCOMES = [
    ("Chaque quartier a un lieu jeunesse ouvert le soir", "short", "practices", 0, [11]),
    ("Un réseau des éducateurs du territoire se réunit chaque mois", "short", "cooperation", 5, [17]),
    ("Les places et jardins des quartiers sont rénovés avec les habitants", "short", "population", 1, [11]),
    ("Les employeurs signent une charte d'accueil des jeunes", "short", "practices", 7, [8]),
    ("Une maison de santé ouvre dans trois quartiers", "short", "practices", 3, [3]),
    ("Des lignes de bus desservent les quartiers le soir", "short", "practices", 4, [11]),
    ("Les jeunes prennent des responsabilités dans les lieux qui leur sont ouverts", "intermediate",
     "population", 0, [4, 16]),
    ("Les habitants animent eux-mêmes leurs espaces publics", "intermediate", "population", 6, [11]),
    ("Les stages et les emplois vont d'abord aux jeunes des quartiers", "intermediate", "practices", 2, [8]),
    ("Les familles se soignent plus tôt", "intermediate", "population", 3, [3]),
    ("Les partenaires du contrat suivent une feuille de route commune", "intermediate", "cooperation", None,
     [17]),
    ("L'écart de taux d'emploi avec le reste de l'agglomération se réduit", "long", "population", 2, [8, 10]),
    ("Les habitants des quartiers se sentent bien et en sécurité", "long", "population", 1, [11, 16]),
    ("Les quartiers sont reliés à la ville à toute heure", "long", "population", 4, [11]),
    ("Les institutions et les associations coopèrent durablement", "long", "cooperation", None, [17]),
]  # fmt: skip
ASSUMPTIONS = [
    "Les jeunes viendront si le lieu est co-géré avec eux.",
    "Les employeurs du secteur ont des besoins de recrutement.",
    "Les habitants ont le temps de s'investir dans le jardin.",
    "Les partenaires acceptent de partager leurs données.",
    "Le bailleur finance l'éclairage des halls.",
    "Les transports suivront si la demande est démontrée.",
]
EVIDENCE = [
    "Fréquentation relevée par le centre social sur six mois.",
    "Enquête auprès de 40 employeurs de la zone d'activité.",
    "Compte rendu du comité technique du 12 mars.",
]


def log(message: str) -> None:
    print(f"[bench vision_page] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure les pages d'une vision de contrat assemblée à partir de visions de quartier."
    )
    parser.add_argument("--repeat", type=int, default=40, help="requêtes mesurées par page (défaut 40)")
    parser.add_argument("--qpvs", type=int, default=30, help="visions de quartier (défaut 30)")
    parser.add_argument(
        "--contributions", type=int, default=100_000, help="contributions liées (défaut 100 000)"
    )
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.repeat < 1 or args.qpvs < 3 or args.contributions < 300:
        parser.error("--repeat >= 1, --qpvs >= 3 et --contributions >= 300 sont attendus.")
    return args


class Builder:
    """The visions planted on the national data set, written with bulk_create."""

    def __init__(self, seed: int):
        from cooperer.accounts.models import User
        from cooperer.core import national

        targets = national.bench_targets()
        self.rng = random.Random(seed)
        self.epci = targets["epci"]
        self.user = User.objects.get(username=targets["accounts"]["animatrice"])
        self.free_qpvs = list(targets["contract"].qpvs.order_by("code"))

    def qpvs(self, count: int) -> list:
        """The next `count` QPVs of the national contract, with their real contours."""
        if len(self.free_qpvs) < count:
            raise SystemExit(
                f"Le contrat du jeu national n'a plus que {len(self.free_qpvs)} QPV ({count} attendus) : "
                "réduisez --qpvs."
            )
        taken, self.free_qpvs = self.free_qpvs[:count], self.free_qpvs[count:]
        return taken

    def dataset(self, label: str, qpv_count: int, contribution_count: int) -> dict:
        """A contract with its QPVs, a consultation, the contract vision rolled up from one vision per QPV."""
        from django.utils import timezone

        from cooperer.consultations.enums import DEFAULT_THEMES
        from cooperer.consultations.models import Consultation, Session, Synthesis, Theme
        from cooperer.territories.models import ContratDeVille

        rng = self.rng
        qpvs = self.qpvs(qpv_count)
        communes = {commune for qpv in qpvs for commune in qpv.communes.all()}
        contract = ContratDeVille.objects.create(
            slug=f"contrat-banc-vision-{label}", name=f"Contrat de ville du banc d'essai ({label}, fictif)",
            pilot_epci=self.epci,
        )  # fmt: skip
        contract.communes.set(communes)
        contract.qpvs.set(qpvs)
        consultation = Consultation.objects.create(
            title=f"Nos quartiers en 2030 ({label}, fictif)", epci=self.epci, contract=contract,
            starts_on=CONSULTATION_START, ends_on=CONSULTATION_END, status="close", created_by=self.user,
            is_demo=True,
        )  # fmt: skip
        consultation.communes.set(communes)
        consultation.qpvs.set(qpvs)
        themes = {
            theme.name: theme
            for theme in Theme.objects.bulk_create(
                Theme(consultation=consultation, name=name, description=description, position=position)
                for position, (name, description) in enumerate(DEFAULT_THEMES)
            )
        }
        sessions = {}
        for qpv in qpvs:
            for audience, session_format in SESSIONS:
                attendance = {
                    f"{sex}:{band}": rng.randint(0, 12)
                    for sex in ("femmes", "hommes")
                    for band in ("15_24", "25_59", "60_plus")
                }
                sessions[(qpv.pk, audience)] = Session(
                    consultation=consultation, qpv=qpv, audience=audience, format=session_format,
                    date=CONSULTATION_START + datetime.timedelta(days=rng.randint(0, 150)),
                    place=f"Centre social {qpv.name}", attendance=attendance,
                )  # fmt: skip
        Session.objects.bulk_create(sessions.values())

        # Who said what: uneven QPVs, weighted audiences; each contribution is about one element of its QPV's
        # vision (the sixth element of every third vision: nobody).
        weights = [rng.uniform(0.5, 1.5) for _ in qpvs]
        qpv_of = rng.choices(range(qpv_count), weights=weights, k=contribution_count)
        audience_of = rng.choices(
            [a for a, _ in AUDIENCES], weights=[w for _, w in AUDIENCES], k=contribution_count
        )
        element_of = []
        for q in qpv_of:
            element_weights = ELEMENT_WEIGHTS if q % 3 else [*ELEMENT_WEIGHTS[:5], 0]
            element_of.append(rng.choices(range(6), weights=element_weights)[0])
        concern_of = [self.concern(q, e) for q, e in zip(qpv_of, element_of, strict=True)]
        span = int((timezone.make_aware(datetime.datetime.combine(CONSULTATION_END, datetime.time(20))) -
                    timezone.make_aware(datetime.datetime.combine(CONSULTATION_START, datetime.time(9))))
                   .total_seconds())  # fmt: skip
        began = timezone.make_aware(datetime.datetime.combine(CONSULTATION_START, datetime.time(9)))
        from cooperer.consultations.models import Contribution, ContributionTag

        contributions = []
        for index in range(contribution_count):
            qpv, audience, concern = qpvs[qpv_of[index]], audience_of[index], concern_of[index]
            session = sessions.get((qpv.pk, audience)) if rng.random() < 0.7 else None
            created_at = began + datetime.timedelta(seconds=rng.randint(0, span))
            opening = rng.choice(OPENINGS)
            idea = rng.choice(concern["ideas"])
            text = f"{opening} {idea} {rng.choice(PLACES)}." if opening else f"{idea} {rng.choice(PLACES)}."
            hidden = rng.random() < 0.005
            contributions.append(
                Contribution(
                    consultation=consultation, session=session, qpv=qpv, audience=audience,
                    kind=rng.choice(KINDS), text=text[0].upper() + text[1:],
                    author_name=rng.choice(["", "", "", "Samira", "Kevin", "Mme L.", "Yacine"]),
                    age_band=rng.choice(AGE_BANDS), created_at=created_at,
                    source="formulaire" if session is None else "saisie_assistee",
                    consent_at=created_at if session is None else None,
                    entered_by=self.user if session else None,
                    hidden_at=created_at + datetime.timedelta(days=2) if hidden else None,
                    hidden_reason="Propos injurieux." if hidden else "",
                )
            )  # fmt: skip
        contributions = Contribution.objects.bulk_create(contributions, batch_size=5000)
        topic_of = [rng.choice(concern["topics"]) for concern in concern_of]
        ContributionTag.objects.bulk_create(
            (
                ContributionTag(
                    contribution_id=contribution.pk, theme_id=themes[concern["theme"]].pk,
                    score=round(rng.uniform(0.3, 0.95), 3), evidence=concern["topics"][0].split()[-2:],
                    topic=topic,
                )
                for contribution, concern, topic in zip(contributions, concern_of, topic_of, strict=True)
            ),
            batch_size=5000,
        )  # fmt: skip
        self.analysis(consultation, qpvs, contributions, qpv_of, concern_of, topic_of)
        Synthesis.objects.bulk_create(
            Synthesis(
                consultation=consultation, qpv=qpv, updated_by=self.user,
                text=f"À {qpv.name}, les habitants parlent d'abord des jeunes, des espaces publics et de "
                "l'emploi.\nLes professionnels insistent sur la coordination.",
            )
            for qpv in qpvs
        )  # fmt: skip
        visions = self.visions(label, contract, consultation, qpvs)
        # Every contribution grounds one element of its QPV vision.
        from cooperer.visions.models import Grounding

        qpv_elements = visions["qpv_elements"]
        expected = defaultdict(Counter)  # element pk -> audience -> contributions, to check `support`
        groundings = []
        for index, contribution in enumerate(contributions):
            element = qpv_elements[qpv_of[index]][element_of[index]]
            expected[element.pk][audience_of[index]] += 1
            topic = f"{concern_of[index]['theme']} — {topic_of[index]}" if rng.random() < 0.6 else ""
            groundings.append(
                Grounding(
                    element_id=element.pk, contribution_id=contribution.pk, audience=contribution.audience, topic=topic,
                    added_by=self.user, added_at=contribution.created_at + datetime.timedelta(days=30),
                )
            )  # fmt: skip
        Grounding.objects.bulk_create(groundings, batch_size=5000)
        counts = Counter(qpv_of)
        busiest = max(range(qpv_count), key=lambda q: (counts[q], -q))
        return {
            **visions,
            "contract": contract,
            "consultation": consultation,
            "qpvs": qpvs,
            "qpv_vision": visions["qpv_visions"][busiest],
            "qpv": qpvs[busiest],
            "expected": expected,
            "contributions": contribution_count,
            "groundings": len(groundings),
        }

    @staticmethod
    def concern(qpv_index: int, element_index: int) -> dict:
        return CONCERNS[element_index] if element_index < 5 else SPECIFICS[qpv_index % len(SPECIFICS)]

    def analysis(self, consultation, qpvs, contributions, qpv_of, concern_of, topic_of) -> None:
        """An analysis report shaped like the real one, as far as the grounding page reads it."""
        from cooperer.consultations.models import AnalysisRun

        totals, per_qpv, quotes = Counter(), defaultdict(Counter), defaultdict(list)
        for index, contribution in enumerate(contributions):
            key = (concern_of[index]["theme"], topic_of[index])
            totals[key] += 1
            per_qpv[qpvs[qpv_of[index]].code][f"{key[0]} — {key[1]}"] += 1
            if len(quotes[key]) < 3:
                quotes[key].append({"id": contribution.pk, "text": contribution.text})
        report = {
            "contributions": len(contributions),
            "topics": [
                {"theme": theme, "label": label, "terms": label.split()[-2:], "contributions": n,
                 "quotes": quotes[(theme, label)]}
                for (theme, label), n in totals.most_common()
            ],
            "units": [
                {"level": "qpv", "key": qpv.code, "label": qpv.name,
                 "contributions": sum(per_qpv[qpv.code].values()), "topics": dict(per_qpv[qpv.code])}
                for qpv in qpvs
            ],
        }  # fmt: skip
        AnalysisRun.objects.create(consultation=consultation, contributions=len(contributions), report=report)

    def visions(self, label: str, contract, consultation, qpvs) -> dict:
        from cooperer.visions.models import Element, Vision, VisionVersion

        contract_vision = Vision.objects.create(
            title=f"Nos quartiers en 2030 — {label} (fictif)", scope_kind="contrat", contract=contract,
            epci=self.epci, consultation=consultation, created_by=self.user, is_demo=True,
        )  # fmt: skip
        qpv_visions = Vision.objects.bulk_create(
            Vision(
                title=f"{qpv.name} en 2030", scope_kind="qpv", qpv=qpv, epci=self.epci,
                parent=contract_vision, consultation=consultation, created_by=self.user, is_demo=True,
            )
            for qpv in qpvs
        )  # fmt: skip
        versions = VisionVersion.objects.bulk_create(
            VisionVersion(
                vision=vision, number=1, created_by=self.user,
                statement=f"En 2030, {vision.title.removesuffix(' en 2030')} est un quartier où chacun "
                "trouve sa place : les jeunes y ont des lieux à eux, les habitants se retrouvent dans des "
                "espaces publics partagés, et l'on peut se former et travailler sans aller loin.",
            )
            for vision in [contract_vision, *qpv_visions]
        )  # fmt: skip
        contract_version, qpv_versions = versions[0], versions[1:]
        elements = []
        for q, version in enumerate(qpv_versions):
            for e in range(6):
                concern = self.concern(q, e)
                text = concern["wordings"][q % len(concern["wordings"])]
                elements.append(Element(version=version, position=e + 1, text=text))
        elements += [
            Element(version=contract_version, position=k + 1, text=text)
            for k, (_, text) in enumerate(CONTRACT_ELEMENTS)
        ]
        elements = Element.objects.bulk_create(elements)
        qpv_elements = [elements[6 * q : 6 * q + 6] for q in range(len(qpv_versions))]
        contract_elements = elements[6 * len(qpv_versions) :]
        Element.gathers.through.objects.bulk_create(
            Element.gathers.through(from_element_id=element.pk, to_element_id=children[concern].pk)
            for element, (concern, _) in zip(contract_elements, CONTRACT_ELEMENTS, strict=True)
            for children in qpv_elements
        )
        for version, version_elements in zip(qpv_versions, qpv_elements, strict=True):
            self.theory(version, version_elements, QPV_OUTCOMES, 3)
        self.theory(contract_version, contract_elements, CONTRACT_OUTCOMES, 4)
        return {
            "contract_vision": contract_vision,
            "contract_version": contract_version,
            "contract_elements": contract_elements,
            "qpv_visions": qpv_visions,
            "qpv_versions": qpv_versions,
            "qpv_elements": qpv_elements,
        }

    def theory(self, version, elements: list, outcomes: list, assumptions: int) -> None:
        """Outcomes linked from nearer to farther horizons (so no cycle), assumptions with their history."""
        from django.utils import timezone

        from cooperer.visions.models import Assumption, AssumptionChange, Outcome

        rng = self.rng
        rows = Outcome.objects.bulk_create(
            Outcome(
                version=version, text=text, horizon=horizon, level=level,
                element=elements[element] if element is not None else None, sdgs=sdgs,
            )
            for text, horizon, level, element, sdgs in outcomes
        )  # fmt: skip
        by_horizon = defaultdict(list)
        for outcome in rows:
            by_horizon[outcome.horizon].append(outcome)
        links = set()
        for nearer, farther in (("short", "intermediate"), ("intermediate", "long"), ("short", "long")):
            for outcome in by_horizon[nearer]:
                count = rng.randint(1, 2) if nearer != "short" or farther != "long" else rng.randint(0, 1)
                for target in rng.sample(by_horizon[farther], k=min(count, len(by_horizon[farther]))):
                    links.add((outcome.pk, target.pk))
        Outcome.leads_to.through.objects.bulk_create(
            Outcome.leads_to.through(from_outcome_id=a, to_outcome_id=b) for a, b in sorted(links)
        )
        chosen = Assumption.objects.bulk_create(
            Assumption(version=version, text=text, outcome=rng.choice(rows))
            for text in rng.sample(ASSUMPTIONS, k=assumptions)
        )
        changes = []
        now = timezone.now()
        histories = [["to_test", "confirmed"], ["to_test", "refuted", "revised"]]
        for assumption, history in zip(chosen, histories, strict=False):
            for step, (before, after) in enumerate(itertools.pairwise(history)):
                changes.append(
                    AssumptionChange(
                        assumption=assumption, status_from=before, status_to=after, by=self.user,
                        evidence=rng.choice(EVIDENCE), at=now - datetime.timedelta(days=60 - 20 * step),
                    )
                )  # fmt: skip
            assumption.status = history[-1]
        AssumptionChange.objects.bulk_create(changes)
        Assumption.objects.bulk_update(chosen, ["status"])


def adopt(data: dict, user) -> None:
    """The neighbourhood's steering committee adopts its vision: the public page shows it."""
    from django.utils import timezone

    from cooperer.visions import services

    version = services.current_version(data["qpv_vision"])
    services.adopt(
        version, body="Comité de pilotage du contrat de ville", reference="CP-2026-07",
        adopted_on=timezone.localdate() - datetime.timedelta(days=10), user=user,
    )  # fmt: skip


def pages(data: dict) -> list[tuple[str, str, dict]]:
    """(name, url, query parameters) of each page measured before the adoption."""
    from django.urls import reverse

    contract, qpv_vision = data["contract_vision"].pk, data["qpv_vision"].pk
    return [
        ("contract_detail", reverse("visions:detail", args=[contract]), {}),
        ("qpv_detail", reverse("visions:detail", args=[qpv_vision]), {}),
        ("contract_assemble", reverse("visions:assemble", args=[contract]), {}),
        ("qpv_ground_page_1", reverse("visions:ground", args=[qpv_vision]), {}),
        (f"qpv_ground_page_{DEEP_PAGE}", reverse("visions:ground", args=[qpv_vision]), {"page": DEEP_PAGE}),
        ("contract_ground_page_1", reverse("visions:ground", args=[contract]), {}),
    ]


def public_page(data: dict) -> tuple[str, str, dict]:
    from django.urls import reverse

    return ("public_vision", reverse("public_vision", args=[data["qpv"].code]), {})


def measure(client, name: str, url: str, params: dict, repeat: int) -> dict:
    client.get(url, params)  # warm-up: templates, connection, query plans
    response, queries, _ = captured_get(client, url, params)
    result = page_figures(response, queries, timed_gets(client, url, params, repeat=repeat))
    slowest = sorted(queries, key=lambda query: -query["ms"])[:3]
    result.update(
        slowest_query_ms=round(slowest[0]["ms"], 1) if slowest else 0.0,
        slowest_query=slowest[0]["sql"][:160] if slowest else "",
        next_slowest_queries=[{"ms": round(q["ms"], 1), "sql": q["sql"][:120]} for q in slowest[1:]],
    )
    log(f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} requêtes SQL "
        f"({result['sql_ms']} ms, la plus lente {result['slowest_query_ms']} ms), "
        f"{result['kb']} ko")  # fmt: skip
    return result


def query_counts(client, page_list) -> dict:
    """Queries of each page once warm (its first request fills the support cache), as `measure` counts them."""
    counts = {}
    for name, url, params in page_list:
        client.get(url, params)
        counts[name] = len(captured_get(client, url, params)[1])
    return counts


def check_support(data: dict) -> dict:
    """The counts behind each element, as `services.support` computes them, against the generated data."""
    from cooperer.visions import services

    contract = services.support(data["contract_version"])["elements"]
    qpv_version = services.current_version(data["qpv_vision"])
    qpv = services.support(qpv_version)["elements"]
    expected = data["expected"]
    contract_ok = all(
        contract.get(element.pk, {})
        == dict(sum((expected[child.pk] for child in element.gathers.all()), Counter()))
        for element in data["contract_elements"]
    )
    qpv_ok = all(
        qpv.get(element.pk, {}) == dict(expected[element.pk]) for element in qpv_version.elements.all()
    )
    totals = [sum(contract.get(element.pk, {}).values()) for element in data["contract_elements"]]
    return {
        "contract_elements_match": contract_ok,
        "qpv_elements_match": qpv_ok,
        "contract_element_totals": totals,
    }


def check_pages(client, data: dict) -> dict:
    """What the pages show is what was generated."""
    import re

    from django.urls import reverse

    contract, qpv_vision = data["contract_vision"].pk, data["qpv_vision"].pk
    contract_detail = client.get(reverse("visions:detail", args=[contract])).content.decode()
    qpv_detail = client.get(reverse("visions:detail", args=[qpv_vision])).content.decode()
    assemble = client.get(reverse("visions:assemble", args=[contract])).content.decode()
    ground = client.get(reverse("visions:ground", args=[qpv_vision]), {"page": DEEP_PAGE}).content.decode()
    public = client.get(reverse("public_vision", args=[data["qpv"].code])).content.decode()
    gathered = re.findall(r"Rassemble (\d+) élément", contract_detail)
    specifics = contract_detail.partition("Spécificités des quartiers")[2].partition("<h2>Versions")[0]
    label = re.search(r"Page (\d+) sur (\d+)", ground)
    return {
        "contract_detail_elements": contract_detail.count('<li id="element-'),
        "contract_detail_gathered_per_element": sorted({int(n) for n in gathered}),
        "contract_detail_has_svg": "<svg" in contract_detail,
        "contract_detail_specifics": [specifics.count("<h3>"), specifics.count("<li>")],
        "qpv_detail_elements": qpv_detail.count('<li id="element-'),
        "qpv_detail_has_svg": "<svg" in qpv_detail,
        "assemble_suggestions": assemble.count('id="suggestion-'),
        "ground_deep_page_rows": ground.count('name="contributions"'),
        "ground_deep_page_label": f"{label.group(1)}/{label.group(2)}" if label else None,
        "public_elements": public.count("<strong>"),
        "public_backed": public.count("Porté par"),
    }


def detail_parts(data: dict) -> dict:
    """Median time of the steps of the contract's pages, called directly (the rest is the template)."""
    from cooperer.analysis.similar import Item, group_similar
    from cooperer.visions import reading, services

    vision, version = data["contract_vision"], data["contract_version"]
    content = reading.version_content(version)
    children = reading.children_elements(vision, version)
    items = [Item(str(e.pk), e.text, str(e.version.vision_id)) for e in children]
    return {
        "support_uncached_ms": median_ms(lambda: services._support(version)),
        "version_content_ms": median_ms(lambda: reading.version_content(version)),
        "children_elements_ms": median_ms(lambda: reading.children_elements(vision, version)),
        "diagram_ms": median_ms(lambda: reading.diagram(content, vision.title)),
        "group_similar_not_gathered_ms": median_ms(
            lambda: group_similar(
                [item for item, e in zip(items, children, strict=True) if not e.is_gathered]
            )
        ),
        "group_similar_all_children_ms": median_ms(lambda: group_similar(items), runs=5),
        "children_elements": len(children),
    }


def main() -> None:
    args = parse_args()
    load_before = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    with planted():
        began = time.perf_counter()
        builder = Builder(args.seed)
        log(
            f"objets plantés (annulés à la fin) : {args.qpvs} visions de quartier, {args.contributions} contributions"
        )
        large = builder.dataset("grand", args.qpvs, args.contributions)
        log(f"objets plantés : {SMALL['qpvs']} visions de quartier, {SMALL['contributions']} contributions")
        small = builder.dataset("petit", SMALL["qpvs"], SMALL["contributions"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE"
                )  # what autovacuum would do after such a load; it sees the planted rows
        generation_s = time.perf_counter() - began
        log(f"  objets plantés en {generation_s:.1f} s")

        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(builder.user)
        log(f"grand jeu de données : {args.repeat} requêtes par page")
        per_page = {
            name: measure(client, name, url, params, args.repeat) for name, url, params in pages(large)
        }
        log("petit jeu de données : nombre de requêtes SQL")
        small_counts = query_counts(client, pages(small))
        log("adoption des visions de quartier mesurées, page publique")
        adopt(large, builder.user)
        adopt(small, builder.user)
        name, url, params = public_page(large)
        per_page[name] = measure(client, name, url, params, args.repeat)
        small_counts.update(query_counts(client, [public_page(small)]))
        queries_small_vs_large = {
            name: {"small": small_counts[name], "large": result["queries"]}
            for name, result in per_page.items()
        }
        constant = all(pair["small"] == pair["large"] for pair in queries_small_vs_large.values())
        log("vérifications et étapes mesurées à part")
        checks = {**check_support(large), **check_pages(client, large)}
        parts = detail_parts(large)
        worst_page = max(DETAIL_PAGES, key=lambda page: per_page[page]["p95_ms"])
        worst_p95 = per_page[worst_page]["p95_ms"]
        worst_any = max(per_page, key=lambda page: per_page[page]["p95_ms"])
        from cooperer.visions.models import Element, Outcome

        result = {
            "bench": "vision_page",
            "qpv_visions": args.qpvs,
            "epci": builder.epci.name,
            "contributions": large["contributions"],
            "groundings": large["groundings"],
            "contract_elements": len(large["contract_elements"]),
            "gathered_links": Element.gathers.through.objects.filter(
                from_element__version=large["contract_version"]
            ).count(),
            "qpv_elements": sum(len(elements) for elements in large["qpv_elements"]),
            "outcomes": Outcome.objects.filter(version__vision__contract=large["contract"]).count()
            + Outcome.objects.filter(version__vision__parent=large["contract_vision"]).count(),
            "database": connection.vendor,
            "page_cache": settings.COOPERER_PAGE_CACHE,
            "database_version": database_version(connection),
            "per_page": per_page,
            "queries_small_vs_large": queries_small_vs_large,
            "queries_constant": constant,
            "checks": checks,
            "detail_parts": parts,
            "worst_p95_ms": worst_p95,
            "worst_page": worst_page,
            "worst_p95_all_pages_ms": per_page[worst_any]["p95_ms"],
            "worst_page_all_pages": worst_any,
            "target_ms": TARGET_MS,
            "met": worst_p95 <= TARGET_MS and constant,
            "repeat": args.repeat,
            "generation_s": round(generation_s, 1),
            **figures,
            **machine(load_before, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés annulés (rollback)")


if __name__ == "__main__":
    main()
