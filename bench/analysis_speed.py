"""Speed and memory of the consultation analysis end to end (tagging, topics, duplicates, audience comparison,
roll-up), on synthetic French contributions with planted near-duplicates.

Targets (issue 17, with the word vectors): 100,000 contributions in ≤ 30 s on 2 cores with ≤ 1 GB peak memory;
1,000,000 streamed in ≤ 6 min, with memory that does not grow with the corpus. The time and memory of loading the
word vectors (`vectors.load()`, in a fresh interpreter) are measured apart (`vector_load`); the analysis run
includes that load.

Two modes:
- in memory (default up to 200,000): the contributions are a Python list, tags are kept in the report (what the
  web app does for one consultation);
- streaming (`--stream`, default above 200,000): the contributions are written to a CSV file first (not timed),
  then read twice from it by `analyse()` (a source function), and the tags go to a CSV file chunk by chunk
  (`sink`, with the duplicate group number in a last column, read back afterwards for the checks).

Generated texts (seeded): 12 politique-de-la-ville themes, each with its own subjects and complaints, in a few
sentence frames, sometimes two clauses on two themes, with typos, capitals, emoji, HTML and the odd very long
text; three audiences whose vocabulary differs (professionals speak of partnership and funding, young people of
places of their own); one QPV (QN04213M) speaks much more of mobility than the others. Planted near-duplicate
groups (petition-like sentences copied with small edits: case, punctuation, one word added or dropped, emoji)
of 2 to 60 members. Checked: each planted group is found as one group (≥ 80 % of its members together),
tags agree with the theme each text was generated from, the professionals' planted words come out as
over-represented, and the mobility QPV has mobility as a specific theme.

Run: .venv/bin/python bench/analysis_speed.py [--contributions 100000] [--stream] [--seed 42] [--keep]
Prints one JSON object on stdout; progress on stderr.
"""

import argparse
import csv
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cooperer.analysis.text import Contribution, Theme, analyse

TARGETS = {100_000: 30, 1_000_000: 360}
MEMORY_TARGET_MB = 1024
STREAM_ABOVE = 200_000

THEMES = {
    "Emploi et insertion": "Trouver un travail, se former, accompagnement vers l'emploi, chantiers d'insertion",
    "Éducation et réussite": "École, collège, soutien scolaire, décrochage, réussite éducative",
    "Jeunesse": "Lieux et activités pour les jeunes, animateurs, engagement des adolescents",
    "Santé": "Accès aux soins, médecins, santé mentale, prévention",
    "Logement et cadre de vie": "Logements, immeubles, rénovation, propreté, espaces publics",
    "Tranquillité publique": "Sécurité, incivilités, trafics, sentiment d'insécurité, médiation",
    "Mobilité": "Transports en commun, bus, tram, vélo, stationnement",
    "Lien social et vie associative": "Se rencontrer, fêtes de quartier, associations, entraide entre voisins",
    "Culture et sport": "Équipements sportifs, clubs, bibliothèque, activités culturelles",
    "Transition écologique": "Nature en ville, jardins, énergie, déchets, climat",
    "Accès aux droits et services publics": "Démarches administratives, CAF, numérique, France services",
    "Participation citoyenne": "Être écouté, conseil citoyen, décider ensemble, concertation",
}

