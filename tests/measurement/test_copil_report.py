import pytest

from cooperer.jobs.services import start_job
from cooperer.measurement.models import Report
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_annual_report_job_stores_its_data(funded, users, territory):
    contract = territory["se_contract"]
    start_job(
        "copil_report", "Rapport annuel 2025", {"contract": contract.pk, "year": 2025}, users["se_animator"]
    )
    run_jobs()
    report = Report.objects.get(contract=contract)
    assert report.data["year"] == 2025
    assert report.data["granted_by_funder"] == [["etat", "20000.00"]]
    assert report.data["extra_sections"] == []
