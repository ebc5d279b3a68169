"""How measurement follows what happens in the apps below it."""

from django.dispatch import receiver

from cooperer.calls.signals import decision_recorded
from cooperer.measurement.followup import create_obligations


@receiver(decision_recorded)
def obligations_from_decision(sender, decision, **kwargs):
    create_obligations(decision)
