"""How measurement follows what happens in the apps below it: a grant creates the bilans, and every write to the
data the dashboards and the proof figures read raises the « measurement » stamp (`core.stamps`), so that their
cached figures are recomputed on the next request, by any process."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from cooperer.actors.models import CooperationLink, Structure
from cooperer.calls.models import Application, Decision, Grant, Partner, ServedElement
from cooperer.calls.signals import decision_recorded
from cooperer.communities.models import Community, Membership
from cooperer.consultations.models import Contribution, Session
from cooperer.core import stamps
from cooperer.measurement.followup import create_obligations
from cooperer.measurement.models import Bilan, OutcomeIndicator
from cooperer.measurement.services import STAMP
from cooperer.visions.models import Element, Vision

FOLLOWED = [
    Application, Decision, Grant, Partner, ServedElement, Bilan, OutcomeIndicator, CooperationLink, Structure,
    Community, Membership, Contribution, Session, Vision,
]  # fmt: skip


@receiver(decision_recorded)
def obligations_from_decision(sender, decision, **kwargs):
    create_obligations(decision)


def data_changed(sender, **kwargs):
    stamps.bump(STAMP)


for model in FOLLOWED:
    post_save.connect(data_changed, sender=model, dispatch_uid=f"measurement-stamp-save-{model.__name__}")
    post_delete.connect(data_changed, sender=model, dispatch_uid=f"measurement-stamp-delete-{model.__name__}")
for through in (Application.qpvs.through, Element.gathers.through):
    m2m_changed.connect(
        data_changed, sender=through, dispatch_uid=f"measurement-stamp-m2m-{through.__name__}"
    )
