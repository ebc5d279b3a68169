"""How records are matched against the full-text index (`core.fulltext`), the same way for the list and for
« semblables ailleurs »: both keep a page (20 records, 300 candidates) out of possibly tens of thousands of
matches, in an order of their own.

- PostgreSQL: the match is a condition on the row's own vector (`fulltext.matching(row_wise=True)`); from its estimate
  of the matches, the planner walks the ordering index and checks each row (many matches: it stops at the page)
  or reads the GIN index (few matches).
- SQLite: `id IN (SELECT rowid FROM <fts> …)`. With `walk`, the id is written `+id`, which keeps the planner from
  looking each match up by its row id: it walks the listing index in order and stops at the page. Walking is
  the cheaper way when the matches are many, the plain form when they are few (the list counts first and
  chooses, `views.records.CappedPaginator`)."""

from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from cooperer.core import fulltext
from cooperer.knowledge.models import Record


def matching(records, terms: list[tuple[str, ...]], exact: tuple[str, ...] = (), walk: bool = False):
    if not terms and not exact:
        return records
    vendor = connections[records.db].vendor
    if vendor == "postgresql":
        return fulltext.matching(records, terms, exact, row_wise=True)
    subquery = fulltext.match_subquery(Record, terms, vendor, exact)
    if subquery is None:
        return fulltext.matching(records, terms, exact)
    sql, params = subquery
    plus = "+" if walk else ""
    return records.filter(
        RawSQL(f'{plus}"{Record._meta.db_table}"."id" IN ({sql})', params, output_field=BooleanField())
    )
