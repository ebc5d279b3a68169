"""Open-data export of the measurement: the indicators (data dictionary) and the validated public measurements,
as CSV (UTF-8 with BOM, semicolons), published under the Licence Ouverte 2.0 (Etalab).

What is published: national and local indicators; validated measurements of a QPV or of an EPCI (never those of
one application, never personal data); a measurement that comes from a bilan only once that bilan is approved.
Counts of people between 1 and 10 (and values the source marked secret) are written as `secret` (`secrecy`).
Every cell goes through `core.exports.safe_cell` against formula injection. Rows are read with `iterator()` so
that the export streams in constant memory and a constant number of queries."""

import csv

from django.db.models import Q

from cooperer.core.exports import safe_cell
from cooperer.measurement import secrecy
from cooperer.measurement.enums import BilanStatus
from cooperer.measurement.models import Indicator, Measurement

LICENCE = "Licence Ouverte 2.0 (Etalab) — https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

DICTIONARY_HEADER = [
    "code", "nom", "type", "definition", "unite", "sens_souhaite", "source", "periodicite", "comparabilite",
]  # fmt: skip
MEASUREMENTS_HEADER = [
    "indicateur", "qpv", "epci", "debut_periode", "fin_periode", "valeur", "unite", "origine",
]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def public_measurements():
    return (
        Measurement.objects.validated()
        .filter(application__isnull=True, vision__isnull=True)
        .filter(Q(qpv__isnull=False) | Q(epci__isnull=False))
        .filter(Q(bilan__isnull=True) | Q(bilan__status=BilanStatus.APPROVED))
        .select_related("indicator", "qpv", "epci")
        .order_by("indicator__code", "qpv__code", "period_start", "pk")
    )


def public_value(measurement) -> str:
    if measurement.is_secret:
        return secrecy.SECRET
    value = secrecy.mask_value(measurement.value, is_count=measurement.indicator.is_count)
    if value == secrecy.SECRET:
        return value
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def dictionary_rows():
    yield DICTIONARY_HEADER
    for indicator in Indicator.objects.order_by("code").iterator(chunk_size=500):
        yield [
            indicator.code, indicator.name, indicator.get_kind_display(), indicator.definition,
            indicator.get_unit_display(), indicator.get_polarity_display(), indicator.source,
            indicator.get_periodicity_display(), indicator.comparability_note,
        ]  # fmt: skip


def measurement_rows():
    yield MEASUREMENTS_HEADER
    for m in public_measurements().iterator(chunk_size=2000):
        yield [
            m.indicator.code, m.qpv.code if m.qpv_id else "", m.epci.siren if m.epci_id else "",
            m.period_start.isoformat(), m.period_end.isoformat(), public_value(m), m.indicator.get_unit_display(),
            m.get_source_display(),
        ]  # fmt: skip


def stream_csv(rows):
    """Yields the CSV text line by line (BOM first), every cell neutralised."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def write_csv(handle, rows) -> int:
    written = -1
    for chunk in stream_csv(rows):
        handle.write(chunk)
        written += 1
    return max(written - 1, 0)
