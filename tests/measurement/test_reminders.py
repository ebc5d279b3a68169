import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command

from cooperer.measurement.models import Bilan
from cooperer.measurement.reminders import send_reminders
from tests.measurement.test_bilans_views import member_of


def test_reminders_before_and_after_the_due_date_once_per_step(funded):
    member_of(funded["application"].applicant, "membre.porteur@exemple.fr")
    bilan = funded["bilan"]
    due = bilan.due_on
    assert send_reminders(due - datetime.timedelta(days=31)) == 0
    assert send_reminders(due - datetime.timedelta(days=30)) == 1
    assert send_reminders(due - datetime.timedelta(days=29)) == 0
    assert send_reminders(due + datetime.timedelta(days=1)) == 1
    assert send_reminders(due + datetime.timedelta(days=2)) == 0
    assert send_reminders(due + datetime.timedelta(days=31)) == 1
    assert Bilan.objects.get(pk=bilan.pk).reminders == ["avant", "retard-0", "retard-1"]
    assert all(m.to == ["membre.porteur@exemple.fr"] for m in mail.outbox) and len(mail.outbox) == 3


def test_the_reminder_command_reminds_once(funded):
    out = StringIO()
    due = funded["bilan"].due_on + datetime.timedelta(days=1)
    call_command("remind_bilans", "--today", due.isoformat(), stdout=out)
    assert "1 bilan(s) relancé(s)" in out.getvalue()
    call_command("remind_bilans", "--today", due.isoformat(), stdout=out)
    assert "0 bilan(s) relancé(s)" in out.getvalue()
