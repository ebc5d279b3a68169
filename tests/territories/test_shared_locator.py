"""The QPV locator is one state for every process: shared through the cache under the QPVs' stamp, so that a
contour written by one process is found by every other one, never an older locator kept in memory."""

import json

from cooperer.core import stamps
from cooperer.territories import services
from cooperer.territories.importers import import_reference
from cooperer.territories.models import Qpv
from tests.conftest import make_qpv, square


def test_a_contour_added_by_another_process_is_found_at_once(territory):
    assert services.qpv_at(2.345, 48.845) is None  # this process now keeps a locator in memory
    make_qpv("QN07501M", "Quartier de démonstration (fictif)", 2.34, 48.84)  # another process's write
    assert services.qpv_at(2.345, 48.845).code == "QN07501M"


def test_a_process_that_never_built_it_reads_the_stored_locator(territory, django_assert_num_queries):
    services.qpv_locator()
    services._locator_cache.clear()  # a process that never built it
    with django_assert_num_queries(2):  # the stamp and the count: the contours are not read again
        locator = services.qpv_locator()
    assert locator.locate_one(4.405, 45.425).code == "QN04215M"  # the tree is rebuilt on load


def test_a_moved_contour_is_followed_after_an_import(territory, tmp_path):
    assert services.qpv_at(2.345, 48.845) is None
    before = stamps.current(services.QPV_STAMP)
    feature = {
        "type": "Feature",
        "properties": {"code_qp": "QN04215M", "lib_qp": "Quartiers Sud-Est", "insee_com": "42218"},
        "geometry": square(2.34, 48.84),
    }
    path = tmp_path / "qpv.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    import_reference(str(path))  # bulk updates, no signal: the importer raises the stamp itself
    assert stamps.current(services.QPV_STAMP) > before
    assert json.loads(Qpv.objects.get(code="QN04215M").geometry)["coordinates"][0][0] == [2.34, 48.84]
    assert services.qpv_at(2.345, 48.845).code == "QN04215M"
    assert services.qpv_at(4.405, 45.425) is None


def test_the_qpv_of_a_point_is_answered_as_json(client, territory):
    found = client.get("/territoires/qpv-au-point/", {"lon": "4.405", "lat": "45.425"}).json()
    assert found["qpv"] == {"code": "QN04215M", "nom": "Quartiers Sud-Est"}
    assert client.get("/territoires/qpv-au-point/", {"lon": "2.3", "lat": "48.8"}).json()["qpv"] is None
    refused = client.get("/territoires/qpv-au-point/", {"lon": "est", "lat": "45"})
    assert refused.status_code == 400 and "degrés décimaux" in refused.json()["erreur"]
    assert client.get("/territoires/qpv-au-point/", {"lon": "400", "lat": "45"}).status_code == 400
