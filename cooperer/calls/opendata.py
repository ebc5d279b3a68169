"""Grants as open data: the conventions of decided applications written as SCDL « subventions » 2.1.1 (streamed,
a constant memory whatever the number of grants), and other funders' SCDL publications imported as
ExternalGrant rows for funding histories (all-or-nothing; a file imported again replaces its earlier rows)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cooperer.calls.enums import PRODUCT_ACCOUNTS
from cooperer.calls.models import BudgetLine, ExternalGrant, Grant
from cooperer.calls.scdl import ScdlGrant, ScdlReading, check_grant, read_scdl, write_scdl
from cooperer.core.limits import configured

CENT = Decimal("0.01")


def grants(call=None, funder: str = ""):
    """The grants to publish: every grant of a decision, optionally of one call or one funder."""
    rows = Grant.objects.all()
    if call is not None:
        rows = rows.filter(decision__application__call=call)
    if funder:
        rows = rows.filter(call_funder__funder=funder)
    products = (
        BudgetLine.objects.filter(
            application=OuterRef("decision__application"), account__in=list(PRODUCT_ACCOUNTS)
        )
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return rows.annotate(
        budget=Coalesce(
            Subquery(products),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    ).order_by("pk")


def as_scdl(row: dict) -> ScdlGrant:
    """One row of `grants().values(*FIELDS)` as the SCDL grant it publishes (CSV export and API alike)."""
    when = row["convention_date"] or row["decision__decided_on"]
    budget, amount = row["budget"] or Decimal("0"), row["amount"]
    share = (amount / budget).quantize(CENT, ROUND_HALF_UP) if budget > 0 else Decimal("1")
    return ScdlGrant(
        attributor_name=row["call_funder__name"],
        attributor_siret=row["call_funder__siret"],
        convention_date=when,
        decision_reference=row["convention_reference"]
        or f"{row['decision__committee']} du {row['decision__decided_on']:%d/%m/%Y}",
        beneficiary_name=row["decision__application__applicant__name"],
        beneficiary_siret=row["decision__application__applicant__siret"],
        beneficiary_rna=row["decision__application__applicant__rna"],
        objet=row["decision__application__purpose"][:256],
        montant=amount,
        nature="aide en nature" if row["in_kind"] else "aide en numéraire",
        payment_conditions=row["payment_conditions"] or "unique",
        payment_start=when,
        notification_ue=False,
        pourcentage=min(max(share, CENT), Decimal("1")),
        dispositif=row["call_funder__call__name"],
    )


FIELDS = [
    "amount", "convention_date", "convention_reference", "payment_conditions", "in_kind", "budget",
    "call_funder__name", "call_funder__siret", "call_funder__call__name", "decision__decided_on", "decision__committee",
    "decision__application__applicant__name", "decision__application__applicant__siret",
    "decision__application__applicant__rna", "decision__application__purpose",
]  # fmt: skip


@dataclass
class ExportResult:
    written: int = 0
    skipped: list[str] = field(default_factory=list)  # French: which grant, why


def export(out: TextIO, call=None, funder: str = "") -> ExportResult:
    """Writes the SCDL file; a grant that cannot be published as is (no SIRET for its funder, beneficiary without
    SIRET nor RNA…) is left out and said, never written half-valid."""
    result = ExportResult()

    def publishable() -> Iterator[ScdlGrant]:
        for row in grants(call, funder).values(*FIELDS).iterator(chunk_size=2000):
            grant = as_scdl(row)
            problems = check_grant(grant)
            if problems:
                result.skipped.append(
                    f"{grant.beneficiary_name} ({grant.attributor_name}) : {' ; '.join(problems)}"
                )
                continue
            yield grant

    result.written = write_scdl(publishable(), out)
    return result


@dataclass
class ImportResult:
    read: int = 0
    rejected: list = field(default_factory=list)  # RejectedRow(line, column, value, reason)
    unusable: str = ""
    replaced: int = 0


def read_publication(data: bytes) -> ScdlReading:
    """`read_scdl` within the limits of the settings (rows, columns, characters of a value)."""
    return read_scdl(data, limits=configured())


def import_file(data: bytes, source: str) -> ImportResult:
    reading = read_publication(data)
    result = ImportResult(read=len(reading.rows), rejected=reading.rejected, unusable=reading.unusable)
    if reading.unusable:
        return result
    with transaction.atomic():
        result.replaced, _ = ExternalGrant.objects.filter(source=source).delete()
        ExternalGrant.objects.bulk_create(
            (
                ExternalGrant(
                    attributor_name=row.attributor_name[:300], attributor_siret=row.attributor_siret,
                    convention_date=row.convention_date, decision_reference=row.decision_reference[:300],
                    beneficiary_name=row.beneficiary_name[:300], beneficiary_siret=row.beneficiary_siret,
                    beneficiary_rna=row.beneficiary_rna, purpose=row.objet[:256], amount=row.montant,
                    scheme=row.dispositif[:300], source=source[:300],
                )
                for row in reading.rows
            ),
            batch_size=2000,
        )  # fmt: skip
    return result
