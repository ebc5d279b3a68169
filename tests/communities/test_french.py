"""The pages speak French: labels, agreement of counts, dates, numbers, punctuation."""

import datetime
import html
import re

import pytest
from django.apps import apps
from django.urls import reverse

from cooperer.communities import forms
from cooperer.communities.models import PhaseTransition, RoadmapVersion, Workshop
from cooperer.core import typography

pytestmark = pytest.mark.django_db

# Field names whose automatic label (the name itself) is already the French word.
FRENCH_NAMES = {"phase", "programme", "communes", "description", "instance", "structure"}


def test_every_field_of_the_communities_models_has_a_french_label():
    english = []
    for model in apps.get_app_config("communities").get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue
            automatic = field.name.replace("_", " ")
            if field.verbose_name == automatic and field.name not in FRENCH_NAMES and field.name != "id":
                english.append(f"{model.__name__}.{field.name}")
        if "verbose_name_plural" not in model._meta.original_attrs:
            english.append(f"{model.__name__} (pluriel deviné : « {model._meta.verbose_name_plural} »)")
    assert english == []


def test_the_roadmap_forms_have_french_labels(community):
    roadmap = community["v1"]
    labels = {
        name: str(field.label)
        for form in (
            forms.AxisForm(),
            forms.ActionForm(roadmap=roadmap),
            forms.WorkingGroupForm(roadmap=roadmap),
        )
        for name, field in form.fields.items()
    }
    assert labels["order"] == "Ordre" and labels["axis"] == "Axe" and labels["members"] == "Membres"
    assert labels["description"] == "Description" and labels["partners"] == "Partenaires"
    assert RoadmapVersion._meta.verbose_name_plural == "versions de la feuille de route"


def test_counts_agree_with_their_noun():
    assert typography.count_of(0, "participant") == "0 participant"
    assert typography.count_of(1, "structure") == "1 structure"
    assert typography.count_of(2, "structure") == "2 structures"
    assert typography.count_of(3, "travail", "travaux") == "3 travaux"
    assert typography.count_of(12000, "décision") == "12\xa0000 décisions"


def test_numbers_are_grouped_by_a_non_breaking_space():
    assert typography.number(2000) == "2\xa0000"
    assert typography.number(999) == "999"


def test_the_first_of_the_month_is_written_1er():
    assert typography.long_date(datetime.date(2024, 3, 1)) == "1er mars 2024"
    assert typography.long_date(datetime.date(2024, 3, 12)) == "12 mars 2024"
    assert typography.long_datetime(datetime.datetime(2025, 6, 1, 18, 0)) == "1er juin 2025 à 18:00"


def test_names_are_listed_the_french_way():
    assert typography.names_list(["A"]) == "A"
    assert typography.names_list(["A", "B", "C"]) == "A, B et C"
    assert typography.names_list([str(n) for n in range(12)], limit=3) == "0, 1, 2 et 9 autres"


def page_text(response) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_the_community_page_agrees_counts_and_writes_the_first_of_the_month(client, users, community):
    c = community["community"]
    Workshop.objects.create(
        community=c, title="Se connaître", held_on=datetime.date(2024, 2, 1), attendance=1
    )
    PhaseTransition.objects.create(
        community=c, phase="structuration", on=datetime.date(2024, 1, 1), justification="Prêts"
    )
    client.force_login(users["m2a_animator"])
    text = page_text(client.get(reverse("communities:detail", args=[c.pk])))
    assert "(1er février 2024, 1 participant)" in text
    assert "1er janvier 2024 : Structuration — Prêts" in text
    assert "adoptée le 12 mars 2024, instance : Plénière" in text and "par Plénière" not in text
    assert "Adoptée (adoptée" not in text


@pytest.mark.parametrize("page", ["detail", "timeline", "fiche", "decisions", "roadmap", "meeting"])
def test_no_space_before_a_comma(client, users, community, page):
    from cooperer.communities import services

    c = community["community"]
    meeting = services.schedule_meeting(community["cotech"], starts_at=community["future"])
    Workshop.objects.create(
        community=c, title="Atelier", held_on=datetime.date(2024, 2, 1), attendance=12, facilitator="Carré"
    )
    urls = {
        "detail": reverse("communities:detail", args=[c.pk]),
        "timeline": reverse("communities:timeline", args=[c.pk]),
        "fiche": reverse("communities:fiche", args=[c.pk]),
        "decisions": reverse("communities:decisions", args=[c.pk]),
        "roadmap": community["v1"].get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
    }
    client.force_login(users["m2a_animator"])
    text = page_text(client.get(urls[page]))
    assert " ," not in text, text[max(0, text.index(" ,") - 60) : text.index(" ,") + 20]
