import pytest
from django.urls import reverse

from cooperer.jobs.models import Job
from cooperer.jobs.services import start_job
from cooperer.measurement.enums import ReportKind
from cooperer.measurement.models import Report
from cooperer.visions import services as visions
from cooperer.visions.enums import AssumptionStatus
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
    assert report.data["granted_by_funder"] == [["État (délégué·e du préfet)", "20000.00"]]
    (section,) = report.data["extra_sections"]
    assert section["title"].startswith("Preuves") and section["rows"]


def _generate(client, territory, kind, year):
    return client.post(
        reverse("measurement:generate_report", args=[territory["se_contract"].slug]),
        {"kind": kind, "year": year},
    )


def test_the_animatrice_generates_the_mid_term_review_and_reads_it_as_html_and_pdf(
    client, followed, users, territory
):
    visions.change_assumption_status(
        followed["assumption"], AssumptionStatus.REFUTED, "205 jeunes en 2025, loin de la trajectoire.",
        users["se_animator"],
    )  # fmt: skip
    client.force_login(users["se_animator"])
    response = _generate(client, territory, ReportKind.MIDTERM, 2026)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    run_jobs()
    job.refresh_from_db()
    report = Report.objects.get()
    assert job.result["action"]["url"] == reverse("measurement:report", args=[report.pk])
    assert report.kind == ReportKind.MIDTERM
    outcome = report.data["outcomes"][0]
    assert (outcome["baseline"], outcome["target"], outcome["actual"], outcome["actual_year"]) == (
        "120", "400", "262", 2026,
    )  # fmt: skip
    assert report.data["assumptions"][0]["change"] == "À tester → Infirmée"
    text = client.get(reverse("measurement:report", args=[report.pk])).content.decode()
    assert "Évaluation à mi-parcours 2026" in text and "205 jeunes en 2025" in text
    assert "Les jeunes fréquentent des lieux encadrés" in text and "En bonne voie" in text
    pdf = client.get(reverse("measurement:report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


def test_a_bad_year_or_kind_starts_no_job(client, users, territory):
    client.force_login(users["se_animator"])
    for kind, year in ((ReportKind.ANNUAL, "1990"), ("inconnu", "2025"), (ReportKind.ANNUAL, "deux")):
        response = _generate(client, territory, kind, year)
        assert response.status_code == 302
    assert not Job.objects.exists()
    text = client.get(reverse("measurement:copil_dashboard", args=[territory["se_contract"].slug])).content
    assert "Choisissez le type de rapport et une année proposée." in text.decode()


def test_who_may_generate_and_read_a_report(client, users, territory):
    report = Report.objects.create(contract=territory["se_contract"], kind=ReportKind.ANNUAL, year=2025,
                                   data={"year": 2025, "contract": {"name": "x"}, "qpvs": [], "granted_by_funder": [],
                                         "trends": [], "late_bilans": 0, "returned_bilans": 0})  # fmt: skip
    url = reverse("measurement:report", args=[report.pk])
    client.force_login(users["state_instructor"])
    assert client.get(url).status_code == 200
    assert _generate(client, territory, ReportKind.ANNUAL, 2025).status_code == 403
    for who in ("m2a_animator", "member"):
        client.force_login(users[who])
        assert client.get(url).status_code == 403
        assert client.get(reverse("measurement:report_pdf", args=[report.pk])).status_code == 403
        assert _generate(client, territory, ReportKind.ANNUAL, 2025).status_code == 403
    assert not Job.objects.exists()
