"""The method kit's vocabulary: the kinds of template, what the content of each kind holds (checked field by
field, with French messages), and the placeholders (« {{ date }} », « {{ qpv }} », « {{ financeur }} ») a
template carries until a territory adapts them. Plain data and Django enums only: no model import."""

import re
from dataclasses import dataclass, field

from django.db import models

from cooperer.accounts.enums import Funder
from cooperer.calls.enums import CriterionKind
from cooperer.communities.enums import InstanceKind
from cooperer.consultations.enums import Audience, SessionFormat


class KitKind(models.TextChoices):
    CONSULTATION = "concertation", "Déroulé de concertation"
    WORKSHOP = "atelier", "Format d'atelier"
    QUESTION_CARDS = "cartes_questions", "Cartes questions"
    MATRIX = "matrice", "Matrice de complémentarité"
    VISION = "vision", "Modèle de vision"
    CALL_GRID = "grille_appel", "Grille d'évaluation et condition de coopération d'un appel"
    CHARTER = "charte", "Charte et gouvernance d'une communauté"


class KitStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    PUBLISHED = "publie", "Publié"


PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDER_LABELS = {
    "date": "une date",
    "qpv": "un quartier (QPV)",
    "financeur": "un financeur",
    "montant": "un montant",
    "territoire": "le territoire",
    "commune": "une commune",
    "lieu": "un lieu",
    "instance": "une instance",
}


