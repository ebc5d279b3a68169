from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from cooperer.accounts.models import User
from cooperer.actors.models import CooperationLink, Structure
from cooperer.actors.services import refresh_search_text
from cooperer.calls.models import Application, ExternalGrant, Grant
from cooperer.communities.models import Community
from cooperer.consultations.models import Contribution
from cooperer.core import fulltext, national
from cooperer.core.text import search_document, search_terms
from cooperer.core.validators import luhn_ok
from cooperer.measurement.models import Measurement, Rollup
from cooperer.territories.models import Qpv

pytestmark = pytest.mark.django_db

SCALE = 0.002


def generate(seed=7, **options):
    call_command("generate_national", scale=SCALE, seed=seed, squares=True, **options)
    return national.key_figures()


def test_it_fills_an_empty_database_at_the_scale_asked_with_fictional_marked_data(client):
    figures = generate()
    assert figures["qpvs"] == national.QPV_COUNT
    for name in ("structures", "links", "communities", "contributions", "applications"):
        assert figures[name] == round(national.SIZES[name] * SCALE), name
    assert figures["grants"] + figures["external_grants"] == round(national.SIZES["grants"] * SCALE)
    assert figures["measurements"] >= round(national.SIZES["measurements"] * SCALE)
    assert figures["contracts"] > 0 and figures["rollups"] > 0
    it_is_fictional_and_marked_so()
    its_running_totals_are_those_of_the_measurements()
    its_search_indexes_find_the_generated_rows()
    its_accounts_log_in_with_the_documented_password(client)


def test_the_same_seed_gives_the_same_data_set_another_seed_another_and_force_is_needed():
    first = generate(seed=7)
    with pytest.raises(CommandError, match="n'est pas vide"):
        generate(seed=7)
    assert generate(seed=7, force=True) == first
    assert generate(seed=8, force=True)["fingerprint"] != first["fingerprint"]


def it_is_fictional_and_marked_so():
    for model in (Structure, CooperationLink, Community, Contribution, Application, User):
        assert not model.objects.filter(is_demo=False).exists(), model
    assert all("(fictive)" in name for name in Structure.objects.values_list("name", flat=True))
    assert all("fictif" in name for name in Qpv.objects.values_list("name", flat=True))
    sirets = Structure.objects.exclude(siret="").values_list("siret", flat=True)
    assert sirets and all(luhn_ok(siret) and siret.startswith("000") for siret in sirets)
    names = ExternalGrant.objects.values_list("attributor_name", flat=True)
    assert all("fictif" in name or "fictive" in name for name in names)


def its_running_totals_are_those_of_the_measurements():
    contract_scopes = list(Rollup.objects.filter(scope__startswith="contract:")[:5])
    assert contract_scopes
    for rollup in contract_scopes:
        total = Measurement.objects.filter(
            application__call__contract_id=int(rollup.scope.split(":")[1]), indicator_id=rollup.indicator_id,
            period_end__year=rollup.year, validated=True,
        ).aggregate(t=Sum("value"))["t"]  # fmt: skip
        assert Decimal(total) == rollup.total


def its_search_indexes_find_the_generated_rows():
    # The search texts, computed from the phrases' parts, are those the application computes from the text.
    for contribution in Contribution.objects.order_by("pk")[:300]:
        assert contribution.search_text == search_document(contribution.text)
    word = "jardin"
    found = fulltext.matching(Contribution.objects.all(), search_terms(word)).count()
    assert found == Contribution.objects.filter(search_text__contains=f" {word}").count() > 0
    sample = list(Structure.objects.order_by("pk").values_list("pk", "search_text")[:100])
    refresh_search_text([pk for pk, _text in sample])
    assert list(Structure.objects.order_by("pk").values_list("pk", "search_text")[:100]) == sample
    structure = Structure.objects.order_by("pk").first()
    matches = fulltext.matching(Structure.objects.all(), search_terms(structure.name.split()[0]))
    assert matches.filter(pk=structure.pk).exists()
    themes = Structure.objects.annotate(n=Count("themes")).values_list("n", flat=True)
    assert set(themes) <= {1, 2, 3} and len(set(themes)) == 3  # 1 to 3 of the demo's thematiques each
    sport = Structure.objects.filter(themes__name="Sport")
    assert set(Structure.objects.matching("sport")) >= set(sport) and sport.exists()


def its_accounts_log_in_with_the_documented_password(client):
    targets = national.bench_targets()
    assert client.login(username=targets["accounts"]["animatrice"], password=national.PASSWORD)
    assert client.get(f"/territoires/qpv/{targets['qpv'].code}/").status_code == 200
    assert targets["call"].applications.exists() and targets["consultation"].contributions.exists()


def test_without_reference_files_it_says_so_and_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("generate_national", scale=SCALE, reference_dir=str(tmp_path))
    assert exit_info.value.code == 2
    assert "Fichiers de référence absents" in capsys.readouterr().err


@pytest.mark.realdata
def test_with_the_official_files_the_qpvs_have_their_real_contours_and_context(shared_data):
    call_command("generate_national", scale=SCALE, seed=7, reference_dir=str(shared_data))
    assert Qpv.objects.count() == national.QPV_COUNT
    assert Qpv.objects.get(code="QN04215M").name == "Quartiers Sud-Est"
    assert Measurement.objects.filter(qpv__isnull=False, source="official_file").count() > 10_000
    assert Grant.objects.exists() and Structure.objects.exists()
