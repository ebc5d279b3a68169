"""The overlap index is one state for every process: stored in the shared cache under the EPCI's stamp, rebuilt
by a background task after a change, never served stale by a process that kept an older one in memory."""

import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cooperer.calls import report, services
from cooperer.calls.enums import ApplicationStatus
from cooperer.calls.tasks import rebuild_overlap_index
from cooperer.core import stamps
from tests.calls.fixtures import make_rival


def submitted(application):
    Application = type(application)
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now() - datetime.timedelta(days=1)
    )
    application.refresh_from_db()
    return application


def test_a_change_made_elsewhere_replaces_the_index_a_process_kept(application, call, territory):
    epci = call.epci_id
    submitted(application)
    make_rival(call, territory, timezone.now())
    kept = report.overlap_index(epci)  # this process keeps it in memory under the current key
    assert not any("opera" in term for term in kept.vectoriser.terms)
    application.description = "Un atelier d'opéra avec les jeunes du quartier."
    application.save()  # what another process does: the stamp is in the database
    fresh = report.overlap_index(epci)
    assert fresh is not kept
    assert any("opera" in term for term in fresh.vectoriser.terms)  # folded and lemmatised


def test_the_request_path_uses_the_index_the_worker_stored(
    application, call, territory, django_assert_num_queries
):
    submitted(application)
    make_rival(call, territory, timezone.now())
    key = rebuild_overlap_index.call(call.epci_id)  # what `cooperer db_worker` runs after the change
    report._INDEXES.clear()  # a process that never built it
    with django_assert_num_queries(2):  # the stamp and the pool's signature: nothing rebuilt
        index = report.overlap_index(call.epci_id)
    assert len(index) == 2 and report.index_key(call.epci_id) == key


def test_a_change_asks_a_worker_to_rebuild_the_index(application, call, django_capture_on_commit_callbacks):
    submitted(application)
    before = stamps.current(report.stamp_name(call.epci_id))
    with django_capture_on_commit_callbacks(execute=True):
        application.title = "Un local jeunes ouvert le soir et le dimanche"
        application.save()
    with django_capture_on_commit_callbacks(execute=True):
        application.description = "Et le mercredi après-midi."
        application.save()
    assert stamps.current(report.stamp_name(call.epci_id)) == before + 2
    # one rebuild waits: it builds the index of the stamp current when it runs
    task = DBTaskResult.objects.get(task_path="cooperer.calls.tasks.rebuild_overlap_index")
    assert task.args_kwargs["args"] == [call.epci_id]


def test_drafts_and_changes_of_state_alone_leave_the_index_as_it_is(application, call, users):
    name = report.stamp_name(call.epci_id)
    application.title = "Brouillon retouché"
    application.save()  # a draft's autosave
    assert stamps.current(name) == 0
    submitted(application)
    application.status = ApplicationStatus.COMPLEMENTS
    application.save(update_fields=["status"])
    assert stamps.current(name) == 0


def test_a_merge_into_a_consortium_raises_the_stamp(application, call, territory):
    submitted(application)
    rival = make_rival(call, territory, timezone.now())
    services.merge_into_consortium(application, [rival])
    assert stamps.current(report.stamp_name(call.epci_id)) >= 1
