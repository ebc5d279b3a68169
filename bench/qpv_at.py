"""Benchmark of the QPV lookup for a file of points.

Issue target: 1 million points against the 1,584 national QPV contours in ≤ 10 s on 2 cores, file
reading and writing included. The measured call is `annotate_points_file` (read the CSV, locate every
point, write the CSV back with `code_qpv,nom_qpv`), i.e. what `cooperer qpv-at` runs once its
locator is built. Generating the input file is not measured; building the locator is measured apart.

Run: .venv/bin/python bench/qpv_at.py [--points 1000000] [--seed 42] [--contours PATH] [--keep]
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import csv
import gzip
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from cooperer.territories.locator import NOWHERE, Area, QpvLocator

ROOT = Path(__file__).resolve().parent.parent
CONTOURS = Path("qpv") / "qpv2024_contours_simplified.json.gz"
METRO_BBOX = (-5.2, 41.3, 9.6, 51.1)  # lon_min, lat_min, lon_max, lat_max
TARGET_S = 10
SAMPLE_SIZE = 2_000
UNREADABLE_ROWS = 300
# (lon, lat) texts that `annotate_points_file` must report as unreadable: empty, not a number, out of range.
UNREADABLE_VALUES = [
    ("", ""),
    ("abc", "45.1"),
    ("2.35", "abc"),
    ("", "48.8"),
    ("200.5", "45.0"),
    ("4.8", "-95.2"),
]
LABELS = ["Association des habitants", "Centre social, antenne nord", "Épicerie solidaire « Le Panier »"]


def log(message: str) -> None:
    print(f"[bench qpv_at] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure l'annotation QPV d'un fichier de points.")
    parser.add_argument("--points", type=int, default=1_000_000, help="nombre de lignes (défaut 1 000 000)")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    parser.add_argument("--contours", type=Path, help="fichier qpv2024_contours_simplified.json.gz")
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire et ses fichiers")
    args = parser.parse_args()
    if args.points < 1:
        parser.error("--points doit être un entier positif.")
    return args


def find_contours(given: Path | None) -> Path:
    """The contours file: --contours, else $COOPERER_REFERENCE_DIR, else ../shared/data; exit 2 if absent."""
    reference_dir = os.environ.get("COOPERER_REFERENCE_DIR", "")
    if given:
        candidates = [given]
    else:
        candidates = [Path(reference_dir) / CONTOURS] if reference_dir else []
        candidates.append(ROOT.parent / "shared" / "data" / CONTOURS)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(candidate) for candidate in candidates)
    print(
        f"Fichier des contours QPV introuvable (cherché : {tried}). Indiquez-le avec --contours CHEMIN "
        "ou définissez COOPERER_REFERENCE_DIR (dossier contenant qpv/qpv2024_contours_simplified.json.gz).",
        file=sys.stderr,
    )
    sys.exit(2)


def load_areas(path: Path) -> list[Area]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        qpvs = json.load(handle)["qpvs"]
    return [
        Area(qpv["code"], qpv["label"], shape({"type": "MultiPolygon", "coordinates": qpv["g"]}))
        for qpv in qpvs
    ]


def random_points(areas: list[Area], count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Half inside the bounding boxes of random QPVs (hits and near-misses), half over metropolitan France."""
    bounds = shapely.bounds(np.array([area.geometry for area in areas], dtype=object))
    urban = count // 2
    boxes = bounds[rng.integers(0, len(areas), size=urban)]
    lon_min, lat_min, lon_max, lat_max = METRO_BBOX
    lon = np.concatenate(
        [rng.uniform(boxes[:, 0], boxes[:, 2]), rng.uniform(lon_min, lon_max, size=count - urban)]
    )
    lat = np.concatenate(
        [rng.uniform(boxes[:, 1], boxes[:, 3]), rng.uniform(lat_min, lat_max, size=count - urban)]
    )
    order = rng.permutation(count)
    return lon[order], lat[order]


