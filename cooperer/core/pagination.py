"""Pagination that stays cheap on deep pages of large lists."""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """Finds the ids of one page from the ordering alone, then loads the rows of that page only.

    `OFFSET 25000` over full rows makes the database build (and join) every skipped row; over ids it
    walks an index. The queryset must be ordered; its joins and prefetches apply to the page only."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
