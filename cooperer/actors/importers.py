"""Import of structures from the documented CSV/Excel template and from the ANCT politique-de-la-ville
files (adultes-relais, FONJEP). Two steps: `preview()` reads and checks every row and writes nothing;
`commit()` writes all rows in one transaction, or none (docs/importers.md)."""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import fuzz

from cooperer.actors.enums import LegalForm, Resource
from cooperer.actors.models import Public, Structure, Theme
from cooperer.actors.services import refresh_search_text
from cooperer.core import validators
from cooperer.core.sources import RowError, SourceError, decode, read_bytes, table_rows
from cooperer.core.text import fold
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


@dataclass
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
    def creates(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None)

    def summary(self) -> dict:
        return {
            "lignes": len(self.rows),
            "à créer": self.creates,
            "à mettre à jour": self.updates,
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
    try:
        header, rows, warnings = table_rows(name, data)
    except SourceError as exc:
        raise StructureImportError(str(exc)) from exc
    result.warnings.extend(warnings)
    mapping = _canonical(header)
    if "nom" not in mapping.values():
        raise StructureImportError(
            "Colonne « nom » introuvable. En-têtes attendus : "
            + ";".join(TEMPLATE_COLUMNS)
            + f". Lus : {';'.join(header)}."
        )
    context = _Context.load(rows, mapping)
    for line, raw in rows:
        values = {mapping[key]: value for key, value in raw.items() if key in mapping}
        _check_row(line, values, context, result)
    _flag_fuzzy_duplicates(result, context)
    return result


@dataclass
class _Context:
    communes: dict[str, int]
    commune_names: dict[int, str]
    qpvs: dict[str, int]
    by_siret: dict[str, int]
    by_rna: dict[str, int]
    themes: dict[str, str]
    publics: dict[str, str]
    seen_siret: dict[str, int] = field(default_factory=dict)
    seen_rna: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, rows, mapping) -> "_Context":
        inverse = {v: k for k, v in mapping.items()}
        column = inverse.get("code_insee_commune")
        codes = {raw.get(column, "").strip() for _, raw in rows} if column else set()
        communes = dict(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", "pk"))
        return cls(
            communes=communes,
            commune_names=dict(Commune.objects.filter(pk__in=communes.values()).values_list("pk", "name")),
            qpvs=dict(Qpv.objects.values_list("code", "pk")),
            by_siret=dict(Structure.objects.active().exclude(siret="").values_list("siret", "pk")),
            by_rna=dict(Structure.objects.active().exclude(rna="").values_list("rna", "pk")),
            themes={fold(name): name for name in Theme.objects.values_list("name", flat=True)},
            publics={fold(name): name for name in Public.objects.values_list("name", flat=True)},
        )


def _split(value: str) -> list[str]:
    separator = "|" if "|" in value else ","
    return [item.strip() for item in value.replace(";", separator).split(separator) if item.strip()]


def _legal_form(value: str) -> str | None:
    folded = fold(value)
    if folded.replace(" ", "_") in LegalForm.values:
        return folded.replace(" ", "_")
    for word, form in LEGAL_FORM_WORDS:
        if word in folded:
            return form
    return None


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
    form = (
        _legal_form(values.get("forme_juridique", ""))
        if values.get("forme_juridique")
        else LegalForm.ASSOCIATION
    )
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
        if not validators.is_valid_insee_commune_code(commune_code):
            error(
                "code_insee_commune",
                f"code commune INSEE invalide : « {commune_code} » (5 caractères, pas un code postal)",
            )
        elif commune_code not in context.communes:
            error(
                "code_insee_commune", f"commune inconnue : « {commune_code} » (importez d'abord les communes)"
            )
        else:
            commune_id = context.communes[commune_code]
    rna = _check_rna(values.get("rna", ""), form, commune_code, line, context, result)
    register = values.get("registre_tribunal", "").strip()
    if register and form != LegalForm.LOCAL_LAW_ASSOCIATION:
        error(
            "registre_tribunal",
            "le registre du tribunal judiciaire ne concerne que les associations de droit local",
        )
    qpv_codes = []
    for code in _split(values.get("qpv", "")):
        normalized = validators.normalize_qpv_code(code)
        if normalized not in context.qpvs:
            error(
                "qpv",
                f"code QPV inconnu : « {code} »"
                if validators.is_valid_qpv_code(normalized)
                else f"code QPV mal formé : « {code} »",
            )
        qpv_codes.append(normalized)
    offers = _resources(values.get("offre", ""), "offre", line, errors)
    needs = _resources(values.get("besoins", ""), "besoins", line, errors)
    website = values.get("site_web", "").strip()
    if website and not website.startswith(("http://", "https://")):
        website = "https://" + website
    listing = fold(values.get("annuaire_public", ""))
    if listing not in YES | NO:
        error("annuaire_public", f"valeur attendue : oui ou non (lu : « {values['annuaire_public']} »)")
    themes = _taxonomy(values.get("thematiques", ""), context.themes, result.new_themes)
    publics = _taxonomy(values.get("publics", ""), context.publics, result.new_publics)
    existing = context.by_siret.get(siret) if siret else None
    existing = existing or (context.by_rna.get(rna) if rna else None)
    result.rows.append(
        StructureRow(
            line=line,
            values={
                "name": name[:MAX_NAME], "acronym": values.get("sigle", "")[:60], "legal_form": form or LegalForm.OTHER,
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
    by_label = {fold(label): key for key, label in Resource.choices} | {
        fold(key): key for key in Resource.values
    }
    found = []
    for item in _split(value):
        key = by_label.get(fold(item))
        if key is None:
            errors.append(
                RowError(
                    line,
                    column,
                    f"« {item} » n'est pas une ressource connue ({', '.join(Resource.labels).lower()})",
                )
            )
        elif key not in found:
            found.append(key)
    return found


def _taxonomy(value: str, known: dict[str, str], new: set[str]) -> list[str]:
    names = []
    for item in _split(value):
        name = known.get(fold(item))
        if name is None:
            name = item[:120]
            known[fold(item)] = name
            new.add(name)
        names.append(name)
    return names


def _flag_fuzzy_duplicates(result: Preview, context: _Context) -> None:
    """Warn when a new row looks like an existing structure of the same commune (name similarity)."""
    communes = {
        row.values["commune_id"]
        for row in result.rows
        if row.existing_id is None and row.values["commune_id"]
    }
    existing: dict[int, list[tuple[int, str, str]]] = {}
    for pk, name, commune_id in (
        Structure.objects.active().filter(commune_id__in=communes).values_list("pk", "name", "commune_id")
    ):
        existing.setdefault(commune_id, []).append((pk, name, fold(name)))
    for row in result.rows:
        if row.existing_id is not None:
            continue
        folded = fold(row.values["name"])
        for _pk, name, other in existing.get(row.values["commune_id"], []):
            if fuzz.token_set_ratio(folded, other) >= 90:
                result.warnings.append(
                    f"Ligne {row.line} : ressemble à « {name} », déjà dans l'annuaire (même commune) : doublon possible."
                )
                break


def _preview_anct(name: str, data: bytes, result: Preview) -> Preview:
    """ANCT files of politique-de-la-ville posts: one row per post; structures are merged by SIRET/name."""
    try:
        items = json.loads(decode(name, data).text)
    except (json.JSONDecodeError, SourceError) as exc:
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
        entry["amount"] += float(item.get("montant") or 0)
        entry["cv"].add(str(item.get("code_cv", "")))
    for entry in merged.values():
        kind = "adultes-relais" if entry["siret"] else "postes FONJEP"
        values = {"nom": entry["name"], "siret": entry["siret"], "forme_juridique": _legal_form(entry["name"]) or LegalForm.ASSOCIATION,
                  "description": f"{entry['posts']} poste(s) {kind} en 2023 ({entry['amount']:.0f} €), contrat(s) de ville {', '.join(sorted(entry['cv']))} (source : ANCT)."}  # fmt: skip
        _check_row(entry["line"], values, context, result)
    result.warnings.append(f"{len(items)} poste(s) regroupé(s) en {len(merged)} structure(s).")
    return result


@transaction.atomic
def commit(result: Preview) -> dict:
    """Write every row of an error-free preview, or nothing."""
    if result.errors:
        raise StructureImportError(
            f"{len(result.errors)} erreur(s) : corrigez le fichier avant d'importer. Rien n'a été écrit.",
            result.errors,
        )
    themes = {fold(t.name): t for t in Theme.objects.all()}
    for name in result.new_themes:
        themes[fold(name)] = Theme.objects.create(name=name)
    publics = {fold(p.name): p for p in Public.objects.all()}
    for name in result.new_publics:
        publics[fold(name)] = Public.objects.create(name=name)
    qpvs = dict(Qpv.objects.values_list("code", "pk"))
    existing = Structure.objects.in_bulk([row.existing_id for row in result.rows if row.existing_id])
    new = [Structure(**row.values) for row in result.rows if row.existing_id is None]
    Structure.objects.bulk_create(new, batch_size=1000)
    updated = []
    for row in result.rows:
        if row.existing_id is not None:
            structure = existing[row.existing_id]
            for key, value in row.values.items():
                if key in UPDATABLE and value not in ("", [], None):
                    setattr(structure, key, value)
            updated.append(structure)
    if updated:
        Structure.objects.bulk_update(
            updated, [k for k in result.rows[0].values if k != "public_listing"], batch_size=1000
        )
    saved = iter(new)
    structures = [existing[row.existing_id] if row.existing_id else next(saved) for row in result.rows]
    _set_relations(result.rows, structures, themes, publics, qpvs)
    refresh_search_text([s.pk for s in structures])
    return {"créées": len(new), "mises à jour": len(updated)}


def _set_relations(rows, structures, themes, publics, qpvs) -> None:
    links = {Structure.themes.through: [], Structure.publics.through: [], Structure.qpvs.through: []}
    for row, structure in zip(rows, structures, strict=True):
        links[Structure.themes.through] += [
            Structure.themes.through(structure_id=structure.pk, theme_id=themes[fold(n)].pk)
            for n in row.themes
        ]
        links[Structure.publics.through] += [
            Structure.publics.through(structure_id=structure.pk, public_id=publics[fold(n)].pk)
            for n in row.publics
        ]
        links[Structure.qpvs.through] += [
            Structure.qpvs.through(structure_id=structure.pk, qpv_id=qpvs[c]) for c in row.qpv_codes
        ]
    for model, objects in links.items():
        model.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
