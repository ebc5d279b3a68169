"""Query-string values read by views: a malformed or out-of-range value is ignored, never a server error."""

MAX_ID = 2**63 - 1  # the largest id a BigAutoField holds (PostgreSQL bigint, SQLite integer)


def id_param(value) -> int | None:
    """A positive integer the database can hold, from a query-string value; else None."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
