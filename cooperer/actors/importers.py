"""Import of structures from the documented CSV/Excel template and from the ANCT politique-de-la-ville
files (adultes-relais, FONJEP). Two steps: `preview()` reads and checks every row and writes nothing;
`commit()` writes all rows in one transaction, or none (docs/importers.md)."""

import contextlib
import functools
import gc
import itertools
import math
import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz, process

from cooperer.actors.enums import LegalForm, Resource
from cooperer.actors.models import Public, Structure, Theme
from cooperer.actors.services import refresh_search_text
from cooperer.core import validators
from cooperer.core.sources import RowError, SourceError, decode, load_json, read_bytes, table_rows
from cooperer.core.text import fold, search_document
from cooperer.territories.models import Commune, Qpv

TEMPLATE_COLUMNS = [
    "nom", "sigle", "forme_juridique", "siret", "rna", "registre_tribunal", "code_insee_commune", "adresse",
    "thematiques", "publics", "qpv", "offre", "besoins", "site_web", "description", "annuaire_public",
]  # fmt: skip

SYNONYMS = {
    "nom": [
        "nom",
        "name",
        "raison sociale",
        "raison_sociale",
        "denomination",
        "nom de la structure",
        "structure",
    ],
    "sigle": ["sigle", "acronyme", "acronym"],
    "forme_juridique": [
        "forme juridique",
        "statut",
        "statut juridique",
        "type de structure",
        "nature juridique",
    ],
    "siret": ["siret", "n siret", "numero siret", "no siret"],
    "rna": ["rna", "n rna", "numero rna", "waldec", "numero waldec"],
    "registre_tribunal": ["registre tribunal", "registre", "tribunal judiciaire", "volume folio"],
    "code_insee_commune": ["code insee commune", "code insee", "insee", "code commune", "commune code insee"],
    "adresse": ["adresse", "address", "adresse postale"],
    "thematiques": ["thematiques", "themes", "thematique", "domaines", "domaines d action"],
    "publics": ["publics", "public", "publics cibles", "public cible"],
    "qpv": ["qpv", "codes qpv", "quartiers", "quartiers prioritaires"],
    "offre": ["offre", "offres", "ce que la structure offre", "ressources offertes"],
    "besoins": ["besoins", "besoin", "ce dont la structure a besoin"],
    "site_web": ["site web", "site", "url", "website", "site internet"],
    "description": ["description", "presentation", "objet"],
    "annuaire_public": ["annuaire public", "visible", "annuaire"],
}

