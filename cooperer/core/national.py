"""The national data set shared by the benchmarks (`cooperer generate-national`, docs/national-dataset.md).

At `scale=1.0`: the 1,584 QPVs with their real contours and real context indicators (read from the official files
through the project's importers), 50,000 structures, 200,000 cooperation links, 500 communities of action,
1,000,000 contributions, 20,000 applications, 100,000 grants and 1,000,000 measurements with their running totals.
Everything generated is fictional and marked so (`is_demo`, « (fictif) » / « (fictive) » in names). The same seed
gives the same data set (`key_figures()` is the same), on SQLite as on PostgreSQL.

The big tables are written without the ORM: ids are chosen here (the database is empty), rows go through
`executemany` on SQLite (WAL, synchronous=OFF while generating) and `COPY` on PostgreSQL; the full-text indexes
(core/fulltext.py) are dropped before and rebuilt once after, instead of one trigger or one GIN update per row."""

import csv
import datetime
import hashlib
import json
import math
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

from cooperer.core.text import search_document
from cooperer.core.validators import luhn_ok

# Sizes at scale 1.0 (the national scale). The 1,584 QPVs are not scaled.
SIZES = {
    "structures": 50_000,
    "links": 200_000,
    "communities": 500,
    "contributions": 1_000_000,
    "applications": 20_000,
    "grants": 100_000,
    "measurements": 1_000_000,
}
QPV_COUNT = 1584
PASSWORD = "cooperer-national-2030"
ACCOUNT_DOMAIN = "national.cooperer.fr"
# Official files read from the reference folder (laid out like ../shared/data), in order.
REFERENCE_FILES = [
    "communes/ds_api_geo/departements.json",
    "communes/communes_france_geoapi.csv",
    "qpv/qpv2024_contours_simplified.json.gz",
]
CONTEXT_FILE = Path("qpv") / "indicateurs_qpv2024" / "analyse_qpv_2024.csv"
CONTEXT_YEAR = 2020
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
BILAN_INDICATORS = ["personnes_touchees", "habitants_qpv_touches", "seances"]
# Generated squares (no reference folder): real département codes, fictional quartiers.
# QPVs per generated EPCI: a few large metropolises, then small agglomerations of 4.
SQUARE_EPCI_SIZES = [80, 50, 40, 30, 25, 20, 20, 15, 15, 12, 12, 10, 10, 10, 10]
SQUARE_DEPARTEMENTS = [
    "13",
    "59",
    "69",
    "93",
    "94",
    "95",
    "31",
    "33",
    "34",
    "67",
    "68",
    "42",
    "76",
    "62",
    "44",
]

LEGAL_FORMS = [  # (legal form, share, name patterns)
    ("association", 52, ["Association {w} {c}", "Les Amis de {c}", "{w} en Quartiers", "Collectif {w} {c}"]),
    ("centre_social", 8, ["Centre social {c}", "Espace de vie sociale {c}"]),
    ("mjc", 5, ["MJC {c}", "Maison des jeunes {c}"]),
    ("collectif_habitants", 8, ["Collectif d'habitants {c}", "Habitants de {c}"]),
    ("ecole", 7, ["Collège {w}", "École {w}", "Lycée {w}"]),
    ("bailleur", 3, ["{w} Habitat", "Office {w} de l'habitat"]),
    ("commune", 3, ["Ville de {c}, service jeunesse", "Ville de {c}, politique de la ville"]),
    ("entreprise", 6, ["{w} Insertion SCOP", "Régie de quartier {c}"]),
    ("fondation", 2, ["Fondation {w}"]),
    ("caf", 2, ["CAF, antenne {c}"]),
    ("etat", 2, ["Délégation du préfet, {c}"]),
    ("autre", 2, ["Plateforme {w} {c}"]),
]
WORDS = [
    "Solidaire", "Horizon", "Passerelle", "Ensemble", "Trait d'union", "Les Voisins", "Rebond", "Envol", "Cap",
    "Jeunesse", "Culture", "Sport", "Jardins", "Tremplin", "Relais", "Les Ponts", "Savoirs", "Grand Angle",
    "Parenthèse", "Escale", "Boussole", "Médiation", "Lien", "Racines", "Éclat", "Élan", "Mosaïque", "Convergence",
]  # fmt: skip
LINK_KINDS = ["partenariat", "orientation", "cofinancement", "mutualisation", "reseau", "coportage"]
COMMUNITY_OBJECTIVES = [
    "L'engagement des jeunes dans la vie du quartier",
    "L'accès aux droits des familles",
    "La réussite éducative de la maternelle au lycée",
    "L'emploi des femmes éloignées de l'emploi",
    "Le bien vieillir et le lien entre générations",
    "Un quartier plus vert et plus sûr",
]
OPENINGS = [
    "Je voudrais", "Il faudrait", "On aimerait", "Ce serait bien d'avoir", "Il manque", "Nous voulons",
    "En 2030 je rêve", "Pour les jeunes il faut", "Les familles ont besoin", "Ce qui marche bien c'est",
]  # fmt: skip
SUBJECTS = [
    "un lieu pour les jeunes ouvert le soir", "plus de bancs et d'arbres sur la place", "un marché le samedi",
    "des cours de français pour les parents", "un terrain de foot rénové", "plus de bus vers le centre",
    "une maison de santé avec des médecins", "des ateliers de cuisine entre voisins", "l'aide aux devoirs",
    "des caméras et de l'éclairage dans les halls", "un jardin partagé au pied des immeubles",
    "des emplois pour les jeunes du quartier", "une fête de quartier chaque été", "une salle pour les associations",
    "moins de déchets et de dépôts sauvages", "des pistes cyclables sûres", "un accueil pour les démarches en ligne",
    "des sorties culturelles pour les enfants", "le respect entre générations", "des logements rénovés et isolés",
]  # fmt: skip
ENDINGS = [".", " dans notre quartier.", " près de l'école.", ", c'est urgent.", " pour tout le monde.", " !"]
ACTIONS = [
    "Soirées jeunes", "Aide aux devoirs", "Jardin partagé", "Permanences d'accès aux droits", "Atelier vélo",
    "Cours de français", "Chantiers éducatifs", "Fête de quartier", "Sport au pied des immeubles",
    "Médiation de nuit", "Café des parents", "Forum de l'emploi", "Ateliers numériques", "Théâtre forum",
]  # fmt: skip
VISION_ELEMENTS = [
    "Les jeunes ont des lieux et des adultes pour les accompagner",
    "Les familles accèdent à leurs droits sans se décourager",
    "Les enfants réussissent à l'école et au-delà",
    "Les habitants trouvent un emploi près de chez eux",
    "L'espace public est sûr, propre et vert",
    "Les voisins se connaissent et s'entraident",
]
FUNDERS = [("etat", "État (BOP 147, fictif)"), ("epci", "Intercommunalité (fictif)"),
           ("commune", "Commune (fictif)"), ("caf", "CAF (fictif)"), ("departement", "Département (fictif)")]  # fmt: skip
