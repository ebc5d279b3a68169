import gzip
import json

import pytest

from cooperer.territories.importers import ReferenceImportError, import_reference
from cooperer.territories.models import Commune, Epci, Qpv
from tests.conftest import square

pytestmark = pytest.mark.django_db


def feature(code, name, insee="42218", lib="Saint-Étienne", geometry=None):
    return {
        "type": "Feature",
        "properties": {"code_qp": code, "lib_qp": name, "insee_com": insee, "lib_com": lib},
        "geometry": geometry or square(4.40, 45.42),
    }


def write_geojson(tmp_path, features, name="qpv.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def test_it_imports_qpv_contours_and_is_idempotent(tmp_path):
    path = write_geojson(
        tmp_path,
        [
            feature("QN04215M", "Quartiers Sud-Est"),
            feature(
                "QN06807M", "Drouot-Jonquilles", "68154, 68224", "Illzach, Mulhouse", square(7.35, 47.76)
            ),
        ],
    )
    first = import_reference(path)
    second = import_reference(path)
    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    drouot = Qpv.objects.get(code="QN06807M")
    assert sorted(drouot.communes.values_list("name", flat=True)) == ["Illzach", "Mulhouse"]
    assert drouot.departement.name == "Haut-Rhin"
    assert drouot.generation == 2024
    assert drouot.min_lon == pytest.approx(7.35)


def test_it_reads_the_qpv_list_csv_with_multi_commune_rows_in_cp1252(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(
        "code_qp;lib_qp;insee_com;lib_com\n"
        "QN06807M;Drouot-Jonquilles;68154;Illzach\n"
        "QN06807M;Drouot-Jonquilles;68224;Mulhouse\n"
        "QN04214M;Crêt De Roc - Soleil;42218;Saint-Étienne\n".encode("cp1252")
    )
    summary = import_reference(str(path))
    assert summary.created == 2
    assert "cp1252" in " ".join(summary.warnings)
    assert Qpv.objects.get(code="QN04214M").name == "Crêt De Roc - Soleil"
    assert Qpv.objects.get(code="QN06807M").communes.count() == 2


def test_it_reads_the_compact_gzipped_contours_and_utf8_bom(tmp_path):
    document = {
        "meta": {},
        "qpvs": [
            {
                "code": "QP042006",
                "label": "Ancien quartier",
                "insee": ["42218"],
                "g": [square(4.4, 45.4)["coordinates"]],
            }
        ],
    }
    path = tmp_path / "qpv.json.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + json.dumps(document).encode()))
    import_reference(str(path))
    assert Qpv.objects.get(code="QP042006").generation == 2015


def test_it_links_communes_imported_after_the_qpvs(tmp_path):
    import_reference(write_geojson(tmp_path, [feature("QN04222N", "Layat Bas-Mas", "42095", "")]))
    epcis = tmp_path / "epcis.json"
    epcis.write_text(json.dumps([{"nom": "Saint-Étienne Métropole", "code": "244200770"}]))
    communes = tmp_path / "communes.json"
    communes.write_text(
        json.dumps([{"nom": "Firminy", "code": "42095", "codeEpci": "244200770", "codesPostaux": ["42700"],
                     "centre": {"type": "Point", "coordinates": [4.28, 45.38]}}])
    )  # fmt: skip
    import_reference(str(epcis))
    import_reference(str(communes))
    firminy = Commune.objects.get(insee_code="42095")
    assert firminy.epci == Epci.objects.get(siren="244200770")
    assert list(firminy.qpvs.values_list("code", flat=True)) == ["QN04222N"]


def test_a_bad_row_rejects_the_whole_file(tmp_path):
    path = write_geojson(
        tmp_path, [feature("QN04215M", "Quartiers Sud-Est"), feature("QN4215", "Mauvais code")]
    )
    with pytest.raises(ReferenceImportError) as error:
        import_reference(path)
    assert "rien n'a été importé" in str(error.value)
    assert [(e.line, e.column) for e in error.value.errors] == [(2, "code_qp")]
    assert Qpv.objects.count() == 0


def test_it_explains_a_truncated_geojson(tmp_path):
    path = tmp_path / "tronque.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature("QN04215M", "X")]})[:-40])
    with pytest.raises(ReferenceImportError, match=r"tronqué ou invalide \(ligne 1, colonne"):
        import_reference(str(path))


def test_it_refuses_projected_coordinates_with_a_hint(tmp_path):
    lambert = {
        "type": "Polygon",
        "coordinates": [[[808000, 6480000], [809000, 6480000], [809000, 6481000], [808000, 6480000]]],
    }
    with pytest.raises(ReferenceImportError) as error:
        import_reference(
            write_geojson(tmp_path, [feature("QN04215M", "Quartiers Sud-Est", geometry=lambert)])
        )
    assert "Lambert 93" in error.value.errors[0].message


def test_it_repairs_a_self_crossing_contour_with_a_warning(tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[4.0, 45.0], [4.1, 45.1], [4.1, 45.0], [4.0, 45.1], [4.0, 45.0]]],
    }
    summary = import_reference(
        write_geojson(tmp_path, [feature("QN04215M", "Quartiers Sud-Est", geometry=bowtie)])
    )
    assert summary.created == 1
    assert "1 contour(s) auto-intersecté(s) corrigé(s) automatiquement : QN04215M." in summary.warnings