def write_points(path: Path, lon: np.ndarray, lat: np.ndarray, rng: np.random.Generator) -> int:
    """Write `lon,lat,id,libelle`; a few hundred rows get unreadable coordinates. Returns their number."""
    lon_text = [f"{value:.6f}" for value in lon]
    lat_text = [f"{value:.6f}" for value in lat]
    broken = rng.choice(len(lon), size=min(UNREADABLE_ROWS, len(lon) // 10), replace=False)
    for number, row in enumerate(broken):
        lon_text[row], lat_text[row] = UNREADABLE_VALUES[number % len(UNREADABLE_VALUES)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lon", "lat", "id", "libelle"])
        writer.writerows(
            (x, y, row, LABELS[row % len(LABELS)])
            for row, (x, y) in enumerate(zip(lon_text, lat_text, strict=True))
        )
    return len(broken)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def annotate_function():
    """`annotate_points_file`, imported once Django is set up (services imports the models)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperer.settings.dev")
    django.setup()
    from cooperer.territories.services import annotate_points_file

    return annotate_points_file


def read_sample(path: Path, rows: set[int]) -> list[list[str]]:
    """The output rows at the given positions (0 = first data row), in file order."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [row for position, row in enumerate(reader) if position in rows]


def coordinate(text: str, low: float, high: float) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return float("nan")
    return value if low <= value <= high else float("nan")


def brute_force(areas: list[Area], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """First area whose contour intersects each point (boundary inside), tested against every contour.

    Uses fresh, unprepared copies of the contours so nothing is shared with the locator's index."""
    geometries = shapely.from_wkb(shapely.to_wkb(np.array([area.geometry for area in areas], dtype=object)))
    valid = np.isfinite(lon) & np.isfinite(lat)
    points = shapely.points(np.where(valid, lon, 0.0), np.where(valid, lat, 0.0))
    hits = shapely.intersects(geometries[np.newaxis, :], points[:, np.newaxis]) & valid[:, np.newaxis]
    return np.where(hits.any(axis=1), hits.argmax(axis=1), NOWHERE)


def check_sample(
    areas: list[Area], out_path: Path, rng: np.random.Generator, total: int
) -> tuple[float, int]:
    """Share of sampled output rows whose code_qpv/nom_qpv match the brute force, and how many are in a QPV."""
    positions = rng.choice(total, size=min(SAMPLE_SIZE, total), replace=False)
    rows = read_sample(out_path, set(positions.tolist()))
    lon = np.array([coordinate(row[0], -180, 180) for row in rows])
    lat = np.array([coordinate(row[1], -90, 90) for row in rows])
    expected = [
        (areas[index].code, areas[index].name) if index != NOWHERE else ("", "")
        for index in brute_force(areas, lon, lat)
    ]
    agreeing = sum((row[-2], row[-1]) == pair for row, pair in zip(rows, expected, strict=True))
    inside = sum(code != "" for code, _ in expected)
    return agreeing / len(rows), inside


def measure(areas: list[Area], in_path: Path, out_path: Path) -> dict:
    """Build the locator, then annotate the file: the two timed steps, and the peak memory so far."""
    annotate_points_file = annotate_function()
    log(f"construction du localisateur ({len(areas)} QPV)")
    locator, build_s = timed(QpvLocator, areas)
    log("annotation du fichier (lecture + localisation + écriture)")
    stats, annotate_s = timed(annotate_points_file, str(in_path), str(out_path), locator)
    log(f"annoté en {annotate_s:.2f} s")
    return {"stats": stats, "build_s": build_s, "annotate_s": annotate_s, "peak_rss_mb": peak_rss_mb()}


def run(args: argparse.Namespace, contours: Path, folder: Path) -> dict:
    rng = np.random.default_rng(args.seed)
    log(f"contours : {contours}")
    areas = load_areas(contours)
    in_path, out_path = folder / "points.csv", folder / "points_qpv.csv"
    log(f"génération de {args.points:,} points dans {in_path}")
    generated_unreadable = write_points(in_path, *random_points(areas, args.points, rng), rng)
    measured = measure(areas, in_path, out_path)
    log("vérification par force brute sur un échantillon")
    agreement, sample_in_qpv = check_sample(areas, out_path, rng, args.points)
    stats, annotate_s = measured["stats"], measured["annotate_s"]
    reported = stats["coordonnees_illisibles"]
    if reported != generated_unreadable:
        log(f"attention : {generated_unreadable} lignes illisibles générées, {reported} signalées")
    return {
        "bench": "qpv_at",
        "points": stats["lignes"],
        "qpv": len(areas),
        "build_locator_s": round(measured["build_s"], 3),
        "annotate_file_s": round(annotate_s, 3),
        "build_plus_annotate_s": round(measured["build_s"] + annotate_s, 3),
        "points_per_s": round(stats["lignes"] / annotate_s),
        "in_qpv": stats["en_qpv"],
        "out_of_qpv": stats["hors_qpv"],
        "unreadable": stats["coordonnees_illisibles"],
        "unreadable_generated": generated_unreadable,
        "input_mb": round(in_path.stat().st_size / 1e6, 1),
        "peak_rss_mb": round(measured["peak_rss_mb"], 1),
        "sample_size": min(SAMPLE_SIZE, args.points),
        "sample_in_qpv": sample_in_qpv,
        "sample_agreement": agreement,
        "target_s": TARGET_S,
        "meets_target": annotate_s <= TARGET_S,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "shapely": shapely.__version__,
        "seed": args.seed,
    }


def main() -> None:
    args = parse_args()
    contours = find_contours(args.contours)
    folder = Path(tempfile.mkdtemp(prefix="cooperer-bench-qpv-"))
    try:
        result = run(args, contours, folder)
    finally:
        if args.keep:
            log(f"fichiers gardés dans {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