# Per theme: subjects (what people ask for or complain about).
SUBJECTS = {
    "Emploi et insertion": [
        "du travail pour les jeunes diplômés",
        "des formations aux métiers du bâtiment",
        "un chantier d'insertion",
        "des offres d'emploi affichées au centre social",
        "un accompagnement vers l'emploi des mamans",
        "des stages dans les entreprises du coin",
        "un forum de l'emploi chaque année",
        "aider les chômeurs à passer le permis",
    ],
    "Éducation et réussite": [
        "du soutien scolaire gratuit le soir",
        "moins d'élèves par classe à l'école",
        "des enseignants remplacés quand ils sont absents",
        "lutter contre le décrochage au collège",
        "une aide aux devoirs à la bibliothèque",
        "des parents associés à la vie de l'école",
        "des classes rénovées et chauffées",
        "des cours de français pour les parents",
    ],
    "Jeunesse": [
        "un local pour les jeunes ouvert le soir",
        "des animateurs de rue pendant les vacances",
        "des séjours et des sorties pour les adolescents",
        "un espace jeunes avec des jeux et de la musique",
        "aider les jeunes à monter leurs projets",
        "des éducateurs présents au pied des immeubles",
        "un conseil des jeunes du quartier",
        "des activités pour les ados le week-end",
    ],
    "Santé": [
        "un médecin généraliste dans le quartier",
        "une maison de santé avec des infirmiers",
        "un dentiste qui accepte la CMU",
        "des psychologues accessibles sans attendre des mois",
        "des actions de prévention contre le diabète",
        "une pharmacie ouverte le dimanche",
        "des dépistages gratuits au centre social",
        "un accompagnement pour la santé mentale des jeunes",
    ],
    "Logement et cadre de vie": [
        "réparer l'ascenseur de l'immeuble",
        "des logements moins humides et mieux isolés",
        "rénover les halls et les cages d'escalier",
        "des loyers et des charges qui n'augmentent plus",
        "nettoyer les trottoirs et les espaces publics",
        "repeindre les façades des immeubles",
        "un bailleur qui répond aux demandes des locataires",
        "des bancs et de l'éclairage sur la place",
    ],
    "Tranquillité publique": [
        "moins de trafic de drogue en bas des immeubles",
        "la fin des rodéos de motos la nuit",
        "des médiateurs présents le soir",
        "plus de police de proximité dans les rues",
        "se sentir en sécurité en rentrant le soir",
        "moins d'incivilités et d'agressions",
        "des caméras près de l'arrêt de tram",
        "des halls d'immeuble libérés des squats",
    ],
    "Mobilité": [
        "plus de bus le soir et le dimanche",
        "prolonger la ligne de tram jusqu'au quartier",
        "des pistes cyclables sécurisées",
        "des places de stationnement pour les voitures",
        "un arrêt de bus abrité et éclairé",
        "des navettes vers la zone d'emploi",
        "des trottoirs pour les poussettes et les fauteuils",
        "des vélos en libre-service près de la gare",
    ],
    "Lien social et vie associative": [
        "une fête de quartier chaque été",
        "des repas partagés entre voisins",
        "soutenir les bénévoles des associations",
        "une maison des associations ouverte à tous",
        "des rencontres entre générations",
        "que les voisins se connaissent et s'entraident",
        "un café associatif pour se retrouver",
        "un vide-grenier au printemps",
    ],
    "Culture et sport": [
        "un city-stade éclairé",
        "un gymnase ouvert le week-end",
        "une bibliothèque ouverte plus tard",
        "des cours de danse et de théâtre",
        "un club de football pour les filles",
        "une piscine moins chère pour les familles",
        "des concerts et des spectacles dans le parc",
        "des ateliers de peinture et de musique",
    ],
    "Transition écologique": [
        "un jardin partagé au pied des immeubles",
        "planter des arbres pour avoir de l'ombre",
        "des panneaux solaires sur les toits",
        "trier les déchets et faire du compost",
        "des îlots de fraîcheur quand il fait chaud",
        "réduire les factures d'énergie",
        "des potagers pour les familles",
        "moins de voitures et moins de pollution",
    ],
    "Accès aux droits et services publics": [
        "de l'aide pour les démarches de la CAF",
        "une permanence France services",
        "des ordinateurs et de l'aide au numérique",
        "la réouverture de la mairie annexe",
        "un écrivain public pour les papiers",
        "un bureau de poste qui reste ouvert",
        "des rendez-vous à la préfecture sans attendre",
        "une aide pour remplir les dossiers en ligne",
    ],
    "Participation citoyenne": [
        "être écoutés par la mairie",
        "un conseil citoyen qui décide vraiment",
        "consulter les habitants avant les travaux",
        "des réunions de concertation le soir",
        "des élus qui viennent dans le quartier",
        "un budget participatif pour le quartier",
        "être informés des projets de rénovation",
        "décider ensemble des priorités du quartier",
    ],
}
FRAMES = [
    "Il faudrait {s}.",
    "Nous voulons {s}.",
    "En 2030, j'aimerais {s}.",
    "Notre quartier a besoin de {s}.",
    "Ce serait bien d'avoir {s}.",
    "{S}, c'est urgent.",
    "Pourquoi pas {s} ?",
    "Je souhaite {s} pour nos enfants.",
]
JOINERS = [" Et aussi ", " Il faudrait aussi ", " Sans oublier ", " Et puis "]
FILLERS = [
    "vraiment",
    "enfin",
    "svp",
    "franchement",
    "depuis des années",
    "comme avant",
    "pour tout le monde",
    "le plus vite possible",
    "à Montreynaud",
    "dans notre rue",
    "près de l'école",
    "pour les anciens",
]
EMOJI = ["😀", "👍", "🙏", "❤️", "🚌", "🌳", "😡"]
AUDIENCE_WORDS = {
    "professionnels": [
        "en partenariat avec les acteurs",
        "avec une coordination des dispositifs",
        "avec des financements pérennes",
        "dans le cadre du contrat de ville",
    ],
    "jeunes": ["pour nous les jeunes", "avec nos potes", "un endroit à nous"],
}
QPVS = [
    ("QN04211M", "Saint-Étienne", "Saint-Étienne Métropole"),
    ("QN04213M", "Saint-Étienne", "Saint-Étienne Métropole"),
    ("QN04215M", "Saint-Étienne", "Saint-Étienne Métropole"),
    ("QN04207M", "Rive-de-Gier", "Saint-Étienne Métropole"),
    ("QN04222N", "Firminy", "Saint-Étienne Métropole"),
    ("QN06803M", "Mulhouse", "Mulhouse Alsace Agglomération"),
    ("QN06804M", "Mulhouse", "Mulhouse Alsace Agglomération"),
    ("QN06809M", "Wittenheim", "Mulhouse Alsace Agglomération"),
]
MOBILITY_QPV = "QN04213M"
PETITIONS = [
    "Pétition des riverains de la rue {place} : nous demandons {a} et {b} {when}",
    "Collectif des locataires de la résidence {place} : {a}, {b}, {when}",
    "Au nom des parents de l'école {place}, nous voulons {a} ainsi que {b} {when}",
]
WHEN = [
    "avant l'été",
    "d'ici la rentrée",
    "avant 2030",
    "dès cette année",
    "sans attendre le prochain mandat",
]
PLACES = [
    "des Tilleuls",
    "Jean-Moulin",
    "des Acacias",
    "Pasteur",
    "Marcel-Pagnol",
    "du Marais",
    "des Peupliers",
    "Victor-Hugo",
    "du Soleil",
    "des Genêts",
    "Louise-Michel",
    "du Moulin",
    "Aristide-Briand",
    "des Sources",
    "Colette",
]


