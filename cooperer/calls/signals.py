"""What the calls app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent inside the transaction that records a committee decision, with `decision`.
decision_recorded = Signal()
