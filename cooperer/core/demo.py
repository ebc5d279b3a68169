"""The demo: Saint-Étienne Métropole (with its 14 Quartiers à Impact Collectif) and Mulhouse Alsace
Agglomération. Territories and contours are real, imported from the official files; people and
local target areas are fictional and marked as such."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from cooperer.accounts.enums import Funder, Role
from cooperer.accounts.models import RoleAssignment
from cooperer.actors.models import Structure
from cooperer.territories.enums import GovernanceBodyKind, SignatoryKind, TargetAreaKind
from cooperer.territories.importers import import_reference
from cooperer.territories.models import ContratDeVille, Epci, Perimeter, Qpv, TargetArea

DEMO_PASSWORD = "cooperer-demo-2030"

SAINT_ETIENNE_METROPOLE = "244200770"
MULHOUSE_ALSACE_AGGLOMERATION = "200066009"

# Facts (DOMAIN.md): the QPVs of the Quartiers à Impact Collectif in Saint-Étienne Métropole.
QIC_CODES = [
    "QN04211M", "QN04212M", "QN04213M", "QN04214M", "QN04215M", "QN04216M", "QN04220N", "QN04221N",
    "QN04224N", "QN04207M", "QN04208M", "QN04202M", "QN04222N", "QN04223N",
]  # fmt: skip
MULHOUSE_CODES = ["QN06803M", "QN06804M", "QN06805M", "QN06806M", "QN06807M", "QN06808M", "QN06809M"]

# Files read from a folder laid out like the project's reference data, in order.
LOCAL_FILES = [
    "communes/ds_api_geo/departements.json",
    "communes/ds_api_geo/epcis-42.json",
    "communes/ds_api_geo/epcis-68.json",
    "communes/ds_api_geo/communes-42.json",
    "communes/ds_api_geo/communes-68.json",
    "communes/communes_42_68_centroids.csv",
    "communes/france-geojson/communes-42-loire.geojson",
    "communes/france-geojson/communes-68-haut-rhin.geojson",
    "qpv/qpv2024_contours_simplified.json.gz",
]
GEO_API = "https://geo.api.gouv.fr"
OFFICIAL_URLS = [
    f"{GEO_API}/departements?fields=nom,code,codeRegion",
    f"{GEO_API}/epcis?fields=nom,code",
    *(
        f"{GEO_API}/departements/{dep}/communes?fields=nom,code,codesPostaux,codeEpci,centre,codeDepartement"
        for dep in ("42", "68")
    ),
    *(
        f"{GEO_API}/departements/{dep}/communes?fields=nom,code&format=geojson&geometry=contour"
        for dep in ("42", "68")
    ),
    # ANCT, « Quartiers prioritaires de la politique de la ville (QPV) », data.gouv.fr: zip of the 2024 contours.
    "https://www.data.gouv.fr/api/1/datasets/r/942d4ee8-8142-4556-8ea1-335537ce1119",
]


@dataclass
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    epci: str = ""
    funder: str = ""
    organisation: str = ""
    structure: str = ""


ACCOUNTS = [
    DemoAccount("admin@demo.cooperer.fr", "Alex", "Administrateur", Role.ADMIN),
    DemoAccount(
        "animatrice.saint-etienne@demo.cooperer.fr", "Camille", "Roche", Role.ANIMATION,
        SAINT_ETIENNE_METROPOLE, organisation="Saint-Étienne Métropole, mission politique de la ville",
    ),
    DemoAccount(
        "coordinateur.mulhouse@demo.cooperer.fr", "Karim", "Schaller", Role.ANIMATION,
        MULHOUSE_ALSACE_AGGLOMERATION, organisation="Ville de Mulhouse, Carré des associations",
    ),
    DemoAccount(
        "delegue.prefet.loire@demo.cooperer.fr", "Nadia", "Berthet", Role.INSTRUCTION,
        SAINT_ETIENNE_METROPOLE, Funder.STATE, "Préfecture de la Loire",
    ),
    DemoAccount(
        "instructrice.caf.haut-rhin@demo.cooperer.fr", "Léa", "Muller", Role.INSTRUCTION,
        MULHOUSE_ALSACE_AGGLOMERATION, Funder.CAF, "CAF du Haut-Rhin",
    ),
    DemoAccount(
        "membre.centre-social@demo.cooperer.fr", "Yanis", "Fabre", Role.STRUCTURE_MEMBER,
        SAINT_ETIENNE_METROPOLE, organisation="Centre social des Quartiers Sud-Est (fictif)",
        structure="Centre social des Quartiers Sud-Est",
    ),
]  # fmt: skip


def import_reference_files(reference_dir: str, log) -> None:
    sources = [str(Path(reference_dir) / name) for name in LOCAL_FILES] if reference_dir else OFFICIAL_URLS
    for source in sources:
        summary = import_reference(source)
        log(f"  {summary}")


@transaction.atomic
def load_demo_territories() -> list[ContratDeVille]:
    saint_etienne = _contract(
        "saint-etienne-metropole",
        "Contrat de ville de Saint-Étienne Métropole",
        SAINT_ETIENNE_METROPOLE,
        "Contrat « Engagements Quartiers 2030 » construit quartier par quartier, avec des temps de concertation "
        "distincts pour les habitants et pour les professionnels autour de la question « Comment voulons-nous "
        "que notre quartier soit en 2030 ? ».",
        signatories=[
            (SignatoryKind.STATE, "Préfecture de la Loire"),
            (SignatoryKind.EPCI, "Saint-Étienne Métropole"),
            (SignatoryKind.COMMUNE, "Ville de Saint-Étienne"),
            (SignatoryKind.COMMUNE, "Ville de Rive-de-Gier"),
            (SignatoryKind.COMMUNE, "Ville d'Andrézieux-Bouthéon"),
            (SignatoryKind.COMMUNE, "Ville de Firminy"),
            (SignatoryKind.CAF, "CAF de la Loire"),
            (SignatoryKind.DEPARTEMENT, "Département de la Loire"),
        ],
    )
    perimeter, _ = Perimeter.objects.update_or_create(
        contract=saint_etienne,
        name="Quartiers à Impact Collectif",
        defaults={
            "description": "Expérimentation ANCT « Quartiers à Impact Collectif » : une vision partagée par quartier, "
            "boussole pour accepter ou refuser les projets. Pilote en 2022 à Quartiers Sud-Est, étendue depuis "
            "septembre 2024 à Saint-Étienne, Rive-de-Gier, Andrézieux-Bouthéon et Firminy.",
        },
    )
    perimeter.qpvs.set(_qpvs(QIC_CODES))
    mulhouse = _contract(
        "mulhouse-alsace-agglomeration",
        "Contrat de ville de Mulhouse Alsace Agglomération",
        MULHOUSE_ALSACE_AGGLOMERATION,
        "Contrat « Engagements Quartiers 2030 » de m2A. La méthode de la communauté d'action y est une condition "
        "pour répondre aux appels à projets.",
        signatories=[
            (SignatoryKind.STATE, "Préfecture du Haut-Rhin"),
            (SignatoryKind.EPCI, "Mulhouse Alsace Agglomération"),
            (SignatoryKind.COMMUNE, "Ville de Mulhouse"),
            (SignatoryKind.COMMUNE, "Ville d'Illzach"),
            (SignatoryKind.COMMUNE, "Ville de Wittenheim"),
            (SignatoryKind.CAF, "CAF du Haut-Rhin"),
        ],
    )
    missing = set(MULHOUSE_CODES) - set(mulhouse.qpvs.values_list("code", flat=True))
    if missing:
        raise ValueError(f"QPV attendus absents du contrat de Mulhouse : {', '.join(sorted(missing))}.")
    TargetArea.objects.update_or_create(
        contract=saint_etienne,
        name="Centre-deux (quartier vécu, démonstration)",
        defaults={
            "kind": TargetAreaKind.LIVED_NEIGHBOURHOOD,
            "description": "Exemple fictif de quartier défini localement, hors géographie prioritaire.",
        },
    )
    return [saint_etienne, mulhouse]


def _qpvs(codes: list[str]) -> list[Qpv]:
    found = list(Qpv.objects.filter(code__in=codes))
    unknown = set(codes) - {qpv.code for qpv in found}
    if unknown:
        raise ValueError(
            f"Codes QPV inconnus (importez les contours des QPV) : {', '.join(sorted(unknown))}."
        )
    return found


def _contract(slug, name, siren, summary, signatories) -> ContratDeVille:
    epci = Epci.objects.get(siren=siren)
    contract, _ = ContratDeVille.objects.update_or_create(
        slug=slug, defaults={"name": name, "pilot_epci": epci, "summary": summary}
    )
    communes = list(epci.communes.all())
    contract.communes.set(communes)
    contract.qpvs.set(Qpv.objects.filter(communes__in=communes).distinct())
    for kind, signatory in signatories:
        contract.signatories.update_or_create(name=signatory, defaults={"kind": kind})
    for kind, body, role in [
        (
            GovernanceBodyKind.COPIL,
            "Comité de pilotage du contrat de ville",
            "Décide des orientations et de la programmation.",
        ),
        (GovernanceBodyKind.COTECH, "Comité technique", "Prépare les décisions, suit les actions."),
        (
            GovernanceBodyKind.FUNDERS,
            "Comité des financeurs",
            "Instruit ensemble les demandes de subvention.",
        ),
    ]:
        contract.governance_bodies.update_or_create(name=body, defaults={"kind": kind, "role": role})
    return contract


def load_demo_accounts() -> list[DemoAccount]:
    user_model = get_user_model()
    for account in ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "email": account.username,
                "first_name": account.first_name,
                "last_name": f"{account.last_name} (fictif)",
                "is_demo": True,
                "is_staff": account.role == Role.ADMIN,
                "is_superuser": account.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        epci = Epci.objects.get(siren=account.epci) if account.epci else None
        structure = (
            Structure.objects.filter(name=account.structure, is_demo=True).first()
            if account.structure
            else None
        )
        RoleAssignment.objects.update_or_create(
            user=user,
            role=account.role,
            epci=epci,
            defaults={"funder": account.funder, "organisation": account.organisation, "structure": structure},
        )
    return ACCOUNTS
