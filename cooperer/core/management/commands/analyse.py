import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperer.analysis.text import AnalysisError, Contribution, Report, Theme, analyse
from cooperer.core.exports import csv_text
from cooperer.core.sources import RowError, SourceError, read_bytes, table_rows

MAX_LISTED_ERRORS = 50
OUTPUT_COLUMNS = ["id", "theme", "score", "evidence"]
# Column names as people write them, in French or in English (headers are compared lowercase).
CONTRIBUTION_COLUMNS = {
    "id": ("id", "identifiant"),
    "text": ("text", "texte", "contribution"),
    "audience": ("audience", "public"),
    "qpv": ("qpv", "code_qpv", "quartier"),
    "commune": ("commune",),
    "contract": ("contract", "contrat", "contrat_de_ville"),
}
THEME_COLUMNS = {"name": ("name", "nom", "theme", "thème"), "description": ("description",)}
LABEL_COLUMNS = {"id": ("id", "identifiant"), "theme": ("theme", "thème", "name", "nom")}


class Command(BaseCommand):
    help = (
        "Analyse des contributions d'une concertation (CSV id,text et, au choix, audience, qpv, commune, "
        "contrat) selon une liste de thèmes (CSV name,description) : écrit id,theme,score,evidence pour chaque "
        "contribution. Avec --labelled (CSV id,theme), des exemples étiquetés améliorent l'étiquetage ; "
        "avec --report, affiche les sujets, les doublons et la comparaison des publics."
    )

    def add_arguments(self, parser):
        parser.add_argument("contributions", metavar="CONTRIBUTIONS.csv")
        parser.add_argument("--themes", required=True, metavar="THEMES.csv", help="thèmes : name,description")
        parser.add_argument("--labelled", metavar="ETIQUETTES.csv", help="exemples étiquetés : id,theme")
        parser.add_argument("--out", required=True, metavar="SORTIE.csv", help="fichier CSV à écrire")
        parser.add_argument(
            "--report",
            action="store_true",
            help="afficher les sujets, les doublons et la comparaison des publics",
        )

    def handle(self, *args, contributions, themes, labelled=None, out, report=False, **options):
        out_path = Path(out)
        if not out_path.parent.is_dir():
            raise CommandError(f"Le dossier de sortie n'existe pas : {out_path.parent}.")
        theme_list = self._themes(themes)
        items = self._contributions(contributions)
        labels = self._labels(labelled, [theme.name for theme in theme_list]) if labelled else None
        verbose = options.get("verbosity", 1) >= 2

        def progress(fraction: float, message: str) -> None:
            if verbose:
                self.stderr.write(f"  {round(fraction * 100):3d} % {message}")

        try:
            result = analyse(items, theme_list, labelled=labels, progress=progress)
        except AnalysisError as exc:
            raise CommandError(str(exc)) from exc
        _write_atomically(out_path, csv_text(OUTPUT_COLUMNS, _output_rows(result)))
        for warning in result.warnings:
            self.stdout.write(f"  avertissement : {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.contributions} contribution(s) analysée(s) ({result.analysed} avec un texte exploitable), "
                f"{len(theme_list)} thème(s) : résultat écrit dans {out_path}."
            )
        )
        if report:
            self.stdout.write(format_report(result))

    # -- reading -------------------------------------------------------------------------------------------
    def _table(self, path: str, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...], what: str):
        try:
            name, data = read_bytes(path)
            header, rows, warnings = table_rows(name, data)
        except SourceError as exc:
            raise CommandError(f"{path} ({what}) : {exc}") from exc
        columns = {key: next((c for c in aliases if c in header), None) for key, aliases in wanted.items()}
        missing = [key for key in required if columns[key] is None]
        if missing:
            raise CommandError(
                f"{path} ({what}) : colonne(s) manquante(s) : {', '.join(missing)} "
                f"(colonnes trouvées : {', '.join(column for column in header if column) or 'aucune'})."
            )
        if not rows:
            raise CommandError(f"{path} ({what}) : le fichier ne contient aucune ligne après l'en-tête.")
        for warning in warnings:
            self.stdout.write(f"  avertissement ({path}) : {warning}")
        return [
            (line, {key: row.get(column, "") if column else "" for key, column in columns.items()})
            for line, row in rows
        ]

    def _fail_on(self, errors: list[RowError], path: str, what: str) -> None:
        if not errors:
            return
        for error in errors[:MAX_LISTED_ERRORS]:
            self.stderr.write(f"  {error}")
        if len(errors) > MAX_LISTED_ERRORS:
            self.stderr.write(f"  … et {len(errors) - MAX_LISTED_ERRORS} autre(s) erreur(s).")
        raise CommandError(f"{path} ({what}) : {len(errors)} erreur(s), rien n'a été écrit.")

    def _themes(self, path: str) -> list[Theme]:
        rows = self._table(path, THEME_COLUMNS, ("name",), "thèmes")
        errors, themes, seen = [], [], set()
        for line, row in rows:
            name = row["name"].strip()
            if not name:
                errors.append(RowError(line, "name", "nom de thème vide."))
            elif name in seen:
                errors.append(RowError(line, "name", f"thème « {name} » déjà défini plus haut."))
            else:
                seen.add(name)
                themes.append(Theme(name, row["description"].strip()))
        self._fail_on(errors, path, "thèmes")
        return themes

    def _contributions(self, path: str) -> list[Contribution]:
        rows = self._table(path, CONTRIBUTION_COLUMNS, ("id", "text"), "contributions")
        errors, items, seen = [], [], {}
        for line, row in rows:
            identifier = row["id"].strip()
            if not identifier:
                errors.append(RowError(line, "id", "identifiant vide."))
                continue
            if identifier in seen:
                errors.append(
                    RowError(line, "id", f"identifiant « {identifier} » déjà vu ligne {seen[identifier]}.")
                )
                continue
            seen[identifier] = line
            items.append(
                Contribution(
                    id=identifier,
                    text=row["text"],
                    audience=row["audience"].strip(),
                    qpv=row["qpv"].strip(),
                    commune=row["commune"].strip(),
                    contract=row["contract"].strip(),
                )
            )
        self._fail_on(errors, path, "contributions")
        return items

    def _labels(self, path: str, names: list[str]) -> dict[str, str]:
        rows = self._table(path, LABEL_COLUMNS, ("id", "theme"), "exemples étiquetés")
        known = set(names)
        errors, labels = [], {}
        for line, row in rows:
            identifier, theme = row["id"].strip(), row["theme"].strip()
            if not identifier:
                errors.append(RowError(line, "id", "identifiant vide."))
            elif theme not in known:
                errors.append(
                    RowError(
                        line, "theme", f"thème inconnu « {theme} » (thèmes connus : {', '.join(names)})."
                    )
                )
            else:
                labels[identifier] = theme
        self._fail_on(errors, path, "exemples étiquetés")
        return labels