ROLES = [  # the accounts the benchmarks log in as: (username, first name, role, funder)
    ("admin", "Alex", "admin", ""),
    ("animatrice", "Camille", "animation", ""),
    ("delegue.prefet", "Nadia", "instruction", "etat"),
    ("membre", "Yanis", "structure_member", ""),
]


class NationalDataError(Exception):
    """A reference file is missing or the database cannot be filled; the message is in French."""


def fictional_siret(number: int) -> str:
    """A SIRET of the 000 range (no real establishment's) whose SIREN and SIRET keys are right (Luhn); distinct
    numbers below 10⁹ give distinct SIRETs."""

    def keyed(digits: str) -> str:
        return next(digits + str(key) for key in range(10) if luhn_ok(digits + str(key)))

    return keyed(keyed(f"000{number % 100_000:05d}") + f"{number // 100_000 % 10_000:04d}")


def square(lon: float, lat: float, size: float = 0.01) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def is_empty() -> bool:
    """No territory, structure, user, consultation or application yet."""
    names = [
        "territories.Qpv",
        "actors.Structure",
        "accounts.User",
        "consultations.Contribution",
        "calls.Application",
    ]
    return not any(apps.get_model(name).objects.exists() for name in names)


@contextmanager
def immediate_constraints():
    """PostgreSQL refuses to alter or index a table with deferred foreign-key checks pending (rows written earlier in
    the same transaction, as in a test): they are checked now, and deferred again after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Writer:
    """Inserts rows (tuples in the order of `columns`) fast: COPY on PostgreSQL, executemany on SQLite. The
    columns not given take their field's default, computed once."""

    def __init__(self):
        self.vendor = connection.vendor

    def _value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        if self.vendor == "postgresql":
            return value
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def insert(self, model, columns: list[str], rows) -> int:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        extra = [name for name in fields if name not in columns and name != "id"]
        constants = []
        for name in extra:
            field = fields[name]
            constants.append(self._value(field.get_default()) if field.has_default() or field.null else "")
        names = [fields[name].column for name in columns + extra]
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        count = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([self._value(v) for v in row] + constants)
                        count += 1
                return count
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"
            batch = []
            for row in rows:
                batch.append([self._value(v) for v in row] + constants)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


