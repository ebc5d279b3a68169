"""What has not happened yet cannot be recorded: attendance before the meeting, decisions in the future."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperer.communities import services
from cooperer.communities.enums import RoadmapStatus
from cooperer.communities.models import Decision, RoadmapVersion

pytestmark = pytest.mark.django_db


def test_attendance_of_a_future_meeting_is_refused(community):
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"])
    with pytest.raises(services.CommunityError, match="n'a pas encore eu lieu") as error:
        services.record_attendance(meeting, {community["members"][0].pk})
    assert "les présences se notent à partir du jour de la réunion" in str(error.value)
    assert meeting.attendances.count() == 0


def test_attendance_opens_on_the_day_of_the_meeting(community):
    later_today = timezone.localtime().replace(hour=23, minute=59)
    meeting = services.schedule_meeting(community["cotech"], starts_at=later_today)
    services.record_attendance(meeting, {community["members"][0].pk})
    assert meeting.attendances.filter(present=True).count() == 1


def test_the_meeting_page_explains_why_attendance_waits(client, users, community):
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"])
    client.force_login(users["m2a_animator"])
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Les présences et le compte rendu se notent à partir du jour de la réunion" in html
    assert 'name="present"' not in html
    response = client.post(
        meeting.get_absolute_url(),
        {"present": [community["members"][0].pk], "minutes": "Trop tôt"},
        follow=True,
    )
    assert "Cette réunion n&#x27;a pas encore eu lieu" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.attendances.count() == 0


def test_a_decision_dated_in_the_future_is_refused(client, users, community):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.CommunityError, match="ne peut pas être datée dans le futur") as error:
        services.record_decision(
            community["community"], instance=community["cotech"], text="Plus tard", decided_on=tomorrow
        )
    assert error.value.field == "decided_on"
    client.force_login(users["m2a_animator"])
    html = client.post(
        reverse("communities:decision_create", args=[community["community"].pk]),
        {"instance": community["cotech"].pk, "decided_on": tomorrow.isoformat(), "text": "Plus tard"},
    ).content.decode()
    assert "Une décision ne peut pas être datée dans le futur" in html
    assert 'id="id_decided_on_erreurs"' in html  # shown next to the date
    assert not Decision.objects.filter(text="Plus tard").exists()


def test_a_roadmap_cannot_be_adopted_at_a_future_date(community):
    v2 = services.new_roadmap_version(community["community"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.CommunityError, match="date future"):
        services.adopt_roadmap(v2, instance=community["pleniere"], on=tomorrow)
    assert RoadmapVersion.objects.get(pk=v2.pk).status == RoadmapStatus.DRAFT