@dataclass(frozen=True)
class Field:
    """One entry of a kind's content: `kind` is text, texts (a list of lines), int, bool or items (a list of
    objects with `fields`); `choices` restricts a text (or each line of texts) to known values."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple = ()
    fields: tuple = field(default_factory=tuple)


SCHEMAS: dict[str, tuple[Field, ...]] = {
    KitKind.CONSULTATION: (
        Field("question", "question mobilisatrice", required=True),
        Field("other_questions", "autres questions", "texts"),
        Field("audiences", "publics", "texts", True, tuple(Audience.values)),
        Field("formats", "formats", "texts", True, tuple(SessionFormat.values)),
        Field("sessions", "plan des séances", "items", fields=(
            Field("audience", "public", required=True, choices=tuple(Audience.values)),
            Field("format", "format", required=True, choices=tuple(SessionFormat.values)),
            Field("when", "quand"),
            Field("place", "lieu"),
        )),
        Field("themes", "thèmes", "items", fields=(Field("name", "nom", required=True), Field("description", "description"))),
        Field("duration_days", "durée (jours)", "int"),
    ),
    KitKind.WORKSHOP: (
        Field("objectives", "objectifs", required=True),
        Field("duration", "durée"),
        Field("audience", "public", choices=tuple(Audience.values)),
        Field("steps", "déroulé", "texts", True),
        Field("materials", "matériel", "texts"),
    ),
    KitKind.QUESTION_CARDS: (
        Field("cards", "cartes", "items", True, fields=(Field("question", "question", required=True), Field("prompt", "relance"))),
    ),
    KitKind.MATRIX: (
        Field("instructions", "consigne", required=True),
        Field("resources", "ressources", "texts", True),
    ),
    KitKind.VISION: (
        Field("statement", "énoncé"),
        Field("horizon", "horizon", "int"),
        Field("elements", "éléments de vision", "texts", True),
    ),
    KitKind.CALL_GRID: (
        Field("criteria", "critères", "items", True, fields=(
            Field("kind", "type", required=True, choices=tuple(CriterionKind.values)),
            Field("label", "critère", required=True),
            Field("weight", "poids (%)", "int", True),
        )),
        Field("min_partners", "partenaires au moins", "int"),
        Field("min_partner_sectors", "secteurs différents au moins", "int"),
        Field("require_participation", "participation exigée", "bool"),
        Field("eligibility", "conditions d'éligibilité"),
        Field("funders", "financeurs", "items", fields=(
            Field("funder", "type de financeur", required=True, choices=tuple(Funder.values)),
            Field("name", "nom", required=True),
            Field("envelope", "enveloppe"),
        )),
    ),
    KitKind.CHARTER: (
        Field("objective", "objectif commun", required=True),
        Field("charter", "charte"),
        Field("axes", "axes", "items", fields=(
            Field("title", "axe", required=True),
            Field("description", "description"),
            Field("working_groups", "groupes de travail", "texts"),
        )),
        Field("instances", "instances", "items", fields=(
            Field("kind", "type", required=True, choices=tuple(InstanceKind.values)),
            Field("name", "nom", required=True),
        )),
    ),
}  # fmt: skip


def _check(spec: Field, value, where: str) -> list[str]:
    label = f"{where}« {spec.label} »"
    if spec.kind == "text":
        if not isinstance(value, str):
            return [f"{label} doit être un texte."]
        if spec.required and not value.strip():
            return [f"{label} est obligatoire."]
        if spec.choices and value and value not in spec.choices:
            return [f"{label} : « {value} » n'est pas une valeur possible ({', '.join(spec.choices)})."]
        return []
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return [f"{label} doit être un nombre entier positif."]
        return []
    if spec.kind == "bool":
        return [] if isinstance(value, bool) else [f"{label} doit valoir true ou false."]
    if not isinstance(value, list):
        return [f"{label} doit être une liste."]
    if spec.required and not value:
        return [f"{label} : ajoutez au moins un élément."]
    errors = []
    for index, item in enumerate(value, start=1):
        if spec.kind == "texts":
            if not isinstance(item, str) or not item.strip():
                errors.append(f"{label}, ligne {index} : un texte non vide est attendu.")
            elif spec.choices and item not in spec.choices:
                errors.append(
                    f"{label}, ligne {index} : « {item} » n'est pas une valeur possible ({', '.join(spec.choices)})."
                )
        elif not isinstance(item, dict):
            errors.append(f"{label}, élément {index} : un objet est attendu.")
        else:
            errors += _check_object(spec.fields, item, f"{label}, élément {index} : ")
    return errors


def _check_object(specs: tuple[Field, ...], data: dict, where: str = "") -> list[str]:
    known = {spec.name for spec in specs}
    errors = [f"{where}champ inconnu « {name} »." for name in data if name not in known]
    for spec in specs:
        if spec.name not in data:
            if spec.required:
                errors.append(f"{where}« {spec.label} » est obligatoire.")
            continue
        errors += _check(spec, data[spec.name], where)
    return errors


def content_errors(kind: str, content) -> list[str]:
    """Every problem of `content` for this kind of template, in French; empty when it is valid."""
    if kind not in SCHEMAS:
        return [f"Type de modèle inconnu : « {kind} »."]
    if not isinstance(content, dict):
        return ["Le contenu doit être un objet JSON (entre accolades)."]
    errors = _check_object(SCHEMAS[kind], content)
    if kind == KitKind.CALL_GRID and not errors:
        total = sum(criterion["weight"] for criterion in content["criteria"])
        if total != 100:
            errors.append(f"Les poids des critères font {total} % : ils doivent faire 100 %.")
    return errors


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def placeholders_in(value) -> list[str]:
    """The names of the placeholders left in any text of `value`, in order of first appearance."""
    found: dict[str, None] = {}
    for text in _strings(value):
        for name in PLACEHOLDER.findall(text):
            found.setdefault(name, None)
    return list(found)


def placeholder_label(name: str) -> str:
    return PLACEHOLDER_LABELS.get(name, name)


def fill(value, values: dict[str, str]):
    """`value` with each placeholder named in `values` replaced; the others are left for the checklist."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or m.group(0), value)
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return value


def readable(kind: str, content: dict) -> list[tuple[str, list[str]]]:
    """The content as (heading, lines) pairs for the printable sheet (HTML and PDF): each field's label and
    its values in words, choices by their French label."""
    labels = {
        **dict(Audience.choices), **dict(SessionFormat.choices), **dict(CriterionKind.choices),
        **dict(InstanceKind.choices), **dict(Funder.choices),
    }  # fmt: skip
    sections = []
    for spec in SCHEMAS.get(kind, ()):
        value = content.get(spec.name)
        if value in (None, "", []):
            continue
        if spec.kind == "bool":
            lines = ["oui" if value else "non"]
        elif spec.kind in ("text", "int"):
            lines = [labels.get(value, str(value)) if spec.choices else str(value)]
        elif spec.kind == "texts":
            lines = [labels.get(item, item) for item in value]
        else:
            lines = [_item_line(spec, item, labels) for item in value]
        sections.append((spec.label[:1].upper() + spec.label[1:], lines))
    return sections


def _item_line(spec: Field, item: dict, labels: dict) -> str:
    parts = []
    for sub in spec.fields:
        value = item.get(sub.name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(value)
        elif sub.choices:
            value = labels.get(value, value)
        if sub.name == "weight":
            value = f"{value} %"
        parts.append(f"{sub.label} : {value}" if sub.kind == "texts" else str(value))
    return " — ".join(parts)