class NationalDataset:
    def __init__(self, scale: float = 1.0, seed: int = 42, reference_dir: str = "", log=None):
        if not 0 < scale <= 1:
            raise NationalDataError(f"L'échelle doit être comprise entre 0 (exclu) et 1, pas {scale}.")
        self.scale, self.seed, self.reference_dir = scale, seed, reference_dir
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.writer = Writer()
        self.counts, self.timings = {}, {}
        self.sizes = {name: max(1, round(size * scale)) for name, size in SIZES.items()}

    # -- orchestration ------------------------------------------------------------------------------------------

    def check_reference(self) -> None:
        if not self.reference_dir:
            return
        folder = Path(self.reference_dir)
        missing = [name for name in [*REFERENCE_FILES, str(CONTEXT_FILE)] if not (folder / name).is_file()]
        if missing:
            raise NationalDataError(
                f"Fichiers de référence absents de {folder} : {', '.join(missing)}. Indiquez le dossier des "
                "fichiers officiels (--reference-dir ou COOPERER_REFERENCE_DIR), ou --squares pour des "
                "contours générés."
            )

    def generate(self) -> dict:
        self.check_reference()
        began = time.perf_counter()
        self._fast_writes(True)
        try:
            for step in (self.territories, self.context, self.accounts, self.structures, self.links,
                         self.communities, self.consultations, self.visions, self.calls, self.grants,
                         self.measurements, self.rollups, self.indexes):  # fmt: skip
                started = time.perf_counter()
                with transaction.atomic():
                    step()
                self.timings[step.__name__] = round(time.perf_counter() - started, 1)
                self.log(f"{step.__name__} : {self.timings[step.__name__]} s")
        finally:
            self._fast_writes(False)
        self.timings["total"] = round(time.perf_counter() - began, 1)
        return {"counts": self.counts, "timings_s": self.timings}

    def _fast_writes(self, on: bool) -> None:
        with connection.cursor() as cursor:
            if (
                connection.vendor == "sqlite" and not connection.in_atomic_block
            ):  # (not inside a test's transaction)
                cursor.execute("PRAGMA synchronous=OFF" if on else "PRAGMA synchronous=NORMAL")
                if on:
                    cursor.execute("PRAGMA cache_size=-200000")
            elif connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO " + ("off" if on else "DEFAULT"))
        if on:
            self._drop_search_indexes()

    def _drop_search_indexes(self) -> None:
        from cooperer.core import fulltext

        with connection.cursor() as cursor, immediate_constraints():
            for model in fulltext._REGISTRY:
                table = model._meta.db_table
                if connection.vendor == "sqlite":
                    for suffix in ("ai", "ad", "au"):
                        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
                elif connection.vendor == "postgresql":
                    cursor.execute(f"DROP INDEX IF EXISTS {table}_search_fts")

    def indexes(self) -> None:
        """Full-text indexes rebuilt once; PostgreSQL sequences moved past the ids chosen here; statistics and, on
        PostgreSQL, the visibility map (without it, counts and index-only scans read every row again)."""
        from cooperer.core import fulltext

        with immediate_constraints():
            fulltext.install()
        if connection.vendor == "postgresql":
            models = [m for m in apps.get_models() if m._meta.app_label in APP_LABELS]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
                # What autovacuum does after such a load: the statistics and the visibility map (without it,
                # counts and index-only scans read every row again). Not in a transaction (a test's): ANALYZE there.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    # -- territories --------------------------------------------------------------------------------------------

    def territories(self) -> None:
        from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv

        self.fictional_epcis = set()
        if self.reference_dir:
            self._reference_territories()
        else:
            self._square_territories()
        qpvs = list(Qpv.objects.order_by("code").values_list("pk", "code", "name"))
        commune_of = defaultdict(list)
        for qpv_id, commune_id in Qpv.communes.through.objects.order_by("qpv_id", "commune_id").values_list(
            "qpv_id", "commune_id"
        ):
            commune_of[qpv_id].append(commune_id)
        epci_of_commune = dict(Commune.objects.filter(epci__isnull=False).values_list("pk", "epci_id"))
        by_epci = defaultdict(list)
        for qpv_id, _code, _name in qpvs:
            epci = next((epci_of_commune[c] for c in commune_of[qpv_id] if c in epci_of_commune), None)
            if epci is not None:
                by_epci[epci].append(qpv_id)
        epcis = dict(Epci.objects.filter(pk__in=list(by_epci)).values_list("pk", "name"))
        contracts = ContratDeVille.objects.bulk_create(
            ContratDeVille(slug=f"national-{epci_id}", name=f"Contrat de ville de {epcis[epci_id]} (fictif)",
                           pilot_epci_id=epci_id, summary="Contrat généré pour le jeu de données national (fictif).")
            for epci_id in sorted(by_epci)
        )  # fmt: skip
        ContratDeVille.qpvs.through.objects.bulk_create(
            ContratDeVille.qpvs.through(contratdeville_id=c.pk, qpv_id=q)
            for c in contracts
            for q in by_epci[c.pilot_epci_id]
        )
        ContratDeVille.communes.through.objects.bulk_create(
            ContratDeVille.communes.through(contratdeville_id=c.pk, commune_id=commune_id)
            for c in contracts
            for commune_id in sorted({m for q in by_epci[c.pilot_epci_id] for m in commune_of[q]})
        )
        # Each contract: its EPCI, its QPVs and their communes; the largest real EPCI's first (the benchmarks' one).
        self.contracts = sorted(
            [
                {"id": c.pk, "epci": c.pilot_epci_id, "qpvs": by_epci[c.pilot_epci_id],
                 "communes": sorted({m for q in by_epci[c.pilot_epci_id] for m in commune_of[q]})}
                for c in contracts
            ],
            key=lambda c: (c["epci"] in self.fictional_epcis, -len(c["qpvs"]), c["id"]),
        )  # fmt: skip
        self.qpv_names = {pk: name for pk, _code, name in qpvs}
        self.qpv_codes = {pk: code for pk, code, _name in qpvs}
        self.qpv_order = lambda pk: self.qpv_codes[pk]  # Qpv.Meta.ordering
        self.commune_names = dict(
            Commune.objects.filter(pk__in={m for c in self.contracts for m in c["communes"]}).values_list(
                "pk", "name"
            )
        )
        self.counts.update(qpvs=len(qpvs), epcis=len(epcis), contracts=len(contracts))
        weights = [len(c["qpvs"]) for c in self.contracts]
        self.weights = weights

    def _reference_territories(self) -> None:
        from cooperer.territories.importers import import_reference
        from cooperer.territories.models import Commune, Epci

        for name in REFERENCE_FILES:
            self.log(f"  {import_reference(str(Path(self.reference_dir) / name))}")
        # The EPCI of each QPV's communes, from the official context table (siren_epci, lib_epci, COG).
        epcis, commune_epci = {}, {}
        with open(Path(self.reference_dir) / CONTEXT_FILE, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                siren, name, cog = row.get("siren_epci", ""), row.get("lib_epci", ""), row.get("COG", "")
                if len(siren) == 9 and siren.isdigit() and name and cog:
                    epcis[siren] = name
                    commune_epci[cog.zfill(5)] = siren
        Epci.objects.bulk_create(
            [Epci(siren=siren, name=name) for siren, name in sorted(epcis.items())], ignore_conflicts=True
        )
        ids = dict(Epci.objects.values_list("siren", "pk"))
        for commune in Commune.objects.filter(insee_code__in=list(commune_epci), epci__isnull=True):
            commune.epci_id = ids[commune_epci[commune.insee_code]]
            commune.save(update_fields=["epci"])
        self._orphan_communes_to_departement_epcis()

    def _orphan_communes_to_departement_epcis(self) -> None:
        """A QPV commune that the context table does not place in an EPCI joins a per-département one (fictive)."""
        from cooperer.territories.models import Commune, Epci

        orphans = list(
            Commune.objects.filter(qpvs__isnull=False, epci__isnull=True).distinct().order_by("insee_code")
        )
        made = {}
        for _index, commune in enumerate(orphans):
            departement = commune.departement_id or 0
            if departement not in made:
                made[departement] = Epci.objects.create(
                    siren=f"9{len(made):08d}", name=f"Intercommunalité fictive n° {len(made) + 1}"
                )
            commune.epci = made[departement]
            commune.save(update_fields=["epci"])
        self.fictional_epcis |= {epci.pk for epci in made.values()}

    def _square_territories(self) -> None:
        from cooperer.territories.models import Commune, Departement, Epci, Qpv, Region

        region = Region.objects.create(code="00", name="Région fictive")
        departements = {
            code: Departement.objects.create(code=code, name=f"Département {code} (fictif)", region=region)
            for code in SQUARE_DEPARTEMENTS
        }
        sizes = list(SQUARE_EPCI_SIZES)
        while sum(sizes) < QPV_COUNT:
            sizes.append(min(4, QPV_COUNT - sum(sizes)))
        epcis = Epci.objects.bulk_create(
            Epci(siren=f"9{index:08d}", name=f"Intercommunalité fictive n° {index + 1}")
            for index in range(len(sizes))
        )
        communes = Commune.objects.bulk_create(
            Commune(insee_code=f"{SQUARE_DEPARTEMENTS[i % len(SQUARE_DEPARTEMENTS)]}{900 + i // len(SQUARE_DEPARTEMENTS):03d}",
                    name=f"Commune fictive n° {i + 1}", departement=departements[SQUARE_DEPARTEMENTS[i % len(SQUARE_DEPARTEMENTS)]],
                    epci=epcis[i])
            for i in range(len(epcis))
        )  # fmt: skip
        commune_of_qpv = [communes[index] for index, size in enumerate(sizes) for _ in range(size)]
        rows, per_departement = [], defaultdict(int)
        for i in range(QPV_COUNT):
            commune = commune_of_qpv[i]
            departement = int(commune.insee_code[:2])
            number = per_departement[departement]
            per_departement[departement] += 1
            lon, lat = 1 + (i % 40) * 0.05, 44 + (i // 40) * 0.05
            rows.append(Qpv(
                code=f"QN{departement:03d}{number % 100:02d}{'MINC'[number // 100]}",
                name=f"Quartier fictif n° {i + 1}", generation=2024, geometry=square(lon, lat), min_lon=lon,
                min_lat=lat, max_lon=lon + 0.01, max_lat=lat + 0.01, commune_codes=[commune.insee_code],
            ))  # fmt: skip
        made = Qpv.objects.bulk_create(rows, batch_size=500)
        Qpv.communes.through.objects.bulk_create(
            Qpv.communes.through(qpv_id=q.pk, commune_id=commune_of_qpv[i].pk) for i, q in enumerate(made)
        )

    def contract_for(self, rng) -> dict:
        return rng.choices(self.contracts, weights=self.weights)[0]

    def split(self, total: int, among: set[int] | None = None) -> list[int]:
        """`total` shared among the contracts (`among`: only these indices) in proportion to their QPVs (largest
        remainders)."""
        weights = [w if among is None or i in among else 0 for i, w in enumerate(self.weights)]
        weight = sum(weights)
        exact = [total * w / weight for w in weights]
        parts = [int(x) for x in exact]
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[: total - sum(parts)]:
            parts[i] += 1
        return parts

    def share(self, total: int, least: int = 3) -> list[int]:
        """`split` among the active contracts, but the share of one with fewer than `least` structures goes to the
        largest one."""
        parts = self.split(total, self.active)
        for index, part in enumerate(parts):
            if index and len(self.structures_of[index]) < least:
                parts[0] += part
                parts[index] = 0
        return parts

    # -- context indicators -------------------------------------------------------------------------------------

    def context(self) -> None:
        from cooperer.measurement import importers, library
        from cooperer.measurement.models import Indicator, Measurement

        library.ensure_defaults()
        if self.reference_dir:
            result = importers.preview(
                str(Path(self.reference_dir) / CONTEXT_FILE), dictionary=importers.DEMO_DICTIONARY,
                year=CONTEXT_YEAR, skip_unknown=True,
            )  # fmt: skip
            written = importers.commit(result)
            self.counts["context_values"] = written["créées"]
            return
        indicators = list(Indicator.objects.national().filter(kind="context").order_by("code")[:3])
        epci_of = {q: c["epci"] for c in self.contracts for q in c["qpvs"]}
        rows = []
        for indicator in indicators:
            for qpv_id in sorted(self.qpv_codes):
                low, high = (5, 60) if indicator.unit == "pourcent" else (100, 9000)
                rows.append((indicator.pk, epci_of.get(qpv_id), qpv_id, f"qpv:{qpv_id}",
                             datetime.date(CONTEXT_YEAR, 1, 1), datetime.date(CONTEXT_YEAR, 12, 31),
                             Decimal(self.rng.randrange(low, high)), "official_file", "valeurs générées (fictives)", NOW))  # fmt: skip
        self.counts["context_values"] = self.writer.insert(
            Measurement, ["indicator_id", "epci_id", "qpv_id", "scope_key", "period_start", "period_end", "value",
                          "source", "source_label", "recorded_at"], rows,
        )  # fmt: skip

    # -- people and structures ----------------------------------------------------------------------------------

    def accounts(self) -> None:
        from cooperer.accounts.models import RoleAssignment, User

        self.bench_contract = self.contracts[0]
        password = make_password(PASSWORD)
        self.users = {}
        for username, first_name, role, funder in ROLES:
            email = f"{username}@{ACCOUNT_DOMAIN}"
            user = User.objects.create(username=email, email=email, first_name=first_name, last_name="Fictif",
                                       password=password, is_demo=True, is_staff=role == "admin",
                                       is_superuser=role == "admin")  # fmt: skip
            RoleAssignment.objects.create(
                user=user, role=role, funder=funder, epci_id=None if role == "admin" else self.bench_contract["epci"],
                organisation="Organisation fictive du jeu national",
            )  # fmt: skip
            self.users[username] = user
        self.counts["users"] = len(self.users)

    def structures(self) -> None:
        from cooperer.actors.demo import THEMES
        from cooperer.actors.models import Structure, Theme

        rng, count = self.rng, self.sizes["structures"]
        # The thematiques of the demo, 1 to 3 a structure, drawn from a sequence of their own: the rest of the data
        # set is the same with or without them.
        Theme.objects.bulk_create([Theme(name=name, description=text) for name, text in THEMES.items()])
        themes = list(Theme.objects.filter(name__in=THEMES).values_list("pk", "name"))
        theme_rng, theme_rows = random.Random(f"{self.seed}-thematiques"), []
        forms = [f for f, _s, _p in LEGAL_FORMS]
        shares = [s for _f, s, _p in LEGAL_FORMS]
        patterns = {f: p for f, _s, p in LEGAL_FORMS}
        labels = dict(Structure._meta.get_field("legal_form").choices)
        local_law = {"57", "67", "68"}
        start = self.next_id(Structure)
        self.structures_of = defaultdict(list)  # contract index → structure ids
        self.structure_names = {}
        rows, qpv_rows = [], []
        parts = self.split(count)
        number = 0
        for index, contract in enumerate(self.contracts):
            for _ in range(parts[index]):
                pk = start + number
                number += 1
                form = rng.choices(forms, weights=shares)[0]
                commune = rng.choice(contract["communes"])
                commune_name = self.commune_names.get(commune, "")
                qpvs = rng.sample(contract["qpvs"], min(len(contract["qpvs"]), rng.choice([1, 1, 1, 2])))
                base = rng.choice(patterns[form]).format(w=rng.choice(WORDS), c=commune_name or "Quartier")
                suffix = f"n° {number} (fictive)"
                name = f"{base} {suffix}"
                siret = fictional_siret(number) if form != "collectif_habitants" else ""
                departement = self.qpv_codes[qpvs[0]][2:5].lstrip("0")
                is_association = form == "association"
                if is_association and departement in local_law:
                    form = "association_droit_local"
                rna = f"W{number:09d}" if is_association and form == "association" else ""
                court = f"Tribunal judiciaire, vol. {number}" if form == "association_droit_local" else ""
                chosen = theme_rng.sample(themes, theme_rng.randint(1, 3))
                theme_rows.extend((pk, theme) for theme, _name in chosen)
                text = search_document(  # as actors.services.refresh_search_text, the name in two cached parts
                    base, suffix, "", " ".join(name for _pk, name in sorted(chosen, key=lambda t: t[1])), "",
                    commune_name,
                    " ".join(f"{self.qpv_names[q]} {self.qpv_codes[q]}" for q in sorted(qpvs, key=self.qpv_order)),
                    labels.get(form, ""),
                )  # fmt: skip
                rows.append(
                    (pk, name, form, siret, rna, court, commune, rng.random() < 0.6, True, text, NOW, NOW)
                )
                qpv_rows.extend((pk, q) for q in qpvs)
                self.structures_of[index].append(pk)
                self.structure_names[pk] = name
        written = self.writer.insert(
            Structure, ["id", "name", "legal_form", "siret", "rna", "court_register", "commune_id", "public_listing",
                        "is_demo", "search_text", "created_at", "updated_at"], rows,
        )  # fmt: skip
        self.writer.insert(Structure.qpvs.through, ["structure_id", "qpv_id"], qpv_rows)
        self.writer.insert(Structure.themes.through, ["structure_id", "theme_id"], theme_rows)
        self.counts["structure_themes"] = len(theme_rows)
        # The contracts where something happens (all of them at the national scale; the largest ones at small
        # scales): they get a consultation, visions and calls.
        self.active = {index for index in range(len(self.contracts)) if self.structures_of[index]} | {0}
        self.counts["structures"] = written

    def links(self) -> None:
        from cooperer.actors.models import CooperationLink

        rng, parts = self.rng, self.share(self.sizes["links"])
        start = self.next_id(CooperationLink)
        rows = []
        for index, wanted in enumerate(parts):
            members = self.structures_of[index]
            if len(members) < 2:
                continue
            for _ in range(wanted):
                source, target = rng.sample(members, 2)
                year = rng.randint(2019, 2026)
                end = datetime.date(year + rng.randint(1, 3), 12, 31) if rng.random() < 0.3 else None
                rows.append((start + len(rows), source, target, rng.choice(LINK_KINDS),
                             datetime.date(year, rng.randint(1, 12), 1), end, "Lien fictif", True, NOW))  # fmt: skip
        self.counts["links"] = self.writer.insert(
            CooperationLink, ["id", "source_id", "target_id", "kind", "start", "end", "description", "is_demo",
                              "created_at"], rows,
        )  # fmt: skip

    # -- communities --------------------------------------------------------------------------------------------

    def communities(self) -> None:
        from cooperer.communities.models import Community, Membership

        rng, parts = self.rng, self.share(self.sizes["communities"])
        made, memberships = [], []
        for index, wanted in enumerate(parts):
            contract = self.contracts[index]
            for _number in range(wanted):
                made.append((index, Community(
                    name=f"Communauté d'action fictive n° {len(made) + 1}", kind=rng.choice(
                        ["communaute_action", "impact_collectif"]), epci_id=contract["epci"], contract_id=contract["id"],
                    objective=rng.choice(COMMUNITY_OBJECTIVES), phase=rng.choice(["prefiguration", "structuration",
                                                                                  "perennisation"]),
                    started_on=datetime.date(rng.randint(2020, 2025), rng.randint(1, 12), 1), is_demo=True,
                )))  # fmt: skip
        communities = Community.objects.bulk_create([c for _i, c in made])
        through = Community.qpvs.through
        through.objects.bulk_create(
            through(community_id=c.pk, qpv_id=q)
            for (index, _c), c in zip(made, communities, strict=True)
            for q in rng.sample(self.contracts[index]["qpvs"], min(3, len(self.contracts[index]["qpvs"])))
        )
        for (index, _c), community in zip(made, communities, strict=True):
            members = self.structures_of[index]
            size = min(len(members), max(3, int(rng.lognormvariate(3, 0.6))))
            for position, structure in enumerate(rng.sample(members, size)):
                memberships.append(Membership(
                    community=community, structure_id=structure, role="soutien" if position == 0 else "membre",
                    level=rng.choice(["information", "coordination", "cooperation", "coconstruction"]),
                    joined_on=community.started_on,
                ))  # fmt: skip
        Membership.objects.bulk_create(memberships, batch_size=5000)
        self.community_ids = [c.pk for c in communities]
        self.counts.update(communities=len(communities), memberships=len(memberships))

    # -- consultations ------------------------------------------------------------------------------------------

    def consultations(self) -> None:
        from cooperer.consultations.models import Consultation, Contribution, Session
        from cooperer.consultations.services import add_default_themes

        rng = self.rng
        active = sorted(self.active)
        contracts = [self.contracts[i] for i in active]
        consultations = Consultation.objects.bulk_create(
            Consultation(title=f"Quartiers 2030 (fictive) n° {i + 1}", epci_id=c["epci"], contract_id=c["id"],
                         starts_on=datetime.date(2024, 1, 15), ends_on=datetime.date(2026, 12, 31), status="ouverte",
                         is_demo=True)
            for i, c in zip(active, contracts, strict=True)
        )  # fmt: skip
        Consultation.qpvs.through.objects.bulk_create(
            Consultation.qpvs.through(consultation_id=s.pk, qpv_id=q)
            for s, c in zip(consultations, contracts, strict=True)
            for q in c["qpvs"]
        )
        for consultation in consultations:
            add_default_themes(consultation)
        audiences = ["habitants", "professionnels", "jeunes"]
        sessions = Session.objects.bulk_create(
            [Session(consultation=s, qpv_id=q, audience=a, format=rng.choice(["atelier", "stand", "porte_a_porte"]),
                     date=datetime.date(2024, 3, 1) + datetime.timedelta(days=rng.randrange(600)),
                     place="Lieu fictif", is_demo=True)
             for s, c in zip(consultations, contracts, strict=True) for q in c["qpvs"] for a in audiences],
            batch_size=2000,
        )  # fmt: skip
        by_consultation = defaultdict(list)
        for session in sessions:
            by_consultation[session.consultation_id].append(session)
        self.consultation_ids = [s.pk for s in consultations]
        self.sessions = {s.pk: (s.qpv_id, s.audience) for s in sessions}
        shares = [
            share
            for i, share in enumerate(self.split(self.sizes["contributions"], self.active))
            if i in self.active
        ]
        start = self.next_id(Contribution)

        def rows():
            number = 0
            for consultation, wanted in zip(consultations, shares, strict=True):
                own = by_consultation[consultation.pk]
                weights = [rng.lognormvariate(0, 0.8) for _ in own]
                for session in rng.choices(own, weights=weights, k=wanted):
                    parts = [rng.choice(OPENINGS), rng.choice(SUBJECTS), rng.choice(ENDINGS)]
                    text = f"{parts[0]} {parts[1]}{parts[2]}"
                    if rng.random() < 0.35:
                        parts += [rng.choice(OPENINGS), "aussi", rng.choice(SUBJECTS), "."]
                        text += f" {parts[3]} aussi {parts[5]}."
                    created = NOW - datetime.timedelta(seconds=rng.randrange(900 * 86400))
                    hidden = rng.random() < 0.01
                    yield (start + number, consultation.pk, session.pk, session.qpv_id, session.audience,
                           rng.choice(["constat", "aspiration", "proposition", "ressource"]), text,
                           rng.choice(["formulaire", "saisie_assistee", "import"]), created,
                           created if hidden else None, "Propos injurieux (fictif)" if hidden else "", True,
                           search_document(*parts))  # fmt: skip
                    number += 1

        self.counts["contributions"] = self.writer.insert(
            Contribution, ["id", "consultation_id", "session_id", "qpv_id", "audience", "kind", "text", "source",
                           "created_at", "hidden_at", "hidden_reason", "is_demo", "search_text"], rows(),
        )  # fmt: skip
        self.counts.update(consultations=len(consultations), sessions=len(sessions))

    # -- visions ------------------------------------------------------------------------------------------------

    def visions(self) -> None:
        from cooperer.visions.models import Element, Vision, VisionVersion

        active = sorted(self.active)
        contracts = [self.contracts[i] for i in active]
        qpv_visions = Vision.objects.bulk_create(
            Vision(title=f"{self.qpv_names[q]} en 2030 (vision fictive)", scope_kind="qpv", epci_id=c["epci"],
                   qpv_id=q, contract_id=c["id"], is_demo=True)
            for c in contracts for q in c["qpvs"]
        )  # fmt: skip
        contract_visions = Vision.objects.bulk_create(
            Vision(title=f"Vision fictive du contrat n° {i + 1}", scope_kind="contrat", epci_id=c["epci"],
                   contract_id=c["id"], is_demo=True)
            for i, c in enumerate(contracts)
        )  # fmt: skip
        visions = qpv_visions + contract_visions
        versions = VisionVersion.objects.bulk_create(
            VisionVersion(vision=v, number=1, status="adopted", adopted_on=datetime.date(2024, 6, 30),
                          adopted_by_body="Comité de pilotage (fictif)",
                          statement="En 2030, notre quartier est un lieu où l'on a envie de rester (vision fictive).")
            for v in visions
        )  # fmt: skip
        elements = Element.objects.bulk_create(
            (Element(version=version, position=i, text=text) for version in versions
             for i, text in enumerate(VISION_ELEMENTS)), batch_size=5000,
        )  # fmt: skip
        per = len(VISION_ELEMENTS)
        element_ids = [e.pk for e in elements]
        qpv_elements = {}
        for number, vision in enumerate(qpv_visions):
            qpv_elements[vision.qpv_id] = element_ids[number * per : (number + 1) * per]
        self.contract_elements = {}
        gathers = []
        offset = len(qpv_visions) * per
        for number, (index, contract) in enumerate(zip(active, contracts, strict=True)):
            own = element_ids[offset + number * per : offset + (number + 1) * per]
            self.contract_elements[index] = own
            for position, parent in enumerate(own):
                gathers.extend((parent, qpv_elements[q][position]) for q in contract["qpvs"])
        self.writer.insert(Element.gathers.through, ["from_element_id", "to_element_id"], gathers)
        self.contract_vision_ids = [v.pk for v in contract_visions]
        self.counts.update(visions=len(visions), vision_elements=len(elements))

    # -- calls, applications, decisions -------------------------------------------------------------------------

    def calls(self) -> None:
        from cooperer.calls.models import Application, Call, CallFunder, Decision, Partner, ServedElement

        rng = self.rng
        editions = [(2024, 0.3), (2025, 0.3), (2026, 0.4)]
        calls, funders, call_of = [], [], {}
        for index in sorted(self.active):
            contract = self.contracts[index]
            for edition, (year, _share) in enumerate(editions):
                call_of[(index, edition)] = len(calls)
                calls.append(Call(
                    name=f"Appel à projets politique de la ville {year} n° {index + 1} (fictif)", epci_id=contract["epci"],
                    contract_id=contract["id"], carrier_name="Porteur fictif", opens_on=datetime.date(year - 1, 9, 1),
                    closes_at=datetime.datetime(year - 1, 11, 15, 12, tzinfo=datetime.UTC), status="closed",
                    is_demo=True,
                ))  # fmt: skip
        calls = Call.objects.bulk_create(calls)
        Call.elements.through.objects.bulk_create(
            Call.elements.through(call_id=calls[number].pk, element_id=e)
            for (index, _edition), number in call_of.items()
            for e in self.contract_elements[index]
        )
        for call in calls:
            for funder, name in FUNDERS:
                funders.append(CallFunder(call=call, funder=funder, name=name, envelope=Decimal(10**7),
                                          siret=fictional_siret(900_000 + call.pk % 1000)))  # fmt: skip
        funders = CallFunder.objects.bulk_create(funders, batch_size=5000)
        self.funders_of = defaultdict(list)
        for funder in funders:
            self.funders_of[funder.call_id].append(funder.pk)
        parts = self.share(self.sizes["applications"], least=1)
        start = self.next_id(Application)
        rows, qpv_rows, served, partners, decisions = [], [], [], [], []
        self.funded = []  # (application id, contract index, year) of the granted actions of 2024 and 2025
        self.granted = []  # (decision id, call id, amount requested)
        decision_id = self.next_id(Decision)
        for index, wanted in enumerate(parts):
            contract, members = self.contracts[index], self.structures_of[index]
            if not members:
                continue
            for _number in range(wanted):
                position = rng.random()
                edition = 0 if position < 0.3 else 1 if position < 0.6 else 2
                year = editions[edition][0]
                call = calls[call_of[(index, edition)]]
                pk = start + len(rows)
                action = rng.choice(ACTIONS)
                status = "decided" if edition < 2 else rng.choice(["submitted", "reviewed", "decided"])
                rows.append((pk, call.pk, rng.choice(members), f"{action} (action fictive n° {pk})",
                             f"{action} pour les habitants du quartier (fictif)",
                             "Faire ensemble, au plus près des habitants (fictif).", "habitants du quartier",
                             rng.randint(20, 400), datetime.date(year, 1, 1), datetime.date(year + 2, 12, 31), 3,
                             True, status, datetime.datetime(year - 1, 11, 1, 10, tzinfo=datetime.UTC), True, NOW))  # fmt: skip
                qpv_rows.extend(
                    (pk, q)
                    for q in rng.sample(contract["qpvs"], min(len(contract["qpvs"]), rng.randint(1, 3)))
                )
                served.append(
                    (pk, rng.choice(self.contract_elements[index]), "Sert cet élément de la vision (fictif).")
                )
                if len(members) > 2 and rng.random() < 0.5:
                    partners.append((pk, rng.choice(members), "operationnel"))
                if status == "decided":
                    outcome = "accordee" if rng.random() < 0.8 else "refusee"
                    decisions.append((decision_id, pk, outcome, "Motivation fictive au regard de la vision.",
                                      "Comité de programmation (fictif)", datetime.date(year - 1, 12, 15)))  # fmt: skip
                    if outcome == "accordee":
                        self.granted.append((decision_id, call.pk, year))
                        if edition < 2:
                            self.funded.append((pk, index, year))
                    decision_id += 1
        self.counts["applications"] = self.writer.insert(
            Application, ["id", "call_id", "applicant_id", "title", "purpose", "objectives", "public_description",
                          "public_count", "starts_on", "ends_on", "years", "republican_commitment", "status",
                          "submitted_at", "is_demo", "created_at"], rows,
        )  # fmt: skip
        self.writer.insert(Application.qpvs.through, ["application_id", "qpv_id"], qpv_rows)
        self.writer.insert(ServedElement, ["application_id", "element_id", "justification"], served)
        partners = list({(a, s): (a, s, r) for a, s, r in partners if s != self._applicant(rows, a)}.values())
        self.writer.insert(Partner, ["application_id", "structure_id", "role"], partners)
        self.counts["decisions"] = self.writer.insert(
            Decision, ["id", "application_id", "outcome", "motivation", "committee", "decided_on"], decisions
        )
        self.calls_made = [c.pk for c in calls]
        self.bench_call = calls[call_of[(0, len(editions) - 1)]].pk  # the 2026 call of the largest contract

    @staticmethod
    def _applicant(rows, pk):
        return rows[pk - rows[0][0]][2]

    def grants(self) -> None:
        """A grant per funder (2 to 4 of the call's 5) of each granted decision; the rest of the `grants` size are
        SCDL grants published by other funders (`ExternalGrant`) to the same structures."""
        from cooperer.calls.models import ExternalGrant, Grant

        rng = self.rng
        rows = []
        for decision_id, call_id, year in self.granted:
            for funder in rng.sample(self.funders_of[call_id], rng.randint(2, 4)):
                rows.append((decision_id, funder, Decimal(rng.randrange(1000, 30000)),
                             f"CONV-{year}-{decision_id}-{funder}", datetime.date(year, 1, 20)))  # fmt: skip
        rows = rows[: self.sizes["grants"]]
        self.counts["grants"] = self.writer.insert(
            Grant,
            ["decision_id", "call_funder_id", "amount", "convention_reference", "convention_date"],
            rows,
        )
        external = max(0, self.sizes["grants"] - len(rows))
        structures = [pk for index in sorted(self.structures_of) for pk in self.structures_of[index]]
        sirets = (
            dict(apps.get_model("actors.Structure").objects.filter(siret__gt="").values_list("pk", "siret"))
            if external
            else {}
        )
        published = []
        for number in range(external):
            structure = rng.choice(structures)
            published.append((rng.choice(["Département (fictif)", "Région (fictive)", "Ville (fictive)"]),
                              fictional_siret(950_000 + number % 50), datetime.date(rng.randint(2021, 2025), rng.randint(1, 12), 1),
                              self.structure_names[structure], sirets.get(structure, ""),
                              "Fonctionnement et actions de proximité (fictif)", Decimal(rng.randrange(500, 40000)),
                              "Politique de la ville", "jeu-national-fictif.csv", NOW))  # fmt: skip
        self.counts["external_grants"] = self.writer.insert(
            ExternalGrant, ["attributor_name", "attributor_siret", "convention_date", "beneficiary_name",
                            "beneficiary_siret", "purpose", "amount", "scheme", "source", "imported_at"], published,
        )  # fmt: skip

    # -- measurement --------------------------------------------------------------------------------------------

    def measurements(self) -> None:
        """Yearly bilans of the funded actions (2024 and 2025 editions) and their monthly measurements of three
        indicators, until the data set holds `measurements` values in all (context values included)."""
        from cooperer.measurement.models import Bilan, Indicator, Measurement, Obligation

        rng = self.rng
        indicators = [Indicator.objects.get(code=code, epci__isnull=True).pk for code in BILAN_INDICATORS]
        bilan_start = self.next_id(Bilan)
        bilans, obligations = [], []
        for application, _index, year in self.funded:
            for year_index in (1, 2, 3):
                done = year + year_index - 1 < 2026
                pk = bilan_start + len(bilans)
                bilans.append((pk, application, year_index, datetime.date(year + year_index - 1, 1, 1),
                               datetime.date(year + year_index - 1, 12, 31), datetime.date(year + year_index, 6, 30),
                               "approved" if done else "expected", rng.randint(10, 200) if done else None,
                               datetime.datetime(year + year_index, 5, 1, tzinfo=datetime.UTC) if done else None, True))  # fmt: skip
                obligations.extend((pk, indicator, "") for indicator in indicators)
        self.counts["bilans"] = self.writer.insert(
            Bilan, ["id", "application_id", "year_index", "period_start", "period_end", "due_on", "status",
                    "participants", "submitted_at", "is_demo"], bilans,
        )  # fmt: skip
        self.writer.insert(Obligation, ["bilan_id", "indicator_id", "target_text"], obligations)
        funded = len(self.funded) or 1
        # At least a year of monthly values per funded action, even where the context values alone reach the size.
        wanted = max(
            self.sizes["measurements"] - self.counts.get("context_values", 0), funded * len(indicators) * 12
        )
        months = max(1, min(36, math.ceil(wanted / (funded * len(indicators)))))
        epci_of = [c["epci"] for c in self.contracts]

        def rows():
            made = 0
            for application, index, year in self.funded:
                for indicator in indicators:
                    for month in range(months):
                        if made >= wanted:
                            return
                        first = datetime.date(year + month // 12, month % 12 + 1, 1)
                        last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(
                            day=1
                        ) - datetime.timedelta(1)
                        yield (indicator, epci_of[index], application, f"application:{application}", first, last,
                               Decimal(rng.randrange(1, 40)), "bilan", True, NOW)  # fmt: skip
                        made += 1

        self.counts["action_measurements"] = self.writer.insert(
            Measurement, ["indicator_id", "epci_id", "application_id", "scope_key", "period_start", "period_end",
                          "value", "source", "validated", "recorded_at"], rows(),
        )  # fmt: skip
        self.counts["measurements"] = self.counts["action_measurements"] + self.counts.get(
            "context_values", 0
        )

    def rollups(self) -> None:
        self.counts["rollups"] = rebuild_rollups()

    # -- what the benchmarks read back --------------------------------------------------------------------------


APP_LABELS = {
    "accounts",
    "territories",
    "actors",
    "communities",
    "consultations",
    "visions",
    "calls",
    "measurement",
}


def rebuild_rollups(writer: Writer | None = None) -> int:
    """The running totals (`Rollup`) recomputed from every validated measurement of an action, as the incremental
    writes of `services.record` would have left them (additive indicators only). Returns how many were written."""
    from cooperer.measurement.models import Indicator, Measurement, Rollup
    from cooperer.measurement.services import application_scopes

    Rollup.objects.all().delete()
    additive = set(Indicator.objects.filter(additive=True).values_list("pk", flat=True))
    ids = sorted(
        Measurement.objects.filter(application__isnull=False)
        .values_list("application_id", flat=True)
        .distinct()
    )
    scopes = {}
    for start in range(0, len(ids), 2000):
        scopes.update(application_scopes(ids[start : start + 2000]))
    totals = defaultdict(lambda: [Decimal(0), 0])
    rows = (
        Measurement.objects.filter(application__isnull=False, validated=True, value__isnull=False)
        .values_list("application_id", "indicator_id", "period_end", "value")
        .iterator(chunk_size=20000)
    )
    for application_id, indicator_id, end, value in rows:
        if indicator_id not in additive:
            continue
        for scope in scopes.get(application_id, ()):
            cell = totals[(scope, indicator_id, end.year)]
            cell[0] += value
            cell[1] += 1
    return (writer or Writer()).insert(
        Rollup, ["scope", "indicator_id", "year", "total", "count"],
        ((s, i, y, t, c) for (s, i, y), (t, c) in sorted(totals.items())),
    )  # fmt: skip


def key_figures() -> dict:
    """What a data set is, in a few numbers: counts per table, sums, and a fingerprint of sampled rows (the same
    seed gives the same figures)."""
    from django.db.models import Count, Sum

    models = {
        "qpvs": "territories.Qpv", "contracts": "territories.ContratDeVille", "structures": "actors.Structure",
        "links": "actors.CooperationLink", "communities": "communities.Community",
        "memberships": "communities.Membership", "contributions": "consultations.Contribution",
        "applications": "calls.Application", "decisions": "calls.Decision", "grants": "calls.Grant",
        "external_grants": "calls.ExternalGrant", "measurements": "measurement.Measurement",
        "rollups": "measurement.Rollup", "users": "accounts.User",
    }  # fmt: skip
    figures = {name: apps.get_model(label).objects.count() for name, label in models.items()}
    Grant = apps.get_model("calls.Grant")
    Measurement = apps.get_model("measurement.Measurement")
    figures["grant_total"] = str(Grant.objects.aggregate(t=Sum("amount"))["t"] or 0)
    figures["measurement_total"] = str(Measurement.objects.aggregate(t=Sum("value"))["t"] or 0)
    figures["links_by_kind"] = dict(
        apps.get_model("actors.CooperationLink")
        .objects.values_list("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    digest = hashlib.sha256()
    for model, fields in (
        ("actors.Structure", ("name", "siret", "commune__insee_code")),
        ("consultations.Contribution", ("text", "qpv__code", "audience")),
        ("calls.Application", ("title", "status", "applicant__name")),
    ):
        for row in apps.get_model(model).objects.order_by("pk").values_list(*fields)[:500]:
            digest.update(repr(row).encode())
    figures["fingerprint"] = digest.hexdigest()[:16]
    return figures


def bench_targets() -> dict:
    """The objects a benchmark of the generated data set looks at: the largest contract, its EPCI, accounts…"""
    from django.db.models import Count

    from cooperer.accounts.models import User
    from cooperer.calls.models import Application, Call
    from cooperer.communities.models import Community
    from cooperer.consultations.models import Consultation, Session
    from cooperer.territories.models import ContratDeVille, Epci
    from cooperer.visions.models import Vision

    animator = User.objects.get(username=f"animatrice@{ACCOUNT_DOMAIN}")
    epci = Epci.objects.get(pk=animator.role_assignments.get().epci_id)
    contract = ContratDeVille.objects.filter(pilot_epci=epci).order_by("pk").first()
    call = Call.objects.filter(contract=contract).order_by("-opens_on", "pk").first()
    application = Application.objects.filter(call=call).order_by("pk").first()
    community = (
        Community.objects.filter(epci=epci).annotate(n=Count("memberships")).order_by("-n", "pk").first()
    )
    consultation = Consultation.objects.filter(contract=contract).order_by("pk").first()
    qpv = contract.qpvs.order_by("code").first()
    session = Session.objects.filter(consultation=consultation, qpv=qpv).order_by("pk").first()
    vision = Vision.objects.filter(contract=contract, scope_kind="contrat").order_by("pk").first()
    return {
        "epci": epci, "contract": contract, "call": call, "application": application, "community": community,
        "consultation": consultation, "qpv": qpv, "session": session, "vision": vision,
        "accounts": {username: f"{username}@{ACCOUNT_DOMAIN}" for username, *_rest in ROLES},
        "password": PASSWORD,
    }  # fmt: skip
