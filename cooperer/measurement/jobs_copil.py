"""The annual report of a contract, built as plain data in a background job (grouped queries only)."""

from decimal import Decimal

from django.db.models import Sum

from cooperer.calls.models import Grant
from cooperer.jobs.services import job_handler
from cooperer.measurement import copil
from cooperer.measurement.enums import ReportKind
from cooperer.measurement.models import Report
from cooperer.territories.models import ContratDeVille


def extra_sections(contract, year) -> list[dict]:
    """Hook for further sections (proof figures…): a list of {"title", "rows": [[label, value], …]}."""
    return []


def _money(value) -> str:
    return format(Decimal(value or 0).quantize(Decimal("0.01")), "f")


def build_report_data(contract, year) -> dict:
    by_funder = (
        Grant.objects.filter(decision__application__call__contract=contract, decision__decided_on__year=year)
        .values_list("call_funder__funder")
        .annotate(t=Sum("amount"))
        .order_by("call_funder__funder")
    )
    alerts = copil.alerts(contract)
    return {
        "contract": {"name": contract.name, "slug": contract.slug},
        "year": year,
        "qpvs": [[q.code, q.name] for q in contract.qpvs.order_by("code")],
        "granted_by_funder": [[funder, _money(total)] for funder, total in by_funder],
        "trends": [{k: str(v) for k, v in row.items()} for row in copil.trends(contract)],
        "late_bilans": len(alerts["late"]),
        "returned_bilans": len(alerts["returned"]),
        "extra_sections": extra_sections(contract, year),
    }


@job_handler("copil_report")
def run_copil_report(job) -> dict:
    contract = ContratDeVille.objects.get(pk=job.params["contract"])
    year, kind = job.params["year"], job.params.get("kind", ReportKind.ANNUAL)
    job.report(20, "Lecture des chiffres du contrat")
    data = build_report_data(contract, year)
    job.report(90, "Enregistrement du rapport")
    report = Report.objects.create(
        contract=contract, kind=kind, year=year, data=data, job=job, created_by=job.created_by
    )
    return {"rapport": report.pk}