def log(message: str) -> None:
    print(f"[bench analysis_speed] {message}", file=sys.stderr, flush=True)


def generate(count: int, seed: int, planted: dict[str, list[str]]):
    """Rows (id, text, audience, qpv, commune, contract, generating theme — "" for planted duplicates), yielded one
    by one so that a million need not be held in memory; `planted` receives group -> member ids."""
    rng = random.Random(seed)
    names = list(THEMES)
    copies = []
    remaining = max(count // 20, 2)  # 5 % of the contributions are planted duplicates
    group = 0
    while remaining >= 2:
        size = min(remaining, max(2, int(rng.paretovariate(1.2) * 2)), 60)
        first, second = rng.sample(names, 2)
        base = rng.choice(PETITIONS).format(
            place=rng.choice(PLACES),
            a=rng.choice(SUBJECTS[first]),
            b=rng.choice(SUBJECTS[second]),
            when=rng.choice(WHEN),
        )
        members = planted.setdefault(base, [])
        for _ in range(size):
            members.append(f"d{group}-{len(members)}")
            copies.append((members[-1], _variant(base, rng), *_where_and_who(rng), ""))
        remaining -= size
        group += 1
    rng.shuffle(copies)
    free = count - len(copies)
    for position in range(count):
        # Sequential sampling: each remaining slot holds a copy with probability copies left / slots left.
        if copies and rng.random() < len(copies) / (count - position):
            yield copies.pop()
        else:
            yield _free_text(position, rng, names)
            free -= 1


def _where_and_who(rng: random.Random) -> tuple[str, str, str, str]:
    audience = rng.choices(["habitants", "professionnels", "jeunes"], weights=[6, 3, 1])[0]
    qpv, commune, contract = rng.choice(QPVS)
    return audience, qpv, commune, contract


def _variant(text: str, rng: random.Random) -> str:
    words = text.split()
    edit = rng.random()
    if edit < 0.25 and len(words) > 8:
        del words[rng.randrange(len(words))]
    elif edit < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(["vraiment", "svp", "urgent", "merci"]))
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text.upper() if rng.random() < 0.3 else text.lower()
    return text + rng.choice([".", " !", " !!", "", " " + rng.choice(EMOJI)])