LEGAL_FORM_WORDS = [
    ("droit local", LegalForm.LOCAL_LAW_ASSOCIATION),
    ("centre social", LegalForm.SOCIAL_CENTRE),
    ("mjc", LegalForm.MJC),
    ("maison des jeunes", LegalForm.MJC),
    ("collectif", LegalForm.RESIDENTS_COLLECTIVE),
    ("association", LegalForm.ASSOCIATION),
    ("commune", LegalForm.COMMUNE),
    ("mairie", LegalForm.COMMUNE),
    ("ville", LegalForm.COMMUNE),
    ("epci", LegalForm.EPCI),
    ("metropole", LegalForm.EPCI),
    ("agglomeration", LegalForm.EPCI),
    ("etat", LegalForm.STATE),
    ("prefecture", LegalForm.STATE),
    ("caf", LegalForm.CAF),
    ("departement", LegalForm.DEPARTEMENT),
    ("bailleur", LegalForm.SOCIAL_LANDLORD),
    ("habitat", LegalForm.SOCIAL_LANDLORD),
    ("ecole", LegalForm.SCHOOL),
    ("college", LegalForm.SCHOOL),
    ("lycee", LegalForm.SCHOOL),
    ("scolaire", LegalForm.SCHOOL),
    ("entreprise", LegalForm.COMPANY),
    ("sas", LegalForm.COMPANY),
    ("sarl", LegalForm.COMPANY),
    ("fondation", LegalForm.FOUNDATION),
    ("autre", LegalForm.OTHER),
]
YES = {"oui", "o", "yes", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux", ""}
MAX_NAME = 250
# An import updates these fields of a known structure when the file gives a value; the public-listing
# opt-in is the structure's own choice and is not overwritten.
UPDATABLE = [
    "name", "acronym", "legal_form", "siret", "rna", "court_register", "commune_id", "address", "website",
    "description", "offers", "needs",
]  # fmt: skip
# Resource labels and keys, folded: built once, not per cell.
RESOURCES_BY_LABEL = {fold(label): key for key, label in Resource.choices} | {
    fold(key): key for key in Resource.values
}
RESOURCES_LISTED = ", ".join(Resource.labels).lower()
LEGAL_FORM_LABELS = dict(LegalForm.choices)
# Known structures updated at once by commit(): bounds the model instances alive at once.
COMMIT_CHUNK = 2000
# New rows compared at once with the structures of their commune (a block of name-similarity scores).
FUZZY_BLOCK = 256


@dataclass(slots=True)
class StructureRow:
    line: int
    values: dict
    themes: list[str]
    publics: list[str]
    qpv_codes: list[str]
    existing_id: int | None = None


@dataclass
class Preview:
    source: str
    rows: list[StructureRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_themes: set[str] = field(default_factory=set)
    new_publics: set[str] = field(default_factory=set)

    @property
    def lines_in_error(self) -> set[int | None]:
        return {error.line for error in self.errors}

    @property
    def in_error(self) -> int:
        """Rows with at least one error: neither created nor updated."""
        wrong = self.lines_in_error
        return sum(1 for row in self.rows if row.line in wrong)

    @property
    def creates(self) -> int:
        wrong = self.lines_in_error
        return sum(1 for row in self.rows if row.existing_id is None and row.line not in wrong)

    @property
    def updates(self) -> int:
        wrong = self.lines_in_error
        return sum(1 for row in self.rows if row.existing_id is not None and row.line not in wrong)

    def summary(self) -> dict:
        return {
            "fichier": self.source,
            "lignes": len(self.rows),
            "à créer": self.creates,
            "à mettre à jour": self.updates,
            "en erreur": self.in_error,
            "erreurs": len(self.errors),
            "nouvelles thématiques": sorted(self.new_themes),
            "nouveaux publics": sorted(self.new_publics),
            "avertissements": self.warnings[:200],
        }


class StructureImportError(Exception):
    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


def template_csv() -> str:
    example = [
        "Amicale des jeunes du Soleil (exemple)", "AJS", "association", "", "W423001234", "", "42218",
        "1 rue du Soleil", "jeunesse, sport", "11-17 ans, habitants des QPV", "QN04214M", "locaux, bénévoles",
        "financement", "", "Accueil de loisirs et sport de rue.", "oui",
    ]  # fmt: skip
    from cooperer.core.exports import csv_text

    return csv_text(TEMPLATE_COLUMNS, [example])


def _canonical(header: list[str]) -> dict[str, str]:
    """Map the file's columns to template columns, accepting common synonyms and accents."""
    lookup = {fold(name): column for column, names in SYNONYMS.items() for name in [column, *names]}
    return {original: lookup[fold(original)] for original in header if fold(original) in lookup}


def preview(path_or_url: str) -> Preview:
    try:
        name, data = read_bytes(path_or_url, max_bytes=200 * 1024 * 1024)
    except SourceError as exc:
        raise StructureImportError(str(exc)) from exc
    result = Preview(source=name)
    if name.lower().endswith(".json") or data.lstrip()[:1] == b"[":
        return _preview_anct(name, data, result)
    with _cyclic_gc_paused():
        try:
            header, rows, warnings = table_rows(name, data)
        except SourceError as exc:
            raise StructureImportError(str(exc)) from exc
        del data
        result.warnings.extend(warnings)
        return preview_rows(header, rows, result)


def preview_rows(header: list[str], rows: list[tuple[int, dict]], result: Preview) -> Preview:
    """Checks rows already read (line, {column: text}) with every rule of the template import: a file's table,
    or the rows the API receives. Consumes `rows`."""
    mapping = _canonical(header)
    if "nom" not in mapping.values():
        raise StructureImportError(
            "Colonne « nom » introuvable. En-têtes attendus : "
            + ";".join(TEMPLATE_COLUMNS)
            + f". Lus : {';'.join(header)}."
        )
    context = _Context.load(rows, mapping)
    rows.reverse()
    while rows:  # each row of the file is dropped once checked: both are never all in memory
        line, raw = rows.pop()
        values = {mapping[key]: value for key, value in raw.items() if key in mapping}
        _check_row(line, values, context, result)
    _flag_fuzzy_duplicates(result, context)
    return result


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Rows hold no reference cycles: reference counting frees them. Python's cyclic collector would
    walk the growing list of 100,000 checked rows again and again (a quarter of the preview's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Context:
    communes: dict[str, int]
    postal_codes: dict[str, list[tuple[str, str]]]
    qpvs: dict[str, int]
    by_siret: dict[str, int]
    by_rna: dict[str, int]
    themes: dict[str, str]
    publics: dict[str, str]
    seen_siret: dict[str, int] = field(default_factory=dict)
    seen_rna: dict[str, int] = field(default_factory=dict)
    # Checks that depend only on a cell's text, memoised: communes, QPVs, themes and publics repeat.
    commune_checks: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    qpv_checks: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    theme_cells: dict[str, list[str]] = field(default_factory=dict)
    public_cells: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, rows, mapping) -> "_Context":
        inverse = {v: k for k, v in mapping.items()}
        column = inverse.get("code_insee_commune")
        codes = {raw.get(column, "").strip() for _, raw in rows} - {""} if column else set()
        communes, postal_codes = {}, {}
        if codes:
            found = Commune.objects.order_by("name", "insee_code")
            if len(codes) <= 5000:  # else every commune: fewer than the SQL variables a query may hold
                found = found.filter(Q(insee_code__in=codes) | Q(postal_code__in=codes))
            for insee_code, pk, postal_code, name in found.values_list(
                "insee_code", "pk", "postal_code", "name"
            ):
                communes[insee_code] = pk
                if postal_code:
                    postal_codes.setdefault(postal_code, []).append((name, insee_code))
        return cls(
            communes=communes,
            postal_codes=postal_codes,
            qpvs=dict(Qpv.objects.values_list("code", "pk")),
            by_siret=dict(Structure.objects.active().exclude(siret="").values_list("siret", "pk")),
            by_rna=dict(Structure.objects.active().exclude(rna="").values_list("rna", "pk")),
            themes={fold(name): name for name in Theme.objects.values_list("name", flat=True)},
            publics={fold(name): name for name in Public.objects.values_list("name", flat=True)},
        )

    def commune(self, code: str) -> tuple[int | None, str | None]:
        """(commune id, None) or (None, French reason)."""
        if code not in self.commune_checks:
            self.commune_checks[code] = _check_commune(code, self)
        return self.commune_checks[code]

    def qpv(self, code: str) -> tuple[str, str | None]:
        """(normalised code, None) or (normalised code, French reason)."""
        if code not in self.qpv_checks:
            normalized = validators.normalize_qpv_code(code)
            reason = None
            if normalized not in self.qpvs:
                reason = (
                    f"code QPV inconnu : « {code} »"
                    if validators.is_valid_qpv_code(normalized)
                    else f"code QPV mal formé : « {code} »"
                )
            self.qpv_checks[code] = (normalized, reason)
        return self.qpv_checks[code]


def _check_commune(code: str, context: _Context) -> tuple[int | None, str | None]:
    if not validators.is_valid_insee_commune_code(code):
        return None, f"code commune INSEE invalide : « {code} » (5 caractères, pas un code postal)"
    if code in context.communes:
        return context.communes[code], None
    if code in context.postal_codes or _looks_like_postcode(code):
        places = ", ".join(f"{name} : {insee}" for name, insee in context.postal_codes.get(code, [])[:3])
        return None, (
            f"« {code} » ressemble à un code postal, pas à un code commune INSEE : indiquez le code INSEE "
            "de la commune ("
            + (places or "par exemple 42218 pour Saint-Étienne, dont les codes postaux sont 42000 et 42100")
            + ")"
        )
    return None, f"commune inconnue : « {code} » (importez d'abord les communes)"


def _looks_like_postcode(code: str) -> bool:
    """No INSEE code has commune number 000 (00 overseas) nor starts with 20 (Corsica is 2A/2B); postcodes
    of main towns do (42000, 97400, 20000)."""
    if code.startswith("20"):
        return True
    return code[3:] == "00" if code.startswith(("97", "98")) else code[2:] == "000"


def _split(value: str) -> list[str]:
    separator = "|" if "|" in value else ","
    return [item.strip() for item in value.replace(";", separator).split(separator) if item.strip()]


@functools.lru_cache(maxsize=4096)
def _legal_form(value: str) -> str | None:
    folded = fold(value)
    if folded.replace(" ", "_") in LEGAL_FORM_LABELS:
        return folded.replace(" ", "_")
    for word, form in LEGAL_FORM_WORDS:
        if word in folded:
            return form
    return None


_fold_cell = functools.lru_cache(maxsize=4096)(fold)  # short cells that repeat (oui/non, themes…)


def _check_row(line: int, values: dict, context: _Context, result: Preview) -> None:
    errors = result.errors

    def error(column, message):
        errors.append(RowError(line, column, message))

    name = " ".join(values.get("nom", "").split())
    if name.startswith(("=", "+", "-", "@")):
        result.warnings.append(
            f"Ligne {line}, colonne « nom » : commence par « {name[0]} » ; gardé comme texte, jamais exécuté "
            "comme formule (les exports le neutralisent)."
        )
    if not name:
        error("nom", "le nom de la structure est obligatoire")
    elif len(name) > MAX_NAME:
        error("nom", f"nom trop long ({len(name)} caractères, {MAX_NAME} au plus)")
    form = _legal_form(values["forme_juridique"]) if values.get("forme_juridique") else LegalForm.ASSOCIATION
    if form is None:
        error("forme_juridique", f"forme juridique inconnue : « {values['forme_juridique']} » (ex. : association, "
              "association de droit local, commune, centre social, bailleur, collectif d'habitants)")  # fmt: skip
    siret = ""
    if values.get("siret"):
        siret = validators.normalize_siret(values["siret"])
        try:
            validators.validate_siret(siret)
        except ValidationError as exc:
            error("siret", exc.messages[0])
        if siret in context.seen_siret:
            error("siret", f"SIRET déjà présent ligne {context.seen_siret[siret]} du fichier")
        context.seen_siret.setdefault(siret, line)
    commune_code = values.get("code_insee_commune", "").strip()
    commune_id = None
    if commune_code:
        commune_id, reason = context.commune(commune_code)
        if reason:
            error("code_insee_commune", reason)
    rna = _check_rna(values.get("rna", ""), form, commune_code, line, context, result)
    register = values.get("registre_tribunal", "").strip()
    if register and form != LegalForm.LOCAL_LAW_ASSOCIATION:
        error(
            "registre_tribunal",
            "le registre du tribunal judiciaire ne concerne que les associations de droit local",
        )
    qpv_codes = []
    for code in _split(values.get("qpv", "")):
        normalized, reason = context.qpv(code)
        if reason:
            error("qpv", reason)
        qpv_codes.append(normalized)
    offers = _resources(values.get("offre", ""), "offre", line, errors)
    needs = _resources(values.get("besoins", ""), "besoins", line, errors)
    website = values.get("site_web", "").strip()
    if website and not website.startswith(("http://", "https://")):
        website = "https://" + website
    listing = _fold_cell(values.get("annuaire_public", ""))
    if listing not in YES and listing not in NO:
        error("annuaire_public", f"valeur attendue : oui ou non (lu : « {values['annuaire_public']} »)")
    themes = _taxonomy(values.get("thematiques", ""), context.themes, result.new_themes, context.theme_cells)
    publics = _taxonomy(values.get("publics", ""), context.publics, result.new_publics, context.public_cells)
    existing = context.by_siret.get(siret) if siret else None
    existing = existing or (context.by_rna.get(rna) if rna else None)
    result.rows.append(
        StructureRow(
            line=line,
            values={
                "name": name[:MAX_NAME], "acronym": values.get("sigle", "")[:60], "legal_form": str(form or LegalForm.OTHER),
                "siret": siret, "rna": rna, "court_register": register[:120], "commune_id": commune_id,
                "address": values.get("adresse", "")[:300], "website": website[:200],
                "description": values.get("description", ""), "offers": offers, "needs": needs,
                "public_listing": listing in YES,
            },
            themes=themes, publics=publics, qpv_codes=qpv_codes, existing_id=existing,
        )
    )  # fmt: skip


def _check_rna(value, form, commune_code, line, context, result) -> str:
    if not value.strip():
        return ""
    if form == LegalForm.LOCAL_LAW_ASSOCIATION:
        result.errors.append(
            RowError(
                line,
                "rna",
                "une association de droit local (Alsace-Moselle) n'a pas de numéro RNA : indiquez son inscription au registre du tribunal judiciaire",
            )
        )
        return ""
    try:
        checked = validators.check_rna(value)
    except ValidationError as exc:
        result.errors.append(RowError(line, "rna", exc.messages[0]))
        return ""
    if checked.warning:
        result.warnings.append(f"Ligne {line}, colonne « rna » : {checked.warning}")
    if checked.normalized in context.seen_rna:
        result.errors.append(
            RowError(line, "rna", f"RNA déjà présent ligne {context.seen_rna[checked.normalized]} du fichier")
        )
    context.seen_rna.setdefault(checked.normalized, line)
    return checked.normalized


def _resources(value: str, column: str, line: int, errors: list[RowError]) -> list[str]:
    found, unknown = _resource_cell(value)
    for item in unknown:
        errors.append(
            RowError(line, column, f"« {item} » n'est pas une ressource connue ({RESOURCES_LISTED})")
        )
    return list(found)


@functools.lru_cache(maxsize=4096)
def _resource_cell(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(resource keys, unknown items) of one cell, in the order written."""
    found, unknown = [], []
    for item in _split(value):
        key = RESOURCES_BY_LABEL.get(fold(item))
        if key is None:
            unknown.append(item)
        elif key not in found:
            found.append(key)
    return tuple(found), tuple(unknown)


def _taxonomy(value: str, known: dict[str, str], new: set[str], cells: dict[str, list[str]]) -> list[str]:
    """Names of the themes (or publics) of one cell; unknown ones are added to `known` and `new`. Once
    a cell has been read, its items are all known: the same cell always gives the same names."""
    if value in cells:
        return list(cells[value])
    names = []
    for item in _split(value):
        name = known.get(_fold_cell(item))
        if name is None:
            name = item[:120]
            known[_fold_cell(item)] = name
            new.add(name)
        names.append(name)
    cells[value] = names
    return list(names)


def _flag_fuzzy_duplicates(result: Preview, context: _Context) -> None:
    """Warn when a new row looks like an existing structure of the same commune (name similarity ≥ 90,
    the first such structure by name). Compared commune by commune, each distinct folded name once,
    a block at a time with rapidfuzz's matrix of scores."""
    new_by_commune: dict[int, dict[str, list[StructureRow]]] = {}
    for row in result.rows:
        if row.existing_id is None and row.values["commune_id"]:
            names = new_by_commune.setdefault(row.values["commune_id"], {})
            names.setdefault(fold(row.values["name"]), []).append(row)
    existing: dict[int, dict[str, str]] = {}  # commune -> folded name -> the first name (by name) so folded
    for ids in _chunks(list(new_by_commune), 5000):
        for name, commune_id in (
            Structure.objects.active().filter(commune_id__in=ids).values_list("name", "commune_id")
        ):
            existing.setdefault(commune_id, {}).setdefault(fold(name), name)
    lookalike: dict[int, str] = {}
    for commune_id, rows_by_name in new_by_commune.items():
        if commune_id not in existing:
            continue
        names = list(existing[commune_id].values())
        choices = list(existing[commune_id])
        for block in _chunks(list(rows_by_name), FUZZY_BLOCK):
            close = process.cdist(block, choices, scorer=fuzz.token_set_ratio, score_cutoff=90) >= 90
            for folded, hits, first in zip(block, close, close.argmax(axis=1), strict=True):
                if hits[first]:
                    lookalike.update((row.line, names[first]) for row in rows_by_name[folded])
    for row in result.rows:
        if row.existing_id is None and row.line in lookalike:
            result.warnings.append(
                f"Ligne {row.line} : ressemble à « {lookalike[row.line]} », déjà dans l'annuaire (même commune) : doublon possible."
            )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _preview_anct(name: str, data: bytes, result: Preview) -> Preview:
    """ANCT files of politique-de-la-ville posts: one row per post; structures are merged by SIRET/name."""
    try:
        items = load_json(decode(name, data).text)
    except SourceError as exc:
        raise StructureImportError(f"Fichier JSON illisible : {exc}") from exc
    if (
        not isinstance(items, list)
        or not items
        or not isinstance(items[0], dict)
        or "raison_sociale" not in items[0]
    ):
        raise StructureImportError(
            "JSON non reconnu : attendu un fichier ANCT de postes (raison_sociale, code_tiers, code_cv)."
        )
    context = _Context.load([], {})
    merged: dict[str, dict] = {}
    for place, item in enumerate(items, start=1):
        amount = _amount(item.get("montant")) if isinstance(item, dict) else None
        if amount is None:
            result.errors.append(
                RowError(place, "montant", "poste illisible : un objet avec un montant attendu")
            )
            continue
        tiers = validators.normalize_siret(str(item.get("code_tiers", "")))
        siret = tiers if validators.is_valid_siret(tiers) else ""
        key = siret or fold(str(item.get("raison_sociale", "")))
        entry = merged.setdefault(
            key,
            {
                "line": place,
                "name": str(item.get("raison_sociale", "")).strip(),
                "siret": siret,
                "posts": 0,
                "amount": 0.0,
                "cv": set(),
            },
        )
        entry["posts"] += 1
        entry["amount"] += amount
        entry["cv"].add(str(item.get("code_cv", "")))
    for entry in merged.values():
        kind = "adultes-relais" if entry["siret"] else "postes FONJEP"
        values = {"nom": entry["name"], "siret": entry["siret"], "forme_juridique": _legal_form(entry["name"]) or LegalForm.ASSOCIATION,
                  "description": f"{entry['posts']} poste(s) {kind} en 2023 ({entry['amount']:.0f} €), contrat(s) de ville {', '.join(sorted(entry['cv']))} (source : ANCT)."}  # fmt: skip
        _check_row(entry["line"], values, context, result)
    result.warnings.append(f"{len(items)} poste(s) regroupé(s) en {len(merged)} structure(s).")
    return result


def _amount(value) -> float | None:
    """A post's amount (none: 0), or None when it is not a finite number."""
    try:
        amount = float(value or 0)
    except (TypeError, ValueError):
        return None
    return amount if math.isfinite(amount) else None


@transaction.atomic
def commit(result: Preview) -> dict:
    """Write every row of an error-free preview, or nothing. New structures are written with their search
    text (computed from the rows, as `refresh_search_text` would), then their themes, publics and QPVs;
    known ones are updated and linked a chunk at a time, then their search text is refreshed."""
    if result.errors:
        raise StructureImportError(
            f"{len(result.errors)} erreur(s) : corrigez le fichier avant d'importer. Rien n'a été écrit.",
            result.errors,
        )
    links = _Links.load(result)
    new_rows = [row for row in result.rows if row.existing_id is None]
    if new_rows:
        columns = _NewStructures(set(new_rows[0].values))
        related = [links.related(row) for row in new_rows]
        values = (
            columns.values(row, links.search_text(row, ids))
            for row, ids in zip(new_rows, related, strict=True)
        )  # computed as the database takes them: PostgreSQL works on a row while the next one is prepared
        pks = _insert(Structure, columns.fields, values, len(new_rows), returning=True)
        links.write(pks, related, ignore_conflicts=False)
    update_rows = [row for row in result.rows if row.existing_id is not None]
    fields = [key for key in result.rows[0].values if key != "public_listing"] if result.rows else []
    for chunk in _chunks(update_rows, COMMIT_CHUNK):
        existing = Structure.objects.in_bulk({row.existing_id for row in chunk})
        for row in chunk:
            structure = existing[row.existing_id]
            for key, value in row.values.items():
                if key in UPDATABLE and value not in ("", [], None):
                    setattr(structure, key, value)
        Structure.objects.bulk_update(existing.values(), fields, batch_size=1000)
        pks = [row.existing_id for row in chunk]
        links.write(pks, [links.related(row) for row in chunk], ignore_conflicts=True)
        refresh_search_text(list(existing))
    return {"créées": len(new_rows), "mises à jour": len(update_rows)}


class _Links:
    """Themes, publics and QPVs as the commit needs them: the ids a row links to, in the order in which
    `refresh_search_text` reads them (each model's Meta.ordering, as the database sorts), and their words."""

    MODELS = (Theme, Public, Qpv)

    def __init__(self, ids: dict, words: dict, commune_names: dict[int, str]):
        self.ids = ids  # model -> {folded name (QPV: code) -> id}
        self.words = words  # model -> {id -> its words in the search text}, in the database's order
        self.rank = {model: {pk: place for place, pk in enumerate(words[model])} for model in self.MODELS}
        self.commune_names = commune_names
        self.memo: dict[tuple, tuple] = {}  # cells repeat: (model, names) -> (ids, words)

    @classmethod
    def load(cls, result: Preview) -> "_Links":
        for model, new in ((Theme, result.new_themes), (Public, result.new_publics)):
            model.objects.bulk_create([model(name=name) for name in sorted(new)])
        ids, words = {}, {}
        for model in (Theme, Public):
            rows = list(model.objects.values_list("pk", "name"))  # in Meta.ordering
            ids[model] = {fold(name): pk for pk, name in rows}
            words[model] = dict(rows)
        qpvs = list(Qpv.objects.values_list("pk", "code", "name"))
        ids[Qpv] = {code: pk for pk, code, _name in qpvs}
        words[Qpv] = {pk: f"{name} {code}" for pk, code, name in qpvs}
        commune_ids = list({row.values["commune_id"] for row in result.rows} - {None})
        commune_names = {}
        for chunk in _chunks(commune_ids, 5000):
            commune_names.update(Commune.objects.filter(pk__in=chunk).values_list("pk", "name"))
        return cls(ids, words, commune_names)

    def related(self, row: StructureRow) -> tuple[tuple[tuple[int, ...], str], ...]:
        """For themes, publics and QPVs: (ids, each once, in the database's order; their words)."""
        return (
            self._of(Theme, tuple(row.themes)),
            self._of(Public, tuple(row.publics)),
            self._of(Qpv, tuple(row.qpv_codes)),
        )

    def _of(self, model, names: tuple[str, ...]) -> tuple[tuple[int, ...], str]:
        key = (model, names)
        if key not in self.memo:
            known = self.ids[model]
            found = {known[name if model is Qpv else fold(name)] for name in names}
            ids = tuple(sorted(found, key=self.rank[model].__getitem__))
            self.memo[key] = (ids, " ".join(self.words[model][pk] for pk in ids))
        return self.memo[key]

    def search_text(self, row: StructureRow, related: tuple) -> str:
        """What `refresh_search_text` computes once the row is written."""
        (_, themes), (_, publics), (_, qpvs) = related
        values = row.values
        return search_document(
            values["name"],
            values["acronym"],
            themes,
            publics,
            self.commune_names.get(values["commune_id"], ""),
            qpvs,
            LEGAL_FORM_LABELS.get(values["legal_form"], values["legal_form"]),
        )

    def write(self, structure_ids: list[int], related: list[tuple], ignore_conflicts: bool) -> None:
        for position, model in enumerate(self.MODELS):
            through = Structure._meta.get_field(f"{model._meta.model_name}s").remote_field.through
            fields = [through._meta.get_field("structure"), through._meta.get_field(model._meta.model_name)]
            pairs = (
                (pk, other)
                for pk, links in zip(structure_ids, related, strict=True)
                for other in links[position][0]
            )
            if ignore_conflicts:  # known structures may have some of these links already
                objects = [through(**{fields[0].attname: a, fields[1].attname: b}) for a, b in pairs]
                through.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
            else:
                _insert(through, fields, pairs, returning=False)


class _NewStructures:
    """The columns of a new structure and their database values, as bulk_create would write them: the
    row's values, the search text, the commit's time for both timestamps, every other field's default
    (computed once: a field added later with a per-row default, a UUID say, must come from the rows)."""

    # Django's preparation returns these unchanged: the driver takes them as they are.
    PLAIN = {"CharField", "TextField", "BooleanField", "ForeignKey", "FloatField", "IntegerField"}

    def __init__(self, row_keys):
        now = timezone.now()
        fields = [f for f in Structure._meta.concrete_fields if not f.primary_key]
        from_row = [f for f in fields if f.attname in row_keys]
        others = [f for f in fields if f.attname not in row_keys and f.attname != "search_text"]
        self.fields = [*from_row, Structure._meta.get_field("search_text"), *others]
        self.read = operator.itemgetter(*(f.attname for f in from_row))
        self.prepared = {  # position -> (field, memo): JSON is prepared by its field, once per value
            position: (f, {})
            for position, f in enumerate(from_row)
            if f.get_internal_type() not in self.PLAIN
        }
        self.constants = [
            f.get_db_prep_save(now if isinstance(f, models.DateTimeField) else f.get_default(), connection)
            for f in others
        ]

    def values(self, row: StructureRow, search_text: str) -> list:
        out = list(self.read(row.values))
        for position, (model_field, memo) in self.prepared.items():
            value = out[position]
            key = tuple(value) if isinstance(value, list) else value
            if key not in memo:
                memo[key] = model_field.get_db_prep_save(value, connection)
            out[position] = memo[key]
        out.append(search_text)
        out += self.constants
        return out


def _insert(model, fields: list, rows: Iterable, count: int = 0, returning: bool = False) -> list[int]:
    """INSERT `rows` (database values in `fields` order; `count` of them when `returning`); the new ids
    in order when `returning`. What bulk_create does, without building a model instance and compiling
    the SQL of each row, which is most of its cost at 100,000 structures (bench/README.md). PostgreSQL:
    one COPY, ids taken from the table's sequence; elsewhere: many rows per INSERT … RETURNING."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    ids = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy"):  # psycopg 3
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, count],
                )
                ids = [new_id for (new_id,) in cursor.fetchall()]
                fields, rows = (
                    [model._meta.pk, *fields],
                    ((i, *row) for i, row in zip(ids, rows, strict=True)),
                )
            columns = ", ".join(ops.quote_name(field.column) for field in fields)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return ids
        columns = ", ".join(ops.quote_name(field.column) for field in fields)
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        returned = f" RETURNING {ops.quote_name(model._meta.pk.column)}" if returning else ""
        per_statement = max(1, min(_max_variables() // len(fields), 1000))
        rows = iter(rows)
        while batch := list(itertools.islice(rows, per_statement)):
            values = ", ".join([placeholders] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}{returned}",
                [value for row in batch for value in row],
            )
            if returning:
                ids += [new_id for (new_id,) in cursor.fetchall()]
    return ids


def _max_variables() -> int:
    """Values one statement may hold: SQLite's limit as compiled (Django assumes the 999 of old
    versions; 32,766 by default since 3.32), else Django's figure for the database."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535
