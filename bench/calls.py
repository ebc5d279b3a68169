"""Benchmark of calls for projects (`cooperer.calls`): the instruction report, the programming committee and the
SCDL open-data export, server-side, at the sizes of the issue.

Issue targets:
1. the instruction report of one application against 20,000 others renders in ≤ 300 ms;
2. the committee screen of a call with 2,000 applications runs a constant number of SQL queries (the same as
   for a call with 20) and answers in ≤ 150 ms p95;
3. the SCDL export of 100,000 grants takes ≤ 20 s and ≤ 500 MB of memory at its peak (streamed).

What is measured:
1. `instruction`: `django.test.Client.get()` on `calls:instruction` (middleware, session, permission check,
   queries, `report.build`, template), as an animatrice of the EPCI (`animation` role). The overlap index of the
   EPCI's submitted applications is built once per process and cached (`report.overlap_index`): the very first
   request of the process (`cold_first_request_ms`, under CaptureQueriesContext) pays for it; then one request
   on each of `--reports` other applications drawn at random (`warm`: p50, p95, max), then the same requests
   again under CaptureQueriesContext (queries, SQL time, slowest query). `parts` times steps called directly:
   the index built again from scratch (load from the database, vectorisation), the signature query every
   request runs to know whether the cached index is still valid, `report.build` alone, `index.overlaps`.
2. `committee`: `calls:committee` for the call with `--committee` applications and for a call with `--small`
   ones (same shapes: a third decided with grants, a third reviewed), a warm-up request, one under
   CaptureQueriesContext, then `--repeat` timed requests each; `queries_equal` compares the query counts.
3. `scdl`: `cooperer.calls.opendata.export(out, call)` writing the `--grants` grants of one call to a file
   (wall time; `ru_maxrss` before and after, which only moves if the export goes above what data generation
   already reached; then a second run under tracemalloc for the peak of Python allocations); the query alone
   (rows read, nothing written); the same export through the view `calls:scdl` (django.test.Client, the body
   read to its end: wall time, then tracemalloc peak of a second request); then the command `python -m
   cooperer.cli export-scdl --out FILE` (every grant of the database) in a subprocess started through a small
   intermediate process, whose peak RSS is that intermediate's `getrusage(RUSAGE_CHILDREN).ru_maxrss`, as
   `/usr/bin/time -v` reports it (see RSS_WRAPPER for why not this process's own RUSAGE_CHILDREN). The file written
   in-process is validated with frictionless against the official Table Schema (`--schema`, by default
   `../shared/data/subventions/scdl_schema/schema_subventions_v2.1.1.json` next to the project) when it exists.

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md): the EPCI of the
animatrice (`national.bench_targets()`) and its largest contract, its QPVs (real contours) in the communes that
hold at least 10 of its structures, those structures that have a SIRET (with the national cooperation links),
the grants published by other funders (ExternalGrant), the accounts of the animatrice (`animation`) and of the
délégué du préfet (`instruction`, État), and a second contract of another EPCI for the SCDL call. Its calls hold
a few hundred applications per EPCI, so the script plants, on top of it (not timed, all with bulk_create): a
contract vision with the 20 elements of `bench/instruction.py`, and 5 calls on that EPCI sharing
`--applications` submitted applications (status submitted, reviewed, complements or decided; `submitted_at` in
the call's window): their texts are written from the 37 actions of politique de la ville of
`bench/instruction.py` (titles, purposes, activities, places, schedules, partners, evaluation; several phrasings
each), with the publics of the action (`public_description`, e.g. « jeunes 16-25 ans, adolescents 12-15 ans »)
and its age bands, 1 to 3 QPVs of one commune (a log-normal share of the applications per QPV), 0 to 3 partners
of the same commune, a balanced CERFA budget (charges 60/61/64, subsidies on account 74 from 1 to 3 funders among
`etat`, `epci`, `caf`, own resources on 75, in-kind 86/87 sometimes), the vision elements of the action (one in
seven also one its text does not support), one or two indicators. Planted as in `bench/instruction.py`: 5 %
competing applications (another structure of the commune, same QPV, public and action, overlapping period) and
1.5 % double submissions (same structure, text copied with a sentence dropped and words changed, another call).
The committee call (`--committee`) and the small call (`--small`) have a third of their applications decided
(granted in full or in part, refused, postponed: grants per funder with a convention) and a third reviewed
(scores of two instructors on 4 criteria; each funder asked gives its opinion); the 2025 call has most of its
applications decided. The SCDL call is on the second EPCI (so that its applications stay out of the overlap
index): ceil(`--grants` / 3) decided applications of the same structures with a budget, each granted by its 3
funders (SIRETs of the 000 range), `--grants` grants in all. Everything planted, and every write of the pages
requested, is made in one transaction rolled back at the end: the national database is left as it was. The
command `export-scdl`, run in another process, does not see the planted rows: it exports the grants of the
national data set as they are.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/calls.py --var-dir var/national [--applications 20000] [--committee 2000]
         [--grants 100000] [--seed 42]
     PYTHONPATH=. .venv/bin/python bench/calls.py --var-dir var/national --quick     # small sizes
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python bench/calls.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import gc
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from common import (
    ROOT,
    add_national_arguments,
    captured_get,
    database_version,
    machine,
    median_ms,
    open_national,
    page_figures,
    percentile,
    planted,
    timed_gets,
)

# The vocabulary of the applications: the 37 actions and the sentence pools of the screening benchmark.
from instruction import (
    ACTIONS,
    ACTIVITY_FRAMES,
    EDITS,
    ELEMENTS,
    EVALUATIONS,
    OPENINGS,
    PARTNERS_SENTENCES,
    PLACES,
    SCHEDULES,
)

PROJECT_DIR = ROOT
DEFAULT_SCHEMA = PROJECT_DIR.parent / "shared/data/subventions/scdl_schema/schema_subventions_v2.1.1.json"
TARGET_REPORT_MS = 300
TARGET_COMMITTEE_MS = 150
TARGET_EXPORT_S = 20
TARGET_EXPORT_MB = 500
COMPETING_SHARE, DUPLICATE_SHARE = 0.05, 0.015
# A commune's applications draw an applicant and up to 3 partners from its structures.
MIN_COMMUNE_STRUCTURES = 10
# Funders' SIRETs: numbers above those of the national structures (up to 50,000 at scale 1).
FUNDER_SIRETS = 99_000
QUICK = {"applications": 3000, "committee": 500, "small": 20, "grants": 6000, "reports": 10, "repeat": 10}
CALLS = [
    # (name, year, status, share of the applications not in the committee and small calls)
    ("Contrat de ville 2026 — appel à projets", 2026, "open", None),
    ("Fonds de participation des habitants 2026", 2026, "open", None),
    ("Contrat de ville 2025 — appel à projets", 2025, "closed", 0.4),
    ("Quartiers d'été 2026", 2026, "open", 0.3),
    ("Cités éducatives 2026", 2026, "open", 0.3),
]
FUNDERS = [
    ("etat", "Préfecture des Bouches-du-Rhône (BOP 147)", "BOP 147"),
    ("epci", "Métropole Provence-Littoral", "Politique de la ville"),
    ("caf", "CAF des Bouches-du-Rhône", "Fonds publics et territoires"),
]
CRITERIA = [
    ("vision", "Cohérence avec la vision du contrat", 30),
    ("cooperation", "Coopération entre acteurs", 30),
    ("habitants", "Habitants touchés", 20),
    ("evaluation", "Plan d'évaluation", 20),
]
AGE_BANDS = {
    "jeunes 16-25": ["16-25"], "adolescents 12-15": ["11-15"], "enfants 6-11": ["6-10"], "enfants 3-5": ["0-5"],
    "seniors": ["60 et plus"], "personnes âgées isolées": ["60 et plus"], "élèves du collège": ["11-15"],
    "lycéens": ["16-25"], "collégiens exclus": ["11-15"],
}  # fmt: skip
INDICATORS = [
    ("Participants différents", "{n} par an"), ("Assiduité moyenne", "{p} %"),
    ("Participants habitant un QPV", "{p} %"), ("Satisfaction des participants", "{p} % satisfaits"),
    ("Personnes orientées vers un partenaire", "{n}"), ("Séances réalisées", "{n}"),
]  # fmt: skip
MOTIVATIONS = [
    "Le projet sert directement l'élément de vision cité et associe des partenaires de secteurs différents.",
    "Projet cohérent avec la vision ; le plan d'évaluation doit être précisé avant le premier versement.",
    "Le comité retient le projet en partie : le volet en soirée est financé, le séjour ne l'est pas.",
    "Le projet recoupe une action déjà financée sur le même quartier : le comité invite à la co-construire.",
]


def log(message: str) -> None:
    print(f"[bench calls] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mesure le rapport d'instruction, le comité de programmation et l'export SCDL des appels à "
        "projets."
    )
    parser.add_argument(
        "--applications", type=int, default=20_000, help="demandes déposées sur l'EPCI (défaut 20 000)"
    )
    parser.add_argument(
        "--committee", type=int, default=2_000, help="demandes de l'appel du comité mesuré (défaut 2 000)"
    )
    parser.add_argument("--small", type=int, default=20, help="demandes du petit appel comparé (défaut 20)")
    parser.add_argument(
        "--grants", type=int, default=100_000, help="subventions de l'export SCDL (défaut 100 000)"
    )
    parser.add_argument(
        "--reports", type=int, default=30, help="demandes différentes instruites à chaud (défaut 30)"
    )
    parser.add_argument(
        "--repeat", type=int, default=30, help="requêtes mesurées par page du comité (défaut 30)"
    )
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, help="schéma SCDL (Table Schema JSON)")
    parser.add_argument(
        "--no-validate", action="store_true", help="ne pas valider le fichier avec frictionless"
    )
    parser.add_argument("--quick", action="store_true", help="petites tailles : " + json.dumps(QUICK))
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if (
        args.small < 3
        or args.committee < args.small
        or args.applications < 2 * (args.committee + args.small)
        or args.grants < 3
        or args.reports < 1
        or args.repeat < 1
    ):
        parser.error(
            "--small >= 3, --committee >= --small, "
            "--applications >= 2 × (--committee + --small), --grants >= 3, --reports >= 1 et --repeat >= 1 "
            "sont attendus."
        )
    return args


def with_ages(public: str) -> str:
    """« jeunes 16-25 » -> « jeunes 16-25 ans »."""
    return re.sub(r"(\d+-\d+)$", r"\1 ans", public)


def money(value: float) -> Decimal:
    return Decimal(max(10, round(value / 10) * 10))


class Builder:
    """The calls and applications planted on the national data set, written with bulk_create."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}

    # --- What the national data set gives -------------------------------------------------------------

    def national(self) -> None:
        """The EPCI, contract, accounts, QPVs and structures of the national data set. A QPV belongs to the first
        of its communes holding MIN_COMMUNE_STRUCTURES structures with a SIRET (a grant is published with it)."""
        from cooperer.accounts.models import User
        from cooperer.actors.models import CooperationLink, Structure
        from cooperer.calls.models import ExternalGrant
        from cooperer.core import national
        from cooperer.territories.models import ContratDeVille

        targets = national.bench_targets()
        self.epci, self.contract = targets["epci"], targets["contract"]
        self.user = User.objects.get(username=targets["accounts"]["animatrice"])
        self.instructor = User.objects.get(username=targets["accounts"]["delegue.prefet"])
        self.structure_list = list(
            Structure.objects.filter(commune__epci=self.epci).exclude(siret="").order_by("pk")
        )
        by_commune = defaultdict(list)
        for structure in self.structure_list:
            by_commune[structure.commune_id].append(structure)
        commune_of = {}
        for qpv in self.contract.qpvs.order_by("code").prefetch_related("communes"):
            usable = [c.pk for c in qpv.communes.all() if len(by_commune[c.pk]) >= MIN_COMMUNE_STRUCTURES]
            if usable:
                commune_of[qpv] = usable[0]
        if not commune_of:
            raise SystemExit(
                f"Aucun QPV du contrat {self.contract} n'est dans une commune d'au moins {MIN_COMMUNE_STRUCTURES} "
                "structures : générez le jeu national à une échelle plus grande (--scale)."
            )
        towns = sorted(set(commune_of.values()))
        self.qpvs = list(commune_of)
        self.town_of_qpv = {qpv.pk: towns.index(commune) for qpv, commune in commune_of.items()}
        self.qpvs_of_town = [[q for q in self.qpvs if self.town_of_qpv[q.pk] == t] for t in range(len(towns))]
        self.by_town = [by_commune[commune] for commune in towns]
        self.qpv_weight = {qpv.pk: self.rng.lognormvariate(0, 0.8) for qpv in self.qpvs}
        self.scdl_contract = ContratDeVille.objects.exclude(pilot_epci=self.epci).order_by("pk").first()
        self.scdl_epci = self.scdl_contract.pilot_epci
        ids = [s.pk for s in self.structure_list]
        self.counts.update(
            structures=len(ids), qpvs=len(self.qpvs), communes=len(towns),
            cooperation_links=CooperationLink.objects.filter(source_id__in=ids).count(),
            external_grants=ExternalGrant.objects.count(),
        )  # fmt: skip

    def vision(self) -> None:
        from cooperer.visions.models import Element, Vision, VisionVersion

        vision = Vision.objects.create(
            title="Vision du banc d'essai des appels (fictif)", scope_kind="contrat", contract=self.contract,
            epci=self.epci, created_by=self.user, is_demo=True,
        )  # fmt: skip
        version = VisionVersion.objects.create(
            vision=vision, number=1, created_by=self.user,
            statement="En 2030, dans chaque quartier, les jeunes ont des lieux à eux, chacun trouve un emploi ou "
            "une formation, et les habitants vivent dans des espaces publics apaisés.",
        )  # fmt: skip
        elements = Element.objects.bulk_create(
            Element(version=version, position=position, text=text)
            for position, text in enumerate(ELEMENTS.values(), start=1)
        )
        self.elements = dict(zip(ELEMENTS, elements, strict=True))

    # --- Calls and applications ------------------------------------------------------------------------

    def call(self, name: str, year: int, status: str, epci, contract, number: int):
        from cooperer.calls.models import Call, CallFunder, Criterion
        from cooperer.core.national import fictional_siret

        call = Call.objects.create(
            name=name, epci=epci, contract=contract, carrier_name=epci.name, carrier_siren=epci.siren,
            summary=f"{name} : des projets qui servent la vision du contrat, portés en coopération.",
            beneficiaries=["association", "collectivite", "entreprise_ess"],
            opens_on=datetime.date(year - 1, 10, 1), closes_at=datetime.datetime(year - 1, 12, 15, 12, tzinfo=datetime.UTC),
            zone=contract.name, contact="politique.ville@exemple.fr", min_partners=1, min_partner_sectors=2,
            status=status, created_by=self.user, is_demo=True,
        )  # fmt: skip
        if epci == self.epci:
            call.elements.set(self.elements.values())
        call.funder_rows = CallFunder.objects.bulk_create(
            CallFunder(call=call, funder=funder, name=label, programme=programme,
                       siret=fictional_siret(FUNDER_SIRETS + number * 10 + k), envelope=Decimal(envelope))
            for k, ((funder, label, programme), envelope) in enumerate(
                zip(FUNDERS, ("1500000", "1000000", "600000"), strict=True)
            )
        )  # fmt: skip
        call.criteria_rows = Criterion.objects.bulk_create(
            Criterion(call=call, kind=kind, label=label, weight=weight, position=position)
            for position, (kind, label, weight) in enumerate(CRITERIA)
        )
        return call

    def draft(self, call, year: int, action: tuple, qpvs: list | None = None) -> dict:
        """One application as plain data: the row's fields and its related rows."""
        rng = self.rng
        titles, purposes, activities, publics, element_codes = action
        if qpvs is None:
            first = rng.choices(self.qpvs, weights=[self.qpv_weight[q.pk] for q in self.qpvs])[0]
            town = self.town_of_qpv[first.pk]
            others = [q for q in self.qpvs_of_town[town] if q.pk != first.pk]
            qpvs = [
                first,
                *rng.sample(others, min(len(others), rng.choices([0, 1, 2], weights=[70, 20, 10])[0])),
            ]
        town = self.town_of_qpv[qpvs[0].pk]
        applicant = rng.choice(self.by_town[town])
        first_activity, second_activity, third_activity = rng.sample(activities, 3)
        title = rng.choice(titles)
        if rng.random() < 0.3:
            title += f" — {qpvs[0].name.partition(' (')[0]}"
        chosen_publics = rng.sample(publics, rng.randint(1, min(2, len(publics))))
        starts = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        ends = starts + datetime.timedelta(days=rng.randrange(60, 730))
        codes = list(element_codes)
        if rng.random() < 1 / 7:
            codes.append(rng.choice([code for code in ELEMENTS if code not in element_codes]))
        partner_count = rng.choices([0, 1, 2, 3], weights=[8, 40, 35, 17])[0]
        partners = [s for s in rng.sample(self.by_town[town], partner_count + 1) if s.pk != applicant.pk]
        return {
            "call": call, "applicant": applicant, "title": title[:200],
            "purpose": rng.choice(OPENINGS).format(rng.choice(purposes))[:256],
            "objectives": rng.choice(ACTIVITY_FRAMES).format(first_activity, second_activity)
            + f" Nous prévoyons aussi {third_activity}.",
            "description": " ".join([rng.choice(PLACES), rng.choice(SCHEDULES), rng.choice(PARTNERS_SENTENCES),
                                     rng.choice(EVALUATIONS)]),
            "public_description": ", ".join(with_ages(p) for p in chosen_publics),
            "age_bands": sorted({band for p in chosen_publics for band in AGE_BANDS.get(p, [])}),
            "public_count": rng.choice([15, 20, 30, 40, 60, 80, 120, 200, 300]),
            "qpv_share": rng.choice([50, 60, 70, 80, 90, 100]), "starts_on": starts, "ends_on": ends,
            "years": min(3, 1 + (ends - starts).days // 365),
            "means": "Un coordinateur à mi-temps, deux animateurs, des bénévoles ; la salle du centre social.",
            "qpvs": qpvs, "partners": partners[:partner_count], "elements": codes,
            "activity": first_activity, "action": action,
        }  # fmt: skip

    def competitor(self, base: dict) -> dict:
        """Another structure of the town, same QPV, same public, same action written again, overlapping period."""
        rng = self.rng
        qpv = rng.choice(base["qpvs"])
        other = self.draft(base["call"], base["starts_on"].year, base["action"], [qpv])
        town = self.town_of_qpv[qpv.pk]
        other["applicant"] = rng.choice([s for s in self.by_town[town] if s.pk != base["applicant"].pk])
        other["partners"] = [p for p in other["partners"] if p.pk != other["applicant"].pk]
        other["public_description"] = base["public_description"].split(", ")[0]
        other["age_bands"] = base["age_bands"]
        starts = base["starts_on"] + datetime.timedelta(days=rng.randrange(-120, 120))
        other["starts_on"] = starts
        other["ends_on"] = max(starts + datetime.timedelta(days=60), base["starts_on"] + datetime.timedelta(days=30),
                               other["ends_on"])  # fmt: skip
        other["years"] = min(3, 1 + (other["ends_on"] - starts).days // 365)
        return other

    def duplicate(self, base: dict, calls: list) -> dict:
        """The same structure submits the same action again to another call: a sentence dropped, words changed."""
        rng = self.rng
        sentences = base["description"].split(". ")
        del sentences[rng.randrange(len(sentences))]
        description = ". ".join(sentences)
        for old, new in rng.sample(EDITS, 2):
            description = description.replace(old, new, 1)
        shift = datetime.timedelta(days=rng.randrange(-60, 60))
        return {
            **base,
            "call": rng.choice([c for c in calls if c.pk != base["call"].pk]),
            "description": description,
            "starts_on": base["starts_on"] + shift,
            "ends_on": base["ends_on"] + shift,
        }

    def applications(self, total: int, committee: int, small: int) -> None:
        rng = self.rng
        calls = [self.call(name, year, status, self.epci, self.contract, n) for n, (name, year, status, _) in
                 enumerate(CALLS, start=1)]  # fmt: skip
        self.committee_call, self.small_call = calls[0], calls[1]
        actions = [action for theme in ACTIONS.values() for action in theme]
        rest = total - committee - small
        competing, duplicates = round(rest * COMPETING_SHARE), round(rest * DUPLICATE_SHARE)
        background = rest - competing - duplicates
        shares = [share for *_, share in CALLS[2:]]
        drafts = []
        for call, count in ((calls[0], committee), (calls[1], small)):
            drafts += [self.draft(call, CALLS[0][1], rng.choice(actions)) for _ in range(count)]
        for _ in range(background):
            call = rng.choices(calls[2:], weights=shares)[0]
            year = next(y for name, y, *_ in CALLS if name == call.name)
            drafts.append(self.draft(call, year, rng.choice(actions)))
        # Planted pairs start from the other calls, so that the committee and small calls keep their sizes.
        bases = rng.sample(range(committee + small, len(drafts)), competing + duplicates)
        self.planted = {"competing": [], "duplicates": []}
        for k, base_row in enumerate(bases):
            base = drafts[base_row]
            if k < competing:
                other = self.competitor(base)
                self.planted["competing"].append((base_row, len(drafts)))
            else:
                other = self.duplicate(base, [c for c in calls if c.pk not in (calls[0].pk, calls[1].pk)])
                self.planted["duplicates"].append((base_row, len(drafts)))
            drafts.append(other)
        rows = self.write_applications(drafts, calls)
        self.pool = rows
        self.calls = calls
        self.counts["applications"] = len(rows)
        self.counts["calls_on_epci"] = len(calls)
        self.counts["planted_competing"] = competing
        self.counts["planted_duplicates"] = duplicates

    def write_applications(self, drafts: list[dict], calls: list) -> list:
        """Applications, their QPVs, partners, budgets, served elements and indicators; then the decisions and
        reviews of each call."""
        from cooperer.calls.models import Application, BudgetLine, Indicator, Partner, ServedElement

        rng = self.rng
        fields = ["title", "purpose", "objectives", "description", "public_description", "public_count",
                  "age_bands", "qpv_share", "starts_on", "ends_on", "years", "means"]  # fmt: skip
        objects = []
        for draft in drafts:
            call = draft["call"]
            window = int((call.closes_at - datetime.datetime.combine(call.opens_on, datetime.time(8), datetime.UTC))
                         .total_seconds())  # fmt: skip
            submitted_at = datetime.datetime.combine(call.opens_on, datetime.time(8), datetime.UTC) + (
                datetime.timedelta(seconds=rng.randrange(window))
            )
            objects.append(
                Application(
                    call=call, applicant=draft["applicant"], republican_commitment=True, status="submitted",
                    submitted_at=submitted_at, created_by=self.user,
                    created_at=submitted_at - datetime.timedelta(days=rng.randint(1, 40)),
                    **{name: draft[name] for name in fields},
                )
            )  # fmt: skip
        rows = Application.objects.bulk_create(objects, batch_size=2000)
        through = Application.qpvs.through
        through.objects.bulk_create(
            (through(application_id=a.pk, qpv_id=q.pk) for a, d in zip(rows, drafts, strict=True) for q in d["qpvs"]),
            batch_size=5000,
        )  # fmt: skip
        roles = ["operationnel", "operationnel", "co_porteur", "orienteur", "financeur"]
        Partner.objects.bulk_create(
            (
                Partner(application_id=a.pk, structure_id=s.pk, role=rng.choice(roles),
                        contribution=rng.choice(["Met à disposition une salle", "Oriente des participants",
                                                 "Co-anime les ateliers", "Apporte un éducateur"]))
                for a, d in zip(rows, drafts, strict=True)
                for s in d["partners"]
            ),
            batch_size=5000,
        )  # fmt: skip
        lines, requested = [], {}
        for application in rows:
            budget, asked = self.budget(application.pk)
            lines += budget
            requested[application.pk] = asked
        BudgetLine.objects.bulk_create(lines, batch_size=5000)
        ServedElement.objects.bulk_create(
            (
                ServedElement(application_id=a.pk, element_id=self.elements[code].pk,
                              justification=f"Le projet y contribue par {d['activity']}."[:500])
                for a, d in zip(rows, drafts, strict=True)
                for code in dict.fromkeys(d["elements"])
            ),
            batch_size=5000,
        )  # fmt: skip
        indicators = []
        for application in rows:
            for name, target in rng.sample(INDICATORS, rng.randint(1, 2)):
                indicators.append(
                    Indicator(application_id=application.pk, name=name,
                              target=target.format(n=rng.choice([20, 40, 80, 150]), p=rng.choice([60, 70, 80, 90])))
                )  # fmt: skip
        Indicator.objects.bulk_create(indicators, batch_size=5000)
        self.counts["qpv_links"] = sum(len(d["qpvs"]) for d in drafts)
        self.counts["partners"] = sum(len(d["partners"]) for d in drafts)
        self.counts["budget_lines"] = len(lines)
        self.counts["served_elements"] = sum(len(set(d["elements"])) for d in drafts)
        self.counts["indicators"] = len(indicators)
        by_call = {call.pk: [a for a in rows if a.call_id == call.pk] for call in calls}
        decided_share = {calls[0].pk: 1 / 3, calls[1].pk: 1 / 3, calls[2].pk: 0.7}
        reviewed_share = {calls[0].pk: 1 / 3, calls[1].pk: 1 / 3, calls[2].pk: 0.2}
        self.counts["decisions"] = self.counts["grants_on_epci"] = self.counts["reviews"] = 0
        for call in calls:
            applications = list(by_call[call.pk])
            rng.shuffle(applications)
            decided = round(len(applications) * decided_share.get(call.pk, 0))
            reviewed = round(len(applications) * reviewed_share.get(call.pk, 0.3))
            self.decide(call, applications[:decided], requested)
            self.review(call, applications[: decided + reviewed])
            self.opinions(applications[: decided + reviewed], requested)
            complements = applications[decided + reviewed :][: len(applications) // 100]
            Application.objects.filter(pk__in=[a.pk for a in complements]).update(status="complements")
        return rows

    def budget(self, application_id: int, funders: list[str] | None = None) -> tuple[list, dict]:
        """A balanced CERFA 12156 budget: charges, subsidies (account 74) by funder, own resources."""
        from cooperer.calls.models import BudgetLine

        rng = self.rng
        total = Decimal(rng.randrange(16, 240) * 250)
        if funders is None:
            funders = rng.sample(["etat", "epci", "caf"], rng.choices([1, 2, 3], weights=[35, 45, 20])[0])
        subsidies = total * Decimal(str(round(rng.uniform(0.5, 0.8), 2)))
        weights = [rng.uniform(1, 3) for _ in funders]
        asked = {f: money(float(subsidies) * w / sum(weights)) for f, w in zip(funders, weights, strict=True)}
        own = total - sum(asked.values())
        staff = (total * Decimal("0.6")).quantize(Decimal("1"))
        purchases = (total * Decimal("0.15")).quantize(Decimal("1"))
        lines = [
            BudgetLine(application_id=application_id, account="64", label="Rémunération des personnels", amount=staff),
            BudgetLine(application_id=application_id, account="60", label="Achats de fournitures", amount=purchases),
            BudgetLine(application_id=application_id, account="61", label="Locations et assurances",
                       amount=total - staff - purchases),
            *(BudgetLine(application_id=application_id, account="74", funder=f, amount=a, label="Subvention demandée")
              for f, a in asked.items()),
            BudgetLine(application_id=application_id, account="75", label="Cotisations et fonds propres", amount=own,
                       acquired=True),
        ]  # fmt: skip
        if rng.random() < 0.1:
            kind = money(rng.uniform(500, 5000))
            lines += [
                BudgetLine(application_id=application_id, account="86", label="Mise à disposition de locaux",
                           amount=kind),
                BudgetLine(application_id=application_id, account="87", label="Bénévolat", amount=kind, acquired=True),
            ]  # fmt: skip
        return lines, asked

    def decide(self, call, applications: list, requested: dict) -> None:
        from cooperer.calls.models import Application, Decision, Grant

        rng = self.rng
        year = call.closes_at.year + 1
        outcomes = rng.choices(["accordee", "partielle", "refusee", "ajournee"], weights=[50, 20, 25, 5],
                               k=len(applications))  # fmt: skip
        decisions = Decision.objects.bulk_create(
            (
                Decision(application_id=a.pk, outcome=outcome, motivation=rng.choice(MOTIVATIONS),
                         committee="Comité de programmation du contrat de ville",
                         decided_on=datetime.date(year, 3, 1) + datetime.timedelta(days=rng.randrange(60)),
                         recorded_by=self.user)
                for a, outcome in zip(applications, outcomes, strict=True)
            ),
            batch_size=2000,
        )  # fmt: skip
        funders = {f.funder: f for f in call.funder_rows}
        grants = []
        for application, decision, outcome in zip(applications, decisions, outcomes, strict=True):
            if outcome not in ("accordee", "partielle"):
                continue
            for funder, amount in requested[application.pk].items():
                if outcome == "partielle":
                    amount = money(float(amount) * rng.uniform(0.5, 0.9))
                grants.append(
                    Grant(decision_id=decision.pk, call_funder_id=funders[funder].pk, amount=amount,
                          convention_reference=f"CONV-{year}-{funder.upper()}-{decision.pk:06d}",
                          convention_date=decision.decided_on + datetime.timedelta(days=rng.randint(10, 40)),
                          payment_conditions=rng.choice(["unique", "unique", "échelonné"]))
                )  # fmt: skip
        Grant.objects.bulk_create(grants, batch_size=2000)
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(status="decided")
        self.counts["decisions"] += len(decisions)
        self.counts["grants_on_epci"] += len(grants)

    def opinions(self, applications: list, requested: dict) -> None:
        """Each funder asked for money gives its opinion to the committee (when this version of the models has
        opinions)."""
        from cooperer.calls import models

        opinion = getattr(models, "Opinion", None)
        if opinion is None:
            return
        rng = self.rng
        rows = []
        for application in applications:
            for funder, amount in requested[application.pk].items():
                verdict = rng.choices(["favorable", "reserve", "defavorable"], weights=[55, 25, 20])[0]
                rows.append(
                    opinion(application_id=application.pk, funder=funder, verdict=verdict, by=self.instructor,
                            amount=None if verdict == "defavorable" else money(float(amount) * rng.uniform(0.6, 1)),
                            comment=rng.choice(["", "Projet solide, partenariat à formaliser.",
                                                "Budget de personnel à justifier."]))
                )  # fmt: skip
        opinion.objects.bulk_create(rows, batch_size=5000)
        self.counts["opinions"] = self.counts.get("opinions", 0) + len(rows)

    def review(self, call, applications: list) -> None:
        from cooperer.calls.models import Application, Review

        rng = self.rng
        reviews = [
            Review(application_id=a.pk, criterion_id=c.pk, reviewer=reviewer, score=rng.randint(1, 5),
                   comment=rng.choice(["", "", "Partenariat solide.", "Évaluation à préciser."]))
            for a in applications
            for reviewer in (self.user, self.instructor)
            for c in call.criteria_rows
        ]  # fmt: skip
        Review.objects.bulk_create(reviews, batch_size=5000)
        Application.objects.filter(pk__in=[a.pk for a in applications], status="submitted").update(
            status="reviewed"
        )
        self.counts["reviews"] += len(reviews)

    # --- The SCDL call --------------------------------------------------------------------------------

    def scdl(self, grant_count: int) -> None:
        """A call of another EPCI whose decided applications carry `grant_count` grants (3 funders each)."""
        from cooperer.calls.models import Application, BudgetLine, Decision, Grant

        rng = self.rng
        call = self.call(
            "Politique de la ville 2025 — Val", 2025, "closed", self.scdl_epci, self.scdl_contract, 9
        )
        self.scdl_call = call
        actions = [action for theme in ACTIONS.values() for action in theme]
        count = math.ceil(grant_count / 3)
        objects = []
        for n in range(count):
            titles, purposes, activities, publics, _ = rng.choice(actions)
            purpose = rng.choice(OPENINGS).format(rng.choice(purposes))
            if n % 200 == 0:
                purpose = "- " + purpose  # a dash first: the writer must protect it from spreadsheets
            starts = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(300))
            objects.append(
                Application(
                    call=call, applicant=rng.choice(self.structure_list), title=rng.choice(titles),
                    purpose=purpose[:256], objectives=f"Nous proposons {rng.choice(activities)}.",
                    public_description=with_ages(rng.choice(publics)), starts_on=starts,
                    ends_on=starts + datetime.timedelta(days=rng.randrange(60, 365)), republican_commitment=True,
                    status="decided", created_by=self.user,
                    submitted_at=datetime.datetime(2024, 12, 1, 9, tzinfo=datetime.UTC)
                    + datetime.timedelta(minutes=rng.randrange(20_000)),
                )
            )  # fmt: skip
        applications = Application.objects.bulk_create(objects, batch_size=2000)
        lines = []
        for application in applications:
            lines += self.budget(application.pk, ["etat", "epci", "caf"])[0]
        BudgetLine.objects.bulk_create(lines, batch_size=5000)
        decisions = Decision.objects.bulk_create(
            (
                Decision(application_id=a.pk, outcome="accordee", motivation=rng.choice(MOTIVATIONS),
                         committee="Comité de programmation du Val",
                         decided_on=datetime.date(2025, 3, 1) + datetime.timedelta(days=rng.randrange(90)),
                         recorded_by=self.user)
                for a in applications
            ),
            batch_size=2000,
        )  # fmt: skip
        grants = []
        for decision in decisions:
            for funder in call.funder_rows:
                if len(grants) == grant_count:
                    break
                grants.append(
                    Grant(decision_id=decision.pk, call_funder_id=funder.pk, amount=money(rng.uniform(800, 40_000)),
                          convention_reference=f"{funder.funder.upper()}-2025-{len(grants):06d}",
                          convention_date=decision.decided_on + datetime.timedelta(days=rng.randint(10, 40)),
                          payment_conditions=rng.choice(["unique", "unique", "échelonné", "60 % à la signature, "
                                                         "le solde sur bilan"]),
                          in_kind=rng.random() < 0.02)
                )  # fmt: skip
        Grant.objects.bulk_create(grants, batch_size=5000)
        self.counts["scdl_applications"] = len(applications)
        self.counts["scdl_budget_lines"] = len(lines)
        self.counts["scdl_grants"] = len(grants)


# --- Measures -----------------------------------------------------------------------------------------


def slowest(queries: list[dict], count: int = 3) -> list[dict]:
    return [
        {"ms": round(q["ms"], 1), "sql": q["sql"][:200]}
        for q in sorted(queries, key=lambda query: -query["ms"])[:count]
    ]


def measure_page(client, name: str, url: str, repeat: int) -> dict:
    client.get(url)  # warm-up: templates, connection, query plans
    response, queries, _ = captured_get(client, url)
    result = page_figures(response, queries, timed_gets(client, url, repeat=repeat))
    result["slowest_queries"] = slowest(queries)
    log(f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} requêtes SQL "
        f"({result['sql_ms']} ms), {result['kb']} ko")  # fmt: skip
    return result


def read_report(html: str) -> dict:
    """What one instruction page shows: overlaps listed, consortium, double submissions, coherence."""
    section = html.partition('id="recouvrements"')[2].partition('id="historique"')[0]
    return {
        "overlap_rows": max(0, section.count("<tr>") - 1),
        "consortium": 'id="consortium"' in section,
        "duplicates_flagged": section.count('badge--warning">dépôt en double'),
        "eligible": "Toutes les conditions de dépôt sont remplies." in html,
        "elements_supported": html.count("le texte du projet le soutient"),
        "history_items": html.partition('id="historique"')[2].partition('id="evaluation"')[0].count("<li>"),
    }


def measure_instruction(client, builder: Builder, args) -> dict:
    from django.urls import reverse

    from cooperer.calls import report
    from cooperer.calls.models import Application

    rng = random.Random(args.seed + 1)
    pool = list(builder.pool)
    chosen = rng.sample(pool, args.reports + 1)

    def url(application) -> str:
        return reverse("calls:instruction", args=[application.call_id, application.pk])

    log("rapport d'instruction : première requête du processus (construction de l'index)")
    response, queries, cold_ms = captured_get(client, url(chosen[0]))
    cold = {
        "cold_first_request_ms": round(cold_ms, 1),
        "cold_queries": len(queries),
        "cold_sql_ms": round(sum(q["ms"] for q in queries), 1),
        "cold_slowest_queries": slowest(queries),
    }
    log(f"  à froid : {cold_ms:.0f} ms, {len(queries)} requêtes SQL ({cold['cold_sql_ms']} ms)")
    log(f"rapport d'instruction : {args.reports} autres demandes, index en cache")
    times = []
    for application in chosen[1:]:
        began = time.perf_counter()
        client.get(url(application))
        times.append((time.perf_counter() - began) * 1000)
    counts, sql_ms, everything, shown = [], [], [], []
    for application in chosen[1:]:
        response, queries, _ = captured_get(client, url(application))
        counts.append(len(queries))
        sql_ms.append(sum(q["ms"] for q in queries))
        everything += queries
        shown.append(read_report(response.content.decode()))
    warm = {
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "requests": len(times),
        "queries_min": min(counts),
        "queries_max": max(counts),
        "sql_ms_median": round(percentile(sql_ms, 0.5), 1),
        "slowest_queries": slowest(everything),
        "kb": round(len(response.content) / 1024, 1),
    }
    log(
        f"  à chaud : p50 {warm['p50_ms']} ms, p95 {warm['p95_ms']} ms, {min(counts)}–{max(counts)} requêtes SQL"
    )
    log("rapport d'instruction : étapes mesurées à part")
    epci_id = builder.epci.pk
    submitted = Application.objects.filter(call__epci_id=epci_id).exclude(status__in=["draft", "merged"])
    began = time.perf_counter()
    projects = report._projects(submitted)
    load_s = time.perf_counter() - began
    from django.db.models import Count, Max

    from cooperer.analysis import overlaps as engine
    from cooperer.territories.models import Qpv

    names = dict(Qpv.objects.filter(applications__in=submitted).values_list("code", "name").distinct())
    began = time.perf_counter()
    index = engine.OverlapIndex(projects, qpv_names=names)
    build_s = time.perf_counter() - began
    report._INDEXES.clear()
    from django.core.cache import cache

    cache.clear()  # the stored index too: the whole cold path is measured
    began = time.perf_counter()
    report.overlap_index(epci_id)
    whole_s = time.perf_counter() - began
    loaded = [
        Application.objects.select_related("call__epci", "call__contract", "applicant").get(pk=a.pk)
        for a in chosen[1:]
    ]
    build_times = []
    for application in loaded:
        began = time.perf_counter()
        report.build(application)
        build_times.append((time.perf_counter() - began) * 1000)
    parts = {
        "index_projects": len(index),
        "index_vocabulary": len(index.vectoriser.terms),
        "index_rebuilt_s": round(whole_s, 2),
        "index_load_from_db_s": round(load_s, 2),
        "index_vectorise_s": round(build_s, 2),
        "signature_query_ms": median_ms(
            lambda: submitted.aggregate(n=Count("pk"), last=Max("pk"), at=Max("submitted_at"))
        ),
        "report_build_p50_ms": round(percentile(build_times, 0.5), 1),
        "report_build_p95_ms": round(percentile(build_times, 0.95), 1),
        "index_overlaps_ms": median_ms(lambda: [index.overlaps(str(a.pk), limit=8) for a in loaded], 3)
        / len(loaded),
    }
    parts["index_overlaps_ms"] = round(parts["index_overlaps_ms"], 2)
    checks = {
        "overlap_rows_per_report": round(sum(s["overlap_rows"] for s in shown) / len(shown), 1),
        "reports_with_consortium": sum(s["consortium"] for s in shown),
        "reports_with_double_submission": sum(s["duplicates_flagged"] > 0 for s in shown),
        "reports_eligible": sum(s["eligible"] for s in shown),
        "elements_supported_per_report": round(sum(s["elements_supported"] for s in shown) / len(shown), 1),
        "history_items_per_report": round(sum(s["history_items"] for s in shown) / len(shown), 1),
    }
    return {
        **cold,
        "warm": warm,
        "parts": parts,
        "checks": checks,
        "target_ms": TARGET_REPORT_MS,
        "met": warm["p95_ms"] <= TARGET_REPORT_MS,
    }


def measure_committee(client, builder: Builder, args) -> dict:
    from django.urls import reverse

    from cooperer.calls.models import Application, Grant

    per_call = {}
    html = {}
    for name, call in (("large", builder.committee_call), ("small", builder.small_call)):
        url = reverse("calls:committee", args=[call.pk])
        log(f"comité : appel de {Application.objects.filter(call=call).count()} demandes ({name})")
        per_call[name] = measure_page(client, f"committee_{name}", url, args.repeat)
        html[name] = client.get(url).content.decode()
    checks = {}
    for name, call in (("large", builder.committee_call), ("small", builder.small_call)):
        caption = re.search(r"Demandes déposées \((\d+)\)", html[name])
        checks[name] = {
            "rows_shown": int(caption.group(1)) if caption else None,
            "rows_expected": Application.objects.submitted().filter(call=call).count(),
            "to_decide_links": html[name].count("décider<span"),
            "decided": Application.objects.filter(call=call, status="decided").count(),
            "grants": Grant.objects.filter(call_funder__call=call).count(),
        }
    equal = per_call["large"]["queries"] == per_call["small"]["queries"]
    return {
        **per_call,
        "queries_equal": equal,
        "checks": checks,
        "target_ms": TARGET_COMMITTEE_MS,
        "met": equal and per_call["large"]["p95_ms"] <= TARGET_COMMITTEE_MS,
    }


# Runs a command and writes its peak RSS, as `/usr/bin/time -v` does. Needed because a child started directly
# from this process inherits this process's peak in its own ru_maxrss (Linux records, at exec, the high-water
# mark of the memory the child leaves, which is this process's under vfork or a copy of it under fork): the
# command's peak would read as at least this process's, about the size of the generated data. Started from this
# small intermediate, the command's ru_maxrss is its own (plus at most the intermediate's ~10 MB).
RSS_WRAPPER = """
import json, resource, subprocess, sys
completed = subprocess.run(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": completed.returncode, "max_rss_kb": usage.ru_maxrss}, out)
sys.exit(completed.returncode)
"""


def max_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # kilobytes on Linux


def validate_scdl(path: Path, schema: Path) -> dict:
    """The official Table Schema, with frictionless (the file is given by name under its folder: frictionless
    refuses absolute paths that are not under its base path)."""
    from frictionless import Resource, Schema

    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    began = time.perf_counter()
    report = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(descriptor)).validate(
        limit_errors=100_000
    )  # fmt: skip
    errors = [error for task in report.tasks for error in task.errors]
    kinds: dict[str, int] = {}
    for error in errors:
        kinds[error.type] = kinds.get(error.type, 0) + 1
    return {
        "schema": schema.name,
        "valid": report.valid,
        "errors": len(errors),
        "error_types": kinds,
        "first_errors": [error.message[:200] for error in errors[:3]],
        "rows": report.tasks[0].stats["rows"] if report.tasks else None,
        "validate_s": round(time.perf_counter() - began, 1),
    }


