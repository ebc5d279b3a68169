import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from cooperer.territories.locator import NOWHERE, Area, QpvLocator
from cooperer.territories.services import annotate_points_file, qpv_at
from tests.conftest import square


def test_it_finds_the_area_of_each_point_and_nothing_elsewhere():
    locator = QpvLocator(
        [
            Area("QN04215M", "Sud-Est", shape(square(4.40, 45.42))),
            Area("QN04214M", "Crêt", shape(square(4.38, 45.44))),
        ]
    )
    lon = np.array([4.405, 4.385, 4.0, np.nan, 4.40])
    lat = np.array([45.425, 45.445, 45.0, 45.4, 45.42])
    assert locator.locate(lon, lat).tolist() == [0, 1, NOWHERE, NOWHERE, 0]


def test_an_empty_locator_finds_nothing():
    assert QpvLocator([]).locate(np.array([4.0]), np.array([45.0])).tolist() == [NOWHERE]


@pytest.mark.django_db
def test_qpv_at_uses_the_contours_in_the_database(territory):
    assert qpv_at(4.405, 45.425).code == "QN04215M"
    assert qpv_at(2.35, 48.85) is None


@pytest.mark.django_db
def test_it_annotates_a_points_file(territory, tmp_path):
    source = tmp_path / "beneficiaires.csv"
    source.write_text("id;lon;lat\n1;4,405;45,425\n2;2.35;48.85\n3;;\n4;7.305;47.745\n", encoding="utf-8")
    out = tmp_path / "sortie.csv"
    figures = annotate_points_file(str(source), str(out))
    assert figures == {"lignes": 4, "en_qpv": 2, "hors_qpv": 1, "coordonnees_illisibles": 1}
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id;lon;lat;code_qpv;nom_qpv"
    assert lines[1].endswith(";QN04215M;Quartiers Sud-Est")
    assert lines[2].endswith(";;")
    assert lines[4].endswith(";QN06803M;Les Coteaux")


@pytest.mark.django_db
def test_the_command_prints_the_qpv_or_says_there_is_none(territory, capsys):
    call_command("qpv_at", "4.405", "45.425")
    call_command("qpv_at", "2.35", "48.85")
    out = capsys.readouterr().out
    assert "QN04215M\tQuartiers Sud-Est" in out
    assert "n'est dans aucun QPV" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [(["400", "45"], "hors limites"), (["abc", "45"], "illisibles"), ([], "Donnez une longitude")],
)
def test_the_command_rejects_bad_coordinates(territory, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("qpv_at", *args)


@pytest.mark.django_db
def test_the_command_rejects_a_file_without_coordinates(territory, tmp_path):
    source = tmp_path / "sans.csv"
    source.write_text("nom,adresse\nA,B\n")
    with pytest.raises(CommandError, match="Colonnes « lon » et « lat » introuvables"):
        call_command("qpv_at", "--csv", str(source), "--out", str(tmp_path / "o.csv"))


@pytest.mark.django_db
def test_the_command_needs_contours(tmp_path):
    with pytest.raises(CommandError, match="Aucun contour"):
        call_command("qpv_at", "4.4", "45.4")


def test_geometry_round_trip_is_json():
    assert json.loads(json.dumps(square(1, 2)))["type"] == "Polygon"