def test_it_refuses_points_and_unreadable_geometries(tmp_path):
    point = {"type": "Point", "coordinates": [4.4, 45.4]}
    broken = {"type": "Polygon", "coordinates": [[[4.4]]]}
    with pytest.raises(ReferenceImportError) as error:
        import_reference(
            write_geojson(
                tmp_path,
                [feature("QN04215M", "A", geometry=point), feature("QN04214M", "B", geometry=broken)],
            )
        )
    messages = [e.message for e in error.value.errors]
    assert "non pris en charge" in messages[0]
    assert "deux nombres" in messages[1]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"nom,prenom\nDupont,Marie\n", "CSV non reconnu"),
        (b'{"hello": "world"}', "Format JSON non reconnu"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "octets binaires"),
        (b"", "vide"),
    ],
)
def test_it_names_what_is_wrong_with_a_foreign_file(tmp_path, content, expected):
    path = tmp_path / "fichier.csv"
    path.write_bytes(content)
    with pytest.raises(ReferenceImportError, match=expected):
        import_reference(str(path))


def test_a_csv_with_carriage_returns_only_imports(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(
        b"code_qp;lib_qp;insee_com;lib_com\rQN04215M;Quartiers Sud-Est;42218;Saint-\xc3\x89tienne\r"
    )
    assert import_reference(str(path)).created == 1
    assert Qpv.objects.get().communes.get().name == "Saint-Étienne"


def test_deeply_nested_json_and_a_gzip_bomb_are_file_errors(tmp_path, settings):
    nested = tmp_path / "qpv.json"
    nested.write_text('{"qpvs": [{"code": "QN04215M", "g": ' + "[" * 5000 + "]" * 5000 + "}]}")
    with pytest.raises(ReferenceImportError, match="imbriqué sur plus de 64 niveaux"):
        import_reference(str(nested))
    settings.COOPERER_MAX_INFLATED_BYTES = 1024 * 1024
    bomb = tmp_path / "qpv.json.gz"
    bomb.write_bytes(gzip.compress(b"[" + b" " * (8 * 1024 * 1024) + b"]"))
    with pytest.raises(ReferenceImportError, match=r"^Le fichier décompressé dépasse 1 Mo\.$"):
        import_reference(str(bomb))
    assert Qpv.objects.count() == 0


def test_json_of_the_wrong_shape_is_a_row_error_not_a_crash(tmp_path):
    path = tmp_path / "communes.json"
    path.write_text(json.dumps([
        {"code": "42218", "nom": "Saint-Étienne", "codeEpci": "244200770", "centre": {"coordinates": "ici"}, "codesPostaux": {}},
        {"code": "42095", "nom": "x" * 300, "codeEpci": "244200770", "codesPostaux": ["4210"]},
    ]))  # fmt: skip
    with pytest.raises(ReferenceImportError) as error:
        import_reference(str(path))
    assert [(e.line, e.column) for e in error.value.errors] == [(1, "centre"), (2, "nom"), (2, "code_postal")]
    assert Commune.objects.count() == 0


def test_it_says_when_the_file_does_not_exist():
    with pytest.raises(ReferenceImportError, match="Fichier introuvable"):
        import_reference("/nulle/part/qpv.geojson")


def test_it_reports_unknown_commune_codes_and_bad_epci_siren(tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text(
        "insee,dept,lon,lat,name\n42218,42,4.39,45.43,Saint-Étienne\n4221,42,4.39,45.43,Tronqué\n42095,42,400,45.38,Firminy\n"
    )
    with pytest.raises(ReferenceImportError) as error:
        import_reference(str(path))
    assert [(e.line, e.column) for e in error.value.errors] == [(3, "code"), (4, "lon")]
    assert Commune.objects.count() == 0


@pytest.mark.realdata
def test_it_imports_the_1584_national_qpv_contours(shared_data):
    summary = import_reference(str(shared_data / "qpv" / "qpv2024_contours_simplified.json.gz"))
    assert summary.created == 1584
    assert Qpv.objects.filter(code="QN04215M", name="Quartiers Sud-Est").exists()


@pytest.mark.realdata
def test_it_imports_the_real_qpv_list_and_loire_haut_rhin_geojson(shared_data):
    listed = import_reference(str(shared_data / "qpv" / "qpv2024_liste_nationale.csv"))
    contours = import_reference(str(shared_data / "qpv" / "qpv2024_42_68.geojson"))
    assert listed.created == 1584
    assert (contours.created, contours.updated) == (0, 35)
    assert Qpv.objects.get(code="QN06807M").communes.count() == 2