def measure_scdl_view(call) -> dict:
    """`calls:scdl` through django.test.Client, the body read to the end (streamed or not): wall time, then the
    peak of Python allocations in a second request under tracemalloc."""
    from django.test import Client
    from django.urls import reverse

    client = Client(SERVER_NAME="localhost")
    url = reverse("calls:scdl", args=[call.pk])

    def fetch() -> tuple[int, bool]:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content), True
        return len(response.content), False

    gc.collect()
    began = time.perf_counter()
    size, streamed = fetch()
    wall_s = time.perf_counter() - began
    gc.collect()
    tracemalloc.start()
    fetch()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "streamed": streamed,
        "bytes": size,
        "mb": round(size / 1e6, 1),
        "wall_s": round(wall_s, 2),
        "tracemalloc_peak_mb": round(peak / 1e6, 1),
    }


def measure_scdl(builder: Builder, args, folder: Path) -> dict:
    from cooperer.calls import opendata
    from cooperer.calls.models import Grant

    call = builder.scdl_call
    path = folder / "subventions-appel.csv"
    gc.collect()
    log(f"export SCDL : {builder.counts['scdl_grants']} subventions de l'appel, dans un fichier")
    rss_before = max_rss_mb()
    began = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as out:
        result = opendata.export(out, call)
    export_s = time.perf_counter() - began
    rss_after = max_rss_mb()
    log(f"  {result.written} écrites en {export_s:.1f} s, {len(result.skipped)} non publiées")
    log("export SCDL : la requête seule")
    began = time.perf_counter()
    rows = sum(1 for _ in opendata.grants(call).values(*opendata.FIELDS).iterator(chunk_size=2000))
    query_s = time.perf_counter() - began
    log("export SCDL : de nouveau, sous tracemalloc")
    gc.collect()
    tracemalloc.start()
    with (folder / "subventions-tracemalloc.csv").open("w", encoding="utf-8", newline="") as out:
        opendata.export(out, call)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    (folder / "subventions-tracemalloc.csv").unlink()
    log("export SCDL : la même chose par la vue HTTP calls:scdl (anonyme : la publication est publique)")
    view = measure_scdl_view(call)
    log(f"  {view['mb']} Mo en {view['wall_s']} s, pic tracemalloc {view['tracemalloc_peak_mb']} Mo")
    log("export SCDL : commande export-scdl dans un sous-processus (toutes les subventions)")
    cli_path, rss_path = folder / "subventions-toutes.csv", folder / "rss.json"
    command = [sys.executable, "-m", "cooperer.cli", "export-scdl", "--out", str(cli_path)]
    began = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, str(rss_path), *command],
        cwd=PROJECT_DIR, env=os.environ.copy(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    cli_s = time.perf_counter() - began
    naive_rss = max_rss_mb(resource.RUSAGE_CHILDREN)
    cli_rss = round(json.loads(rss_path.read_text())["max_rss_kb"] / 1024, 1) if rss_path.exists() else None
    written = re.search(r"(\d+) subvention", completed.stdout)
    if completed.returncode:
        log(f"  échec : {completed.stderr[-500:]}")
    log(f"  {completed.stdout.strip()} en {cli_s:.1f} s, RSS max {cli_rss} Mo")
    result_json = {
        "grants": builder.counts["scdl_grants"],
        "written": result.written,
        "skipped": len(result.skipped),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "export_s": round(export_s, 2),
        "grants_per_s": round(result.written / export_s),
        "query_only_s": round(query_s, 2),
        "query_rows": rows,
        "tracemalloc_peak_mb": round(peak / 1e6, 1),
        "rss_max_before_mb": rss_before,
        "rss_max_after_mb": rss_after,
        "rss_max_growth_mb": round(rss_after - rss_before, 1),
        "view": {**view, "same_size_as_file": view["bytes"] == path.stat().st_size},
        "cli": {
            "returncode": completed.returncode,
            "written": int(written.group(1)) if written else None,
            "grants_in_database": Grant.objects.count(),
            # what the command's own connection sees: the national grants, without the planted ones
            "national_grants": Grant.objects.exclude(
                decision__application__call__in=[*builder.calls, builder.scdl_call]
            ).count(),
            "wall_s": round(cli_s, 2),
            "max_rss_mb": cli_rss,
            "max_rss_seen_from_this_process_mb": naive_rss,
        },
    }
    if args.no_validate:
        result_json["validation"] = "non demandée (--no-validate)"
    elif not args.schema.is_file():
        result_json["validation"] = f"schéma absent : {args.schema}"
    else:
        log("export SCDL : validation du fichier par frictionless")
        result_json["validation"] = validate_scdl(path, args.schema)
        log(f"  valide : {result_json['validation']['valid']}, {result_json['validation']['errors']} erreurs")
    peak_mb = max(cli_rss or math.inf, result_json["tracemalloc_peak_mb"])
    result_json["target_s"] = TARGET_EXPORT_S
    result_json["target_mb"] = TARGET_EXPORT_MB
    result_json["met"] = (
        export_s <= TARGET_EXPORT_S
        and cli_s <= TARGET_EXPORT_S
        and peak_mb <= TARGET_EXPORT_MB
        and result.written == builder.counts["scdl_grants"]
    )
    return result_json


def main() -> None:
    args = parse_args()
    load_before = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    import django
    from django.db import connection
    from django.test import Client

    with planted(), tempfile.TemporaryDirectory(prefix="cooperer-bench-calls-") as folder:
        began = time.perf_counter()
        builder = Builder(args.seed)
        builder.national()
        log(
            f"jeu national : {builder.epci}, {builder.counts['qpvs']} QPV, {builder.counts['structures']} structures"
        )
        builder.vision()
        log(
            f"objets plantés (annulés à la fin) : {args.applications} demandes sur {len(CALLS)} appels de l'EPCI"
        )
        builder.applications(args.applications, args.committee, args.small)
        log(f"objets plantés : {args.grants} subventions pour l'export SCDL ({builder.scdl_epci})")
        builder.scdl(args.grants)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE"
                )  # what autovacuum would do after such a load; it sees the planted rows
        generation_s = time.perf_counter() - began
        log(f"  objets plantés en {generation_s:.1f} s, RSS max {max_rss_mb()} Mo")

        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(builder.user)
        instruction = measure_instruction(client, builder, args)
        committee = measure_committee(client, builder, args)
        scdl = measure_scdl(builder, args, Path(folder))
        result = {
            "bench": "calls",
            "database": connection.vendor,
            "database_version": database_version(connection),
            "page_cache": django.conf.settings.COOPERER_PAGE_CACHE,
            "epci": builder.epci.name,
            "data": builder.counts,
            "instruction": instruction,
            "committee": committee,
            "scdl": scdl,
            "met": {"instruction": instruction["met"], "committee": committee["met"], "scdl": scdl["met"]},
            "generation_s": round(generation_s, 1),
            **figures,
            **machine(load_before, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés annulés (rollback)")


if __name__ == "__main__":
    main()
