"""Who reads the journal, how it is filtered and exported, and that nobody can change it."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.models import AppendOnlyError, AuditEntry
from cooperer.audit.services import record, record_api_token_created

pytestmark = pytest.mark.django_db


def _entry(action=Action.CONTRIBUTION_HIDDEN, epci=None, label="Contribution n° 1", **extra):
    return record(action, epci_id=epci.pk if epci else None, label=label, **extra)


@pytest.fixture
def entries(territory):
    return {
        "se": _entry(epci=territory["sem"], label="Contribution de Saint-Étienne"),
        "m2a": _entry(epci=territory["m2a"], label="Contribution de Mulhouse"),
        "platform": _entry(Action.LOGIN_FAILED, label="inconnu@exemple.fr"),
    }


def _labels(client) -> str:
    return client.get(reverse("audit:journal")).content.decode()


def test_an_administrator_reads_every_entry(client, users, entries):
    client.force_login(users["admin"])
    html = _labels(client)
    assert "Contribution de Saint-Étienne" in html and "Contribution de Mulhouse" in html
    assert "inconnu@exemple.fr" in html


def test_an_animatrice_reads_only_the_entries_of_her_territory(client, users, entries):
    client.force_login(users["se_animator"])
    html = _labels(client)
    assert "Contribution de Saint-Étienne" in html
    assert "Contribution de Mulhouse" not in html and "inconnu@exemple.fr" not in html
    export = client.get(reverse("audit:export")).content.decode()
    assert "Contribution de Saint-Étienne" in export and "Contribution de Mulhouse" not in export


@pytest.mark.parametrize("who", ["state_instructor", "member"])
def test_other_roles_may_not_read_the_journal(client, users, entries, who):
    client.force_login(users[who])
    assert client.get(reverse("audit:journal")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, entries):
    response = client.get(reverse("audit:journal"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_journal_is_filtered_by_act_person_object_date_and_territory(client, users, territory, entries):
    record(
        Action.VISION_ADOPTED, actor=users["se_animator"], epci_id=territory["sem"].pk, label="Vision 2030"
    )
    client.force_login(users["admin"])
    url = reverse("audit:journal")
    html = client.get(url, {"action": Action.VISION_ADOPTED}).content.decode()
    assert "Vision 2030" in html and "Contribution de Saint-Étienne" not in html
    html = client.get(url, {"who": "anim.se"}).content.decode()
    assert "Vision 2030" in html and "Contribution de Mulhouse" not in html
    html = client.get(url, {"what": "mulhouse"}).content.decode()
    assert "Contribution de Mulhouse" in html and "Vision 2030" not in html
    html = client.get(url, {"epci": territory["m2a"].pk}).content.decode()
    assert "Contribution de Mulhouse" in html and "Contribution de Saint-Étienne" not in html
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert "Aucune entrée" in client.get(url, {"since": tomorrow.isoformat()}).content.decode()


def test_an_animatrice_cannot_filter_on_another_territory(client, users, territory, entries):
    client.force_login(users["se_animator"])
    html = client.get(reverse("audit:journal"), {"epci": territory["m2a"].pk}).content.decode()
    assert "Contribution de Mulhouse" not in html


def test_the_journal_page_costs_the_same_queries_whatever_its_length(client, users, territory):
    client.force_login(users["admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("audit:journal")).status_code == 200
        return len(context.captured_queries)

    for n in range(3):
        _entry(epci=territory["sem"], label=f"Contribution {n}")
    few = queries()
    for n in range(120):
        _entry(epci=territory["m2a"] if n % 2 else territory["sem"], label=f"Contribution {n}")
    assert queries() == few


def test_the_export_neutralises_formulas_and_is_itself_recorded(client, users, territory):
    _entry(epci=territory["sem"], label='=HYPERLINK("http://exemple.test")', before={"motif": "texte"})
    _entry(epci=territory["sem"], label="@SUM(A1)")
    client.force_login(users["admin"])
    response = client.get(reverse("audit:export"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith('attachment; filename="journal-')
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert '\'=HYPERLINK("http://exemple.test")' in cells
    assert not [cell for cell in cells if cell.startswith(("=", "@", "+"))]
    export = AuditEntry.objects.filter(action=Action.DATA_EXPORTED).get()
    assert export.actor_label == "admin@exemple.fr" and export.object_label == "Journal des actes"


def test_an_entry_cannot_be_changed_or_deleted_by_the_application(territory):
    entry = _entry(epci=territory["sem"])
    entry.object_label = "Autre chose"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_label="Autre chose")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Contribution n° 1"


def test_the_admin_only_shows_entries(rf, users):
    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/")
    request.user = users["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_itself_refuses_to_change_an_entry(territory):
    entry = _entry(epci=territory["sem"])
    for sql in ("UPDATE audit_auditentry SET object_label = 'x'", "DELETE FROM audit_auditentry"):
        with (
            pytest.raises(DatabaseError, match="ajouts"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Contribution n° 1"


def test_an_api_token_creation_is_recorded_without_its_secret(users, territory):
    class Token:
        pk, expires_at = None, datetime.date(2027, 6, 30)

        def __str__(self):
            return "Jeton « tableau de bord CAF »"

    entry = record_api_token_created(Token(), user=users["se_animator"], scopes=["mesure:lecture"],
                                     epci_id=territory["sem"].pk)  # fmt: skip
    entry.refresh_from_db()
    assert (entry.action, entry.actor_label) == (Action.API_TOKEN_CREATED, "anim.se@exemple.fr")
    assert entry.after == {"droits": ["mesure:lecture"], "expire": "2027-06-30"}


@pytest.mark.parametrize(
    "who, shown", [("admin", True), ("se_animator", True), ("member", False), (None, False)]
)
def test_the_journal_is_in_the_navigation_of_those_who_read_it(client, users, who, shown):
    if who:
        client.force_login(users[who])
    assert (reverse("audit:journal") in client.get(reverse("core:home")).content.decode()) is shown
