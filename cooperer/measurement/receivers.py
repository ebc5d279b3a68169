"""How measurement follows what happens in the apps below it: a grant creates the bilans. (Its cached figures
follow the writes of the applications they read by themselves: `services.cached`, core/pagecache.py.)"""

from django.dispatch import receiver

from cooperer.calls.signals import decision_recorded
from cooperer.measurement.followup import create_obligations


@receiver(decision_recorded)
def obligations_from_decision(sender, decision, **kwargs):
    create_obligations(decision)
