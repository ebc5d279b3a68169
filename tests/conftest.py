"""Small fixtures of facts built in code: the core suite needs no external file."""

import json
import os
from pathlib import Path

import pytest

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment, User
from cooperer.territories.models import Commune, ContratDeVille, Departement, Epci, Perimeter, Qpv, Region

pytest_plugins = [
    "tests.communities.fixtures",
    "tests.consultations.fixtures",
    "tests.visions.fixtures",
    "tests.calls.fixtures",
    "tests.measurement.fixtures",
    "tests.knowledge.records_fixtures",
]

SHARED_DATA = Path(
    os.environ.get("COOPERER_REFERENCE_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def make_qpv(code, name, lon, lat, communes=(), size=0.01):
    geometry = square(lon, lat, size)
    qpv = Qpv.objects.create(
        code=code,
        name=name,
        generation=2024 if code.startswith("QN") else 2015,
        geometry=json.dumps(geometry),
        min_lon=lon,
        min_lat=lat,
        max_lon=lon + size,
        max_lat=lat + size,
        commune_codes=[c.insee_code for c in communes],
    )
    qpv.communes.set(communes)
    return qpv


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "qpv").is_dir():
        pytest.skip(
            f"Données de référence réelles absentes ({SHARED_DATA}) : test sur fichiers officiels ignoré."
        )
    return SHARED_DATA


@pytest.fixture
def territory(db):
    """Two EPCIs with a contract each; the Saint-Étienne one has a perimeter of two of its three QPVs."""
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    loire = Departement.objects.create(code="42", name="Loire", region=region)
    grand_est = Region.objects.create(code="44", name="Grand Est")
    haut_rhin = Departement.objects.create(code="68", name="Haut-Rhin", region=grand_est)
    sem = Epci.objects.create(siren="244200770", name="Saint-Étienne Métropole")
    m2a = Epci.objects.create(siren="200066009", name="CA Mulhouse Alsace Agglomération")
    saint_etienne = Commune.objects.create(
        insee_code="42218", name="Saint-Étienne", departement=loire, epci=sem
    )
    firminy = Commune.objects.create(insee_code="42095", name="Firminy", departement=loire, epci=sem)
    mulhouse = Commune.objects.create(insee_code="68224", name="Mulhouse", departement=haut_rhin, epci=m2a)
    sud_est = make_qpv("QN04215M", "Quartiers Sud-Est", 4.40, 45.42, [saint_etienne])
    cret = make_qpv("QN04214M", "Crêt De Roc - Soleil", 4.38, 45.44, [saint_etienne])
    layat = make_qpv("QN04222N", "Layat Bas-Mas", 4.29, 45.38, [firminy])
    coteaux = make_qpv("QN06803M", "Les Coteaux", 7.30, 47.74, [mulhouse])
    se_contract = ContratDeVille.objects.create(
        slug="saint-etienne-metropole", name="Contrat de ville de Saint-Étienne Métropole", pilot_epci=sem
    )
    se_contract.communes.set([saint_etienne, firminy])
    se_contract.qpvs.set([sud_est, cret, layat])
    qic = Perimeter.objects.create(contract=se_contract, name="Quartiers à Impact Collectif")
    qic.qpvs.set([sud_est, cret])
    m2a_contract = ContratDeVille.objects.create(
        slug="mulhouse-alsace-agglomeration", name="Contrat de ville de m2A", pilot_epci=m2a
    )
    m2a_contract.communes.set([mulhouse])
    m2a_contract.qpvs.set([coteaux])
    return {
        "sem": sem,
        "m2a": m2a,
        "se_contract": se_contract,
        "m2a_contract": m2a_contract,
        "sud_est": sud_est,
    }


def make_user(username, role=None, epci=None, funder=""):
    user = User.objects.create_user(username=username, email=username, password="mot-de-passe-solide-42")
    if role:
        RoleAssignment.objects.create(user=user, role=role, epci=epci, funder=funder)
    return user


@pytest.fixture
def users(territory):
    return {
        "admin": make_user("admin@exemple.fr", Role.ADMIN),
        "se_animator": make_user("anim.se@exemple.fr", Role.ANIMATION, territory["sem"]),
        "m2a_animator": make_user("anim.m2a@exemple.fr", Role.ANIMATION, territory["m2a"]),
        "state_instructor": make_user("etat@exemple.fr", Role.INSTRUCTION, territory["sem"], Funder.STATE),
        "member": make_user("membre@exemple.fr", Role.STRUCTURE_MEMBER, territory["sem"]),
    }


def run_jobs():
    """Run the real task worker until the queue is empty, then drop the connection it may have closed."""
    from django.core.management import call_command
    from django.db import connections

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    connections.close_all()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache and empty process memos: ids are reused from one test to the next
    (rolled back), so a key made of a count and a last id can come back with other data behind it."""
    from django.core.cache import cache

    from cooperer.calls import report
    from cooperer.core import pagecache
    from cooperer.knowledge import similar
    from cooperer.territories import services

    def empty():
        cache.clear()
        report._INDEXES.clear()
        services._locator_cache.clear()
        similar._stats.clear()
        pagecache._recent.clear()
        pagecache._held_pages.clear()

    empty()
    yield
    empty()


def run_together(count: int, work) -> None:
    """Runs `work()` in `count` threads released at the same instant, each with its own database connection.

    Needs a database that several connections share with its locking (a file or PostgreSQL): the in-memory
    SQLite test database is shared by threads without it, so the caller skips there."""
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("threads share one in-memory SQLite database without its locking")
    barrier = threading.Barrier(count)

    def run():
        barrier.wait()
        try:
            work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
