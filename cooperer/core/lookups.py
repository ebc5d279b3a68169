"""`id__in=[…]` with a value beyond the column's range matches nothing instead of crashing.

Django 5 already does so for `exact`, `gt`, `lt`… on integer fields; `in` still passes the value to the
database, and SQLite raises OverflowError (a 500 for `?publics=99999999999999999999999`). A value that no row
can hold is dropped from the list; an emptied list matches nothing, as an empty list does."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
