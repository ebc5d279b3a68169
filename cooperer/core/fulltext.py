"""Word-prefix search over a model's `search_text`, indexed by the database engine in use.

The stored search text is a list of folded words, each preceded by a space (`core.text.search_document`).
A query word matches any stored word that starts with it. Without an index, that is a `LIKE '% word%'`
scan of every row; at 50,000 structures a scan costs more than the whole page budget, so:

- on SQLite, an FTS5 table (`<table>_fts`, external content, kept in step by triggers) answers
  `"word"*` prefix queries from its own index;
- on PostgreSQL, a stored generated column `search_vector = to_tsvector('simple', search_text)` with a GIN
  index answers `word:*` prefix queries (the `simple` configuration neither stems nor drops words: the words
  are the application's). Stored, so that a plan that filters row by row does not re-parse every text.

Either way the match is a self-contained `id IN (SELECT …)`, so it stays valid when Django nests the queryset
under another alias.

Both are created after migrations (`post_migrate`), idempotently, rather than in a migration: SQLite
rebuilds a table when a later migration alters it, which drops its triggers, and this check puts them
back and re-indexes. See docs/adr/003-search.md.
"""

from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL

_REGISTRY: list[type[models.Model]] = []


def register(model: type[models.Model]) -> None:
    """Index `model.search_text` (called from the app's `ready`)."""
    if model not in _REGISTRY:
        _REGISTRY.append(model)


def _fts_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def _sqlite_statements(model) -> list[str]:
    table = model._meta.db_table
    fts = _fts_table(model)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"search_text, content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]


def _sqlite_installed(cursor, model) -> bool:
    fts = _fts_table(model)
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
        [fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"],
    )
    return cursor.fetchone()[0] == 4


# FTS5 writes each transaction's words as a new small segment and, by default, merges segments as soon as 4 of
# a level exist: a row added alone (a contribution of the public form) then costs five times the rest of its
# insert (0.5 ms instead of 0.1 ms with a million rows indexed), and the database stays locked meanwhile. Merging
# at 16 segments a level costs 0.17 ms a row; a search reads a few more small segments.
AUTOMERGE = 16


def install(using: str = "default") -> None:
    """Create the indexes that are missing, for every registered model. Safe to run again."""
    connection = connections[using]
    for model in _REGISTRY:
        if connection.vendor == "sqlite":
            fts = _fts_table(model)
            with transaction.atomic(using=using), connection.cursor() as cursor:
                if not _sqlite_installed(cursor, model):
                    for statement in _sqlite_statements(model):
                        cursor.execute(statement)
                    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('automerge', %s)", [AUTOMERGE])
        elif connection.vendor == "postgresql":
            table = model._meta.db_table
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
                    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_search_fts ON {table} USING gin (search_vector)"
                )


def on_post_migrate(sender, using="default", **kwargs) -> None:
    install(using)


class _RowMatches(models.Expression):
    """`<alias>.search_vector @@ query`, tested on each row of the outer query (PostgreSQL)."""

    output_field = models.BooleanField()

    def __init__(self, tsquery: str):
        super().__init__()
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.search_vector @@ to_tsquery('simple'::regconfig, %s)", [self.tsquery]


def match_subquery(
    model, terms: list[tuple[str, ...]], vendor: str, exact: tuple[str, ...] = ()
) -> tuple[str, list] | None:
    """`SELECT <id> …` of the rows of `model` matching `terms` (word prefixes) and every word of `exact` as a
    whole word (tokens a model adds to its search text, such as a filter key), self-contained, with its
    parameters; None when the engine has no index (then `matching` filters with LIKE)."""
    if vendor == "sqlite":
        fts = _fts_table(model)
        expression = " AND ".join(
            ["(" + " OR ".join(f'"{token}"*' for token in alternatives) + ")" for alternatives in terms]
            + [f'"{token}"' for token in exact]
        )
        return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [expression]
    if vendor == "postgresql":
        expression = _tsquery(terms, exact)
        table = model._meta.db_table
        # OFFSET 0 keeps the subquery apart: PostgreSQL reads the matches from the GIN index once
        # and hashes them, instead of probing every row's vector along the name index.
        return (
            f"SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple'::regconfig, %s) OFFSET 0",
            [expression],
        )
    return None


def _tsquery(terms: list[tuple[str, ...]], exact: tuple[str, ...] = ()) -> str:
    return " & ".join(
        ["(" + " | ".join(f"{token}:*" for token in alternatives) + ")" for alternatives in terms]
        + list(exact)
    )


def matching(
    queryset: models.QuerySet,
    terms: list[tuple[str, ...]],
    exact: tuple[str, ...] = (),
    row_wise: bool = False,
) -> models.QuerySet:
    """Rows whose search text has, for every term, a word starting with one of its alternatives, and every
    word of `exact` as a whole word.

    `terms` comes from `core.text.search_terms` (folded, alphanumeric words). `row_wise` (PostgreSQL) tests
    each row's stored vector instead of reading every match first: right for a list walked along its ordering
    index that stops after a page, where a common word's thousands of matches would be read for nothing."""
    if not terms and not exact:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if row_wise and vendor == "postgresql":
        return queryset.filter(_RowMatches(_tsquery(terms, exact)))
    subquery = match_subquery(queryset.model, terms, vendor, exact)
    if subquery is not None:
        return queryset.filter(pk__in=RawSQL(*subquery))
    for token in exact:
        queryset = queryset.filter(search_text__contains=f" {token} ")
    for alternatives in terms:
        condition = models.Q()
        for token in alternatives:
            condition |= models.Q(search_text__contains=f" {token}")
        queryset = queryset.filter(condition)
    return queryset
