"""Contributions from a file: a workshop table (CSV or Excel) or a Decidim export (proposals or comments).

`preview()` reads the whole file and lists every row error (line as in the file, column, reason) without
writing; `commit()` writes every row or none. Template (docs/importers.md):
`texte;nature;public;qpv;reference` — only `texte` is required; the others default to the session chosen.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource
from cooperer.consultations.models import Contribution, Session
from cooperer.consultations.services import check_text, clean_text
from cooperer.core.sources import RowError, SourceError, read_bytes, table_rows
from cooperer.core.text import fold
from cooperer.territories.models import Qpv

TEMPLATE_HEADER = ["texte", "nature", "public", "qpv", "reference"]

SYNONYMS = {
    "texte": {
        "texte",
        "text",
        "contribution",
        "verbatim",
        "post it",
        "postit",
        "commentaire",
        "avis",
        "idee",
    },
    "nature": {"nature", "type", "kind", "categorie de contribution"},
    "public": {"public", "audience", "publics"},
    "qpv": {"qpv", "code qpv", "quartier", "code quartier"},
    "reference": {"reference", "ref", "id", "identifiant", "numero"},
}

KIND_WORDS = {
    "constat": ContributionKind.NEED,
    "besoin": ContributionKind.NEED,
    "constat besoin": ContributionKind.NEED,
    "aspiration": ContributionKind.ASPIRATION,
    "souhait": ContributionKind.ASPIRATION,
    "reve": ContributionKind.ASPIRATION,
    "proposition": ContributionKind.PROPOSAL,
    "idee": ContributionKind.PROPOSAL,
    "ressource": ContributionKind.RESOURCE,
    "ressource du quartier": ContributionKind.RESOURCE,
    "atout": ContributionKind.RESOURCE,
}
AUDIENCE_WORDS = {fold(label): value for value, label in Audience.choices} | {
    fold(value): value for value in Audience.values
}
AUDIENCE_WORDS |= {
    "habitant": Audience.RESIDENTS,
    "professionnel": Audience.PROFESSIONALS,
    "jeune": Audience.YOUTH,
}


class ContributionImportError(Exception):
    def __init__(self, message: str, errors=()):
        super().__init__(message)
        self.errors = list(errors)


@dataclass
class Row:
    line: int
    text: str
    kind: str
    audience: str
    qpv_id: int | None
    reference: str


@dataclass
class Preview:
    session_id: int
    source: str
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    already: int = 0

    def summary(self) -> dict:
        return {
            "lignes lues": len(self.rows) + len({e.line for e in self.errors}),
            "contributions à importer": len(self.rows) if not self.errors else 0,
            "déjà importées (ignorées)": self.already,
            "lignes en erreur": len({e.line for e in self.errors}),
            "format": "export Decidim" if self.source == ContributionSource.DECIDIM else "tableau",
        }


def _columns(header: list[str]) -> dict[str, str]:
    found = {}
    for name in header:
        key = fold(name)
        for column, words in SYNONYMS.items():
            if key in words and column not in found:
                found[column] = name
    return found


def _is_decidim(header: list[str]) -> bool:
    names = set(header)
    return "body" in names and ("commentable_id" in names or "category/name/fr" in names or "title" in names)


def preview(path: str, session: Session, default_kind: str = ContributionKind.PROPOSAL) -> Preview:
    try:
        name, data = read_bytes(path)
        header, rows, warnings = table_rows(name, data)
    except SourceError as exc:
        raise ContributionImportError(str(exc)) from exc
    if not header:
        raise ContributionImportError("Le fichier est vide : aucune ligne d'en-tête.")
    return preview_rows(header, rows, warnings, session, default_kind)


def preview_rows(
    header: list[str], rows, warnings, session: Session, default_kind: str = ContributionKind.PROPOSAL
) -> Preview:
    """Checks rows already read (line, {column: text}) with every rule of the file import: a file's table, or
    the Decidim rows the API receives."""
    decidim = _is_decidim(header)
    result = Preview(session.pk, ContributionSource.DECIDIM if decidim else ContributionSource.IMPORT)
    result.warnings = list(warnings)
    if decidim:
        columns = {"texte": "body", "reference": "id" if "id" in header else ""}
        if "id" not in header:
            result.warnings.append(
                "Export Decidim sans colonne « id » : un nouvel import créera des doublons."
            )
    else:
        columns = _columns(header)
        if "texte" not in columns:
            raise ContributionImportError(
                "Colonne « texte » introuvable. En-têtes attendus : "
                + ";".join(TEMPLATE_HEADER)
                + " (seul « texte » est obligatoire).",
                [RowError(1, "texte", "colonne obligatoire absente")],
            )
    qpvs = {
        q.code: q.pk for q in Qpv.objects.filter(consultations=session.consultation_id).only("pk", "code")
    }
    qpv_names = {
        fold(name): pk for pk, name in Qpv.objects.filter(pk__in=qpvs.values()).values_list("pk", "name")
    }
    existing = set(
        Contribution.objects.filter(consultation_id=session.consultation_id, source=result.source)
        .exclude(external_ref="")
        .values_list("external_ref", flat=True)
    )
    seen = set()
    for line, values in rows:
        errors_before = len(result.errors)
        text = values.get(columns["texte"], "") or ""
        if decidim and values.get("title"):
            text = f"{values['title']}. {text}"
        text = clean_text(text)
        problem = check_text(text)
        if problem:
            result.errors.append(RowError(line, columns["texte"], problem))
        kind = default_kind
        raw_kind = values.get(columns.get("nature", ""), "") if "nature" in columns else ""
        if raw_kind.strip():
            kind = KIND_WORDS.get(fold(raw_kind))
            if kind is None:
                result.errors.append(
                    RowError(
                        line,
                        columns["nature"],
                        f"nature inconnue « {raw_kind.strip()[:40]} » : constat, besoin, aspiration, proposition ou ressource",
                    )
                )
        audience = session.audience
        raw_audience = values.get(columns.get("public", ""), "") if "public" in columns else ""
        if raw_audience.strip():
            audience = AUDIENCE_WORDS.get(fold(raw_audience).rstrip("s")) or AUDIENCE_WORDS.get(
                fold(raw_audience)
            )
            if audience is None:
                result.errors.append(
                    RowError(
                        line,
                        columns["public"],
                        f"public inconnu « {raw_audience.strip()[:40]} » : habitants, professionnels, jeunes, conseil citoyen ou mixte",
                    )
                )
        qpv_id = session.qpv_id
        raw_qpv = values.get(columns.get("qpv", ""), "") if "qpv" in columns else ""
        if raw_qpv.strip():
            qpv_id = qpvs.get(raw_qpv.strip().upper()) or qpv_names.get(fold(raw_qpv))
            if qpv_id is None:
                result.errors.append(
                    RowError(
                        line,
                        columns["qpv"],
                        f"« {raw_qpv.strip()[:40]} » n'est pas un QPV de cette concertation",
                    )
                )
        reference = (
            (values.get(columns.get("reference", ""), "") or "").strip()[:120]
            if columns.get("reference")
            else ""
        )
        if reference and reference in seen:
            result.errors.append(
                RowError(line, columns["reference"], f"référence « {reference} » en double dans le fichier")
            )
        seen.add(reference)
        if len(result.errors) > errors_before:
            continue
        if reference and reference in existing:
            result.already += 1
            continue
        result.rows.append(Row(line, text, kind, audience, qpv_id, reference))
    if not result.rows and not result.errors and not result.already:
        raise ContributionImportError("Aucune contribution dans ce fichier.")
    return result


def commit(result: Preview, user) -> dict:
    if result.errors:
        raise ContributionImportError(
            "Le fichier contient des erreurs : rien n'a été importé.", result.errors
        )
    session = Session.objects.select_related("consultation").get(pk=result.session_id)
    now = timezone.now()
    with transaction.atomic():
        Contribution.objects.bulk_create(
            [
                Contribution(
                    consultation_id=session.consultation_id,
                    session=session,
                    qpv_id=row.qpv_id,
                    audience=row.audience,
                    kind=row.kind,
                    text=row.text,
                    source=result.source,
                    external_ref=row.reference,
                    entered_by=user,
                    created_at=now,
                )
                for row in result.rows
            ],
            batch_size=1000,
        )
    return {"contributions importées": len(result.rows), "déjà importées (ignorées)": result.already}