def _output_rows(result: Report):
    for tag in result.tags:
        yield [tag.id, tag.theme, f"{tag.score:.3f}", ", ".join(tag.evidence)]


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target then rename: an interrupted run leaves no half-written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _quote(text: str) -> str:
    return f"« {text} »"


def format_report(result: Report) -> str:
    """The synthesis in French, as plain text."""
    lines = ["", "Thèmes"]
    for theme in sorted(result.themes, key=lambda item: -item.contributions):
        words = f" — mots : {', '.join(theme.words[:6])}" if theme.words else ""
        lines.append(
            f"  {theme.theme} : {theme.contributions} contribution(s) ({_number(theme.share * 100)} %){words}"
        )
    lines += ["", "Sujets par thème"]
    current = None
    for topic in result.topics:
        if topic.theme != current:
            current = topic.theme
            lines.append(f"  {topic.theme}")
        lines.append(f"    • {topic.label or 'sujet unique'} ({topic.contributions} contribution(s))")
        lines.extend(f"        {_quote(quote.text)} (n° {quote.id})" for quote in topic.quotes)
    lines += ["", "Contributions qui disent la même chose"]
    if not result.duplicates:
        lines.append("  Aucun groupe de contributions presque identiques.")
    for group in result.duplicates[:20]:
        theme = f" (thème : {group.theme})" if group.theme else ""
        lines.append(
            f"  {group.size} contributions disent en substance : {_quote(group.representative.text)}{theme}"
        )
    lines += ["", "Comparaison des publics"]
    if not result.comparisons:
        lines.append("  Il faut au moins deux publics (colonne audience) pour les comparer.")
    for comparison in result.comparisons:
        lines += _comparison_lines(comparison)
    places = [unit for unit in result.units if unit.specific_themes or unit.specific_topics]
    if places:
        lines += ["", "Ce qui distingue chaque lieu"]
        labels = {"qpv": "QPV", "commune": "Commune", "contrat": "Contrat"}
        for unit in places:
            specific = [term.term for term in unit.specific_themes] + [
                term.term for term in unit.specific_topics
            ]
            lines.append(
                f"  {labels[unit.level]} {unit.key} ({unit.contributions} contribution(s)), par rapport à "
                f"{unit.compared_with} : {', '.join(specific[:6])}"
            )
    return "\n".join(lines)


def _comparison_lines(comparison) -> list[str]:
    def terms(items, swap: bool = False) -> str:
        shown = [
            f"{item.term} ({item.other_count if swap else item.count} contre "
            f"{item.count if swap else item.other_count}, z = {_number(abs(item.z))})"
            for item in items[:10]
        ]
        return ", ".join(shown) or "rien de significatif"

    a, b = _quote(comparison.audience), _quote(comparison.other)
    return [
        f"  {a} ({comparison.contributions}) et {b} ({comparison.other_contributions})",
        f"    Ce que {a} dit et que {b} dit peu : {terms(comparison.over)}",
        f"    Ce que {b} dit et que {a} dit peu : {terms(comparison.under, swap=True)}",
        f"    Thèmes plus présents chez {a} : {terms(comparison.themes_over)}",
        f"    Thèmes plus présents chez {b} : {terms(comparison.themes_under, swap=True)}",
    ]