def _free_text(number: int, rng: random.Random, names: list[str]) -> tuple[str, str, str, str, str, str, str]:
    audience, qpv, commune, contract = _where_and_who(rng)
    theme = "Mobilité" if qpv == MOBILITY_QPV and rng.random() < 0.4 else rng.choice(names)
    subject = rng.choice(SUBJECTS[theme])
    frame = rng.choice(FRAMES)
    text = frame.replace("{S}", subject[0].upper() + subject[1:]).replace("{s}", subject)
    if rng.random() < 0.5:
        text = text.rstrip(".!? ") + " " + rng.choice(FILLERS) + "."
    if audience in AUDIENCE_WORDS and rng.random() < 0.5:
        text = text.rstrip(".!? ") + " " + rng.choice(AUDIENCE_WORDS[audience]) + "."
    if rng.random() < 0.25:  # a second, shorter idea on another theme
        text += rng.choice(JOINERS) + rng.choice(SUBJECTS[rng.choice(names)]) + "."
    roll = rng.random()
    if roll < 0.03:
        text = f"<p>{text}</p><script>alert('x')</script>"
    elif roll < 0.08:
        text += " " + rng.choice(EMOJI) * rng.randint(1, 3)
    elif roll < 0.0801:
        text = (text + " ") * 400  # the odd 50,000-character paste
    if rng.random() < 0.05:
        position = rng.randrange(len(text))
        text = text[:position] + text[position + 1 :]  # a typo
    return (f"t{number}", text, audience, qpv, commune, contract, theme)


