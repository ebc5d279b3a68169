"""The annual report and the mid-term review of a contract, built as plain data in a background job (grouped
queries only)."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from cooperer.accounts.enums import Funder
from cooperer.calls.models import Grant
from cooperer.jobs.services import job_handler
from cooperer.measurement import copil, proof, rollup
from cooperer.measurement.enums import ReportKind
from cooperer.measurement.models import Report
from cooperer.territories.models import ContratDeVille
from cooperer.visions.models import AssumptionChange

FUNDER_LABELS = dict(Funder.choices)


def extra_sections(contract, year) -> list[dict]:
    """Further sections, each {"title", "rows": [[label, value], …]}: the proof that cooperation works."""
    return [proof.report_section(contract, year)]


def _money(value) -> str:
    return format(Decimal(value or 0).quantize(Decimal("0.01")), "f")


def _outcome_rows(contract) -> list[dict]:
    return [
        {
            "vision": row["vision"].title,
            "outcome": row["outcome_text"],
            "indicator": row["indicator"].name,
            "unit": row["indicator"].get_unit_display(),
            "baseline": _number(row["link"].baseline),
            "baseline_year": row["link"].baseline_year,
            "target": _number(row["link"].target),
            "target_year": row["link"].target_year,
            "actual": _number(row["actual"]),
            "actual_year": row["latest_year"],
            "status": row["status_label"],
        }
        for row in rollup.contract_outcomes(contract)
    ]


def _number(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def _assumption_changes(contract) -> list[dict]:
    changes = AssumptionChange.objects.filter(
        assumption__version__vision__in=rollup.contract_visions(contract)
    ).select_related("assumption__version__vision")
    return [
        {
            "vision": c.assumption.version.vision.title,
            "assumption": c.assumption.text,
            "change": f"{c.get_status_from_display()} → {c.get_status_to_display()}",
            "on": c.at.date().isoformat(),
            "evidence": c.evidence,
        }
        for c in changes.order_by("at", "pk")
    ]


def _elements(contract) -> list[dict]:
    rows = []
    for vision in rollup.contract_visions(contract).filter(contract=contract).prefetch_related("versions"):
        data = rollup.vision_follow_up(vision)
        rows += [
            {"vision": vision.title, "element": e["element"].text, "actions": e["actions"],
             "granted": _money(e["granted"]), "people": _number(e["people"])}
            for e in data["elements"]
        ]  # fmt: skip
    return rows


def build_report_data(contract, year, kind=ReportKind.ANNUAL, progress=None) -> dict:
    """The report as plain data, kept as generated. A mid-term review adds the path of every assumption and
    what each element of the contract's vision received since the start."""
    progress = progress or (lambda percent, message: None)
    by_funder = (
        Grant.objects.filter(decision__application__call__contract=contract, decision__decided_on__year=year)
        .values_list("call_funder__funder")
        .annotate(t=Sum("amount"))
        .order_by("call_funder__funder")
    )
    alerts = copil.alerts(contract)
    progress(40, "Changements attendus et indicateurs")
    data = {
        "contract": {"name": contract.name, "slug": contract.slug},
        "kind": kind,
        "kind_label": ReportKind(kind).label,
        "year": year,
        "qpvs": [[q.code, q.name] for q in contract.qpvs.order_by("code")],
        "granted_by_funder": [[FUNDER_LABELS.get(f, f), _money(total)] for f, total in by_funder],
        "trends": [{k: str(v) for k, v in row.items()} for row in copil.trends(contract)],
        "late_bilans": len(alerts["late"]),
        "returned_bilans": len(alerts["returned"]),
        "outcomes": _outcome_rows(contract),
    }
    if kind == ReportKind.MIDTERM:
        progress(60, "Hypothèses et éléments de la vision")
        data["assumptions"] = _assumption_changes(contract)
        data["elements"] = _elements(contract)
    progress(75, "Preuves de la coopération")
    data["extra_sections"] = extra_sections(contract, year)
    return data


@job_handler("copil_report")
def run_copil_report(job) -> dict:
    contract = ContratDeVille.objects.get(pk=job.params["contract"])
    year, kind = job.params["year"], job.params.get("kind", ReportKind.ANNUAL)
    job.report(20, "Lecture des chiffres du contrat")
    data = build_report_data(contract, year, kind, progress=job.report)
    job.report(90, "Enregistrement du rapport")
    report = Report.objects.create(
        contract=contract, kind=kind, year=year, data=data, job=job, created_by=job.created_by
    )
    url = reverse("measurement:report", args=[report.pk])
    return {"rapport": report.pk, "action": {"method": "get", "url": url, "label": "Lire le rapport"}}
