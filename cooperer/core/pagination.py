"""Pagination that stays cheap on deep pages of large lists."""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# A page number past this is read as this one: a link cannot make the database skip billions of rows.
MAX_UNCOUNTED_PAGE = 10_000


class IdFirstPaginator(Paginator):
    """Finds the ids of one page from the ordering alone, then loads the rows of that page only.

    `OFFSET 25000` over full rows makes the database build (and join) every skipped row; over ids it
    walks an index. The queryset must be ordered; its joins and prefetches apply to the page only. `rows`, a
    queryset of the same model with the joins and prefetches a page needs, loads the page's rows by their ids
    alone: the list's own conditions (a full-text match of a common word) are not evaluated a second time."""

    capped = False  # every row is counted

    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows

    def _rows(self, ids) -> dict:
        source = self.object_list if self.rows is None else self.rows
        return {row.pk: row for row in source.filter(pk__in=ids).order_by()} if ids else {}

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        rows = self._rows(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class CappedPage(Page):
    """A page of a list whose total was not counted: whether a next page exists is known from one extra id."""

    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class CappedCountPaginator(IdFirstPaginator):
    """Counts at most `cap` rows: beyond, the list says « plus de 1 000 » and pages on without a total.

    Counting every match of a common word reads them all (thousands of rows, twice with the page); stopping at
    `cap + 1` lets the database stop early, walking the list's ordering index and testing each row."""

    def __init__(self, object_list, per_page, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self):
        return self.object_list.prefetch_related(None).order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("Ce numéro de page n'est pas un entier.") from None
        if number < 1:
            raise EmptyPage("Ce numéro de page est inférieur à 1.")
        return min(number, MAX_UNCOUNTED_PAGE)

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(
            self.object_list.prefetch_related(None).values_list("pk", flat=True)[
                bottom : bottom + self.per_page + 1
            ]
        )
        more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        rows = self._rows(ids)
        return CappedPage([rows[pk] for pk in ids if pk in rows], number, self, more)