def write_csv(path: Path, rows) -> None:
    """The contributions, with the generating theme in a last column that the analysis does not read."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "audience", "qpv", "commune", "contract", "generated_theme"])
        writer.writerows(rows)


def file_source(path: Path):
    def contributions():
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield Contribution(
                    row["id"], row["text"], row["audience"], row["qpv"], row["commune"], row["contract"]
                )

    return contributions


class CsvSink:
    """Writes the tags as `cooperer analyse` does, plus the duplicate group number (for the checks, read back
    from the file afterwards: nothing per contribution stays in memory)."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
        self.writer = csv.writer(self.handle)
        self.writer.writerow(["id", "theme", "score", "evidence", "group"])
        self.rows = 0

    def __call__(self, tags) -> None:
        self.writer.writerows(
            (tag.id, tag.theme, f"{tag.score:.3f}", ", ".join(tag.evidence), tag.duplicate_group)
            for tag in tags
        )
        self.rows += len(tags)

    def close(self) -> None:
        self.handle.close()


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def stream_groups(tags_path: Path, planted: dict[str, list[str]]) -> tuple[dict[str, int], Counter]:
    """Group numbers of the planted contributions and the sizes of their groups, read back from the tags file
    (two streaming reads, memory bounded by the planted contributions)."""
    wanted = {identifier for members in planted.values() for identifier in members}
    groups: dict[str, int] = {}
    with open(tags_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["id"] in wanted and row["group"]:
                groups[row["id"]] = int(row["group"])
    numbers = set(groups.values())
    sizes: Counter = Counter()
    with open(tags_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["group"] and int(row["group"]) in numbers:
                sizes[int(row["group"])] += 1
    return groups, sizes


def checks(report, truth, planted: dict[str, list[str]], groups: dict[str, int], sizes: Counter) -> dict:
    """Planted groups found whole, tags agreeing with the generating theme, planted audience and QPV signals.
    `truth` yields (id, generating theme, tagged theme); `groups` maps ids in a duplicate group to its number.
    Planted groups whose petition happens to be drawn twice (same place, subjects and time) count as one."""
    recovered, largest_share, purity = 0, [], []
    for members in planted.values():
        numbers = Counter(groups[i] for i in members if i in groups)
        number, together = numbers.most_common(1)[0] if numbers else (None, 0)
        largest_share.append(together / len(members))
        recovered += together >= 0.8 * len(members)
        if number is not None:
            purity.append(together / sizes[number])  # share of the found group that is this planted group
    compared = agreeing = 0
    for _, generating, tagged in truth:
        if generating:
            compared += 1
            agreeing += generating == tagged
    professionals = next(
        (c for c in report.comparisons if {c.audience, c.other} == {"habitants", "professionnels"}), None
    )
    planted_words = {"partenariat", "coordination", "dispositif", "financement", "pérenne", "contrat"}
    if professionals is None:
        found_words = []
    else:
        side = professionals.over if professionals.audience == "professionnels" else professionals.under
        found_words = [term.term for term in side[:10]]
    mobility = next((u for u in report.units if u.level == "qpv" and u.key == MOBILITY_QPV), None)
    return {
        "planted_groups": len(planted),
        "planted_members": sum(len(m) for m in planted.values()),
        "planted_groups_recovered": recovered,
        "planted_recall_mean": round(sum(largest_share) / max(len(largest_share), 1), 3),
        "planted_purity_mean": round(sum(purity) / max(len(purity), 1), 3),
        "duplicate_groups_reported": len(report.duplicates),
        "largest_group": report.duplicates[0].size if report.duplicates else 0,
        "tag_agreement_with_generator": round(agreeing / max(compared, 1), 3),
        "professionals_top_words": found_words,
        "professionals_planted_words_found": sorted(planted_words & set(found_words)),
        "mobility_qpv_specific_themes": [t.term for t in mobility.specific_themes] if mobility else [],
        "topics": len(report.topics),
        "unclassified": report.contributions - report.analysed,
    }


def stream_truth(source_path: Path, tags_path: Path):
    """(id, generating theme, tagged theme), reading both files side by side (same order)."""
    with (
        open(source_path, encoding="utf-8", newline="") as source,
        open(tags_path, encoding="utf-8", newline="") as tags,
    ):
        for row, tag in zip(csv.DictReader(source), csv.DictReader(tags), strict=True):
            yield row["id"], row["generated_theme"], tag["theme"]


LOAD_SCRIPT = """
import json, time
from pathlib import Path
def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
import numpy
from cooperer.analysis.text import vectors
Path("/proc/self/clear_refs").write_text("5")
before = peak()
started = time.perf_counter()
loaded = vectors.load()
seconds = time.perf_counter() - started
print(json.dumps({"name": loaded.name if loaded else "", "seconds": round(seconds, 3),
                  "peak_rss_increase_mb": round(peak() - before, 1)}))
"""


def vector_load() -> dict:
    """Time and memory of loading the word vectors, alone, in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT], capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout)


def run(args: argparse.Namespace, folder: Path) -> dict:
    themes = [Theme(name, description) for name, description in THEMES.items()]
    stream = args.stream or args.contributions > STREAM_ABOVE
    planted: dict[str, list[str]] = {}
    log(f"génération de {args.contributions:,} contributions")
    sink = None
    source_path = folder / "contributions.csv"
    if stream:
        write_csv(source_path, generate(args.contributions, args.seed, planted))
        contributions, total = file_source(source_path), args.contributions
        sink = CsvSink(folder / "tags.csv")
    else:
        rows = list(generate(args.contributions, args.seed, planted))
        contributions, total = [Contribution(*row[:6]) for row in rows], None
    progress_marks: list[float] = []
    logged = [-1.0]

    def progress(fraction: float, message: str) -> None:
        if fraction - logged[0] >= 0.05 or fraction == 1.0:
            logged[0] = fraction
            log(f"{fraction:5.0%} {message}")
        progress_marks.append(fraction)

    load = vector_load()
    load_before = os.getloadavg()[0]
    rss_before = status_mb("VmRSS")
    peak_reset = reset_peak()
    started = time.perf_counter()
    report = analyse(contributions, themes, progress=progress, sink=sink, total=total)
    seconds = time.perf_counter() - started
    peak = status_mb("VmHWM")
    if sink is not None:
        sink.close()
        truth = stream_truth(source_path, folder / "tags.csv")
        groups, sizes = stream_groups(folder / "tags.csv", planted)
    else:
        tagged = {tag.id: tag.theme for tag in report.tags}
        truth = ((row[0], row[6], tagged[row[0]]) for row in rows)
        groups = {tag.id: tag.duplicate_group for tag in report.tags if tag.duplicate_group is not None}
        sizes = Counter(groups.values())
    target = TARGETS.get(args.contributions)
    return {
        "bench": "analysis_speed",
        "contributions": report.contributions,
        "mode": "stream" if stream else "memory",
        "seconds": round(seconds, 1),
        "contributions_per_s": round(report.contributions / seconds),
        "steps_s": {key: value for key, value in report.figures.items() if key.endswith("_s")},
        "sample": report.figures.get("sample"),
        "vocabulary": report.figures.get("vocabulary"),
        "word_vectors": report.figures.get("word_vectors"),
        "vector_load": load,
        "duplicate_candidates": report.figures.get("duplicate_candidates"),
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "peak_rss_is_analysis_only": peak_reset,
        "progress_calls": len(progress_marks),
        "progress_monotone": progress_marks == sorted(progress_marks) and progress_marks[-1] == 1.0,
        "target_s": target,
        "meets_time_target": seconds <= target if target else None,
        "memory_target_mb": MEMORY_TARGET_MB,
        "meets_memory_target": peak <= MEMORY_TARGET_MB if peak else None,
        "duplicate_groups_held": report.figures.get("duplicate_groups_held"),
        "duplicate_singletons_forgotten": report.figures.get("duplicate_singletons_forgotten"),
        "checks": checks(report, truth, planted, groups, sizes),
        "cpu_count": os.cpu_count(),
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before and after: other work
        "python": platform.python_version(),
        "seed": args.seed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Mesure la vitesse et la mémoire de l'analyse des contributions."
    )
    parser.add_argument(
        "--contributions", type=int, default=100_000, help="nombre de contributions (défaut 100 000)"
    )
    parser.add_argument(
        "--stream",
        action="store_true",
        help="lire depuis un fichier et écrire les étiquettes au fil de l'eau",
    )
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur")
    parser.add_argument("--keep", action="store_true", help="garder les fichiers générés (mode flux)")
    args = parser.parse_args()
    if args.contributions < 100:
        parser.error("--contributions doit valoir au moins 100.")
    folder = Path(tempfile.mkdtemp(prefix="cooperer-bench-analysis-"))
    try:
        result = run(args, folder)
    finally:
        if args.keep:
            log(f"fichiers gardés dans {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
