"""`cooperer analyse`: files in, tags out, French messages on bad input, nothing written then (no database)."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.analysis.test_text_fixtures import TEXTS, THEMES

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def themes_file(folder: Path, separator: str = ";", encoding: str = "utf-8") -> Path:
    lines = [f"name{separator}description"] + [
        f'"{theme.name}"{separator}"{theme.description}"' for theme in THEMES
    ]
    return write(folder / "themes.csv", "\n".join(lines) + "\n", encoding)


def contributions_file(folder: Path, extra: list[tuple[str, str]] = (), encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",")
    writer.writerow(["id", "text", "audience", "qpv"])
    for i, (_, text) in enumerate(TEXTS):
        writer.writerow([f"c{i}", text, "habitants" if i % 2 else "professionnels", "QN04215M"])
    for identifier, text in extra:
        writer.writerow([identifier, text, "habitants", "QN04215M"])
    return write(folder / "contributions.csv", buffer.getvalue(), encoding)


def read_output(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_it_writes_a_theme_a_score_and_evidence_for_every_contribution(tmp_path, capsys):
    out = tmp_path / "tags.csv"

    call_command(
        "analyse",
        str(contributions_file(tmp_path)),
        "--themes",
        str(themes_file(tmp_path)),
        "--out",
        str(out),
    )

    rows = read_output(out)
    assert [row["id"] for row in rows] == [f"c{i}" for i in range(len(TEXTS))]
    assert list(rows[0]) == ["id", "theme", "score", "evidence"]
    right = sum(row["theme"] == TEXTS[i][0] for i, row in enumerate(rows))
    assert right >= 0.9 * len(TEXTS)
    assert all(0 < float(row["score"]) <= 1 and row["evidence"] for row in rows)
    assert "48 contribution(s) analysée(s)" in capsys.readouterr().out


def test_it_reads_cp1252_files_with_bom_or_semicolons_and_labelled_examples(tmp_path, capsys):
    contributions = contributions_file(
        tmp_path, extra=[("s1", "Le Solidaribus est formidable.")], encoding="cp1252"
    )
    themes = write(tmp_path / "themes.csv", "\ufeff" + themes_file(tmp_path, ",").read_text(encoding="utf-8"))
    labelled = write(
        tmp_path / "labelled.csv", "id;theme\ns1;Accès aux droits et services publics\n", "cp1252"
    )
    out = tmp_path / "tags.csv"

    call_command(
        "analyse", str(contributions), "--themes", str(themes), "--labelled", str(labelled), "--out", str(out)
    )

    rows = {row["id"]: row for row in read_output(out)}
    assert rows["s1"]["theme"] == "Accès aux droits et services publics"
    assert rows["s1"]["score"] == "1.000"
    assert rows["c12"]["theme"] == "Santé"  # « médecin généraliste » read correctly from cp1252
    assert "Windows-1252" in capsys.readouterr().out


def test_spreadsheet_formulas_in_the_output_are_neutralised(tmp_path):
    contributions = write(
        tmp_path / "contributions.csv",
        'id,text\n=1+1,Plus de bus le soir\n"@SUM(A1)",Des médecins\n+33,"=HYPERLINK(""http://x"",""bus"")"\n',
    )
    themes = write(tmp_path / "themes.csv", "name,description\n=Mobilité,Bus et tram\nSanté,Médecins\n")
    out = tmp_path / "tags.csv"

    call_command("analyse", str(contributions), "--themes", str(themes), "--out", str(out))

    text = out.read_text(encoding="utf-8")
    assert "\n'=1+1;'=Mobilité;" in text
    assert "\n'@SUM(A1);" in text
    assert "\n+33;" in text  # a plain number is not a formula
    for line in text.splitlines()[1:]:
        for cell in line.split(";"):
            assert not cell.startswith(("=", "@", "-")), cell


def test_the_report_option_prints_topics_duplicates_and_the_audience_comparison(tmp_path, capsys):
    repeated = [(f"r{i}", "Il faut plus de médecins généralistes dans le quartier !") for i in range(5)]
    out = tmp_path / "tags.csv"

    call_command(
        "analyse",
        str(contributions_file(tmp_path, extra=repeated)),
        "--themes",
        str(themes_file(tmp_path)),
        "--out",
        str(out),
        "--report",
    )

    printed = capsys.readouterr().out
    assert "Sujets par thème" in printed
    assert (
        "6 contributions disent en substance : « Il " in printed
    )  # the 5 copies and « Il n'y a plus de médecin… »
    assert "« habitants »" in printed and "« professionnels »" in printed


@pytest.mark.parametrize(
    ("contributions", "themes", "labelled", "message"),
    [
        ("id;texte_libre\n1;bus\n", None, None, "colonne\\(s\\) manquante\\(s\\) : text"),
        ("id,text\n1,bus\n", "description\nBus\n", None, "colonne\\(s\\) manquante\\(s\\) : name"),
        ("", None, None, "vide"),
        ("id,text\n", None, None, "aucune ligne"),
        ("id,text\n1,bus\n1,tram\n", None, None, "erreur"),
        ("id,text\n1,bus\n", None, "id,theme\n1,Voirie\n", "erreur"),
        ("id,text\n1,bus\n", "name,description\nMobilité,a\nMobilité,b\n", None, "erreur"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(
    tmp_path, contributions, themes, labelled, message
):
    args = [str(write(tmp_path / "c.csv", contributions))]
    args += ["--themes", str(write(tmp_path / "t.csv", themes) if themes else themes_file(tmp_path))]
    if labelled:
        args += ["--labelled", str(write(tmp_path / "l.csv", labelled))]
    out = tmp_path / "tags.csv"

    with pytest.raises(CommandError, match=message):
        call_command("analyse", *args, "--out", str(out))

    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".tags")] == []


def test_each_bad_line_is_listed_with_its_place(tmp_path, capsys):
    labelled = write(tmp_path / "l.csv", "id,theme\nc1,Santé\nc2,Voirie\n,Santé\n")

    with pytest.raises(CommandError):
        call_command(
            "analyse",
            str(contributions_file(tmp_path)),
            "--themes",
            str(themes_file(tmp_path)),
            "--labelled",
            str(labelled),
            "--out",
            str(tmp_path / "o.csv"),
        )

    errors = capsys.readouterr().err
    assert "ligne 3, colonne « theme » : thème inconnu « Voirie »" in errors
    assert "ligne 4, colonne « id » : identifiant vide." in errors


def test_a_binary_file_or_a_missing_folder_is_refused(tmp_path):
    binary = tmp_path / "c.csv"
    binary.write_bytes("id,text\n1,bus\n".encode("utf-16"))

    with pytest.raises(CommandError, match="pas un fichier texte"):
        call_command(
            "analyse", str(binary), "--themes", str(themes_file(tmp_path)), "--out", str(tmp_path / "o.csv")
        )
    with pytest.raises(CommandError, match="dossier de sortie n'existe pas"):
        call_command(
            "analyse",
            str(contributions_file(tmp_path)),
            "--themes",
            str(themes_file(tmp_path)),
            "--out",
            str(tmp_path / "absent" / "o.csv"),
        )


def test_the_command_line_exits_with_an_error_code_and_a_french_message(tmp_path):
    contributions = write(tmp_path / "c.csv", "id;texte_libre\n1;bus\n")
    out = tmp_path / "o.csv"

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("cooperer")),
            "analyse",
            str(contributions),
            "--themes",
            str(themes_file(tmp_path)),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert result.returncode != 0
    assert "colonne(s) manquante(s) : text" in result.stderr
    assert not out.exists()
