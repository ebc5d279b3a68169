import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperer.accounts.enums import Funder
from cooperer.actors.enums import LegalForm, LinkKind
from cooperer.actors.models import CooperationLink, Structure
from cooperer.calls.enums import ApplicationStatus, CallStatus, Outcome, PartnerRole
from cooperer.calls.models import Application, Call, CallFunder, Decision, Grant, Partner
from cooperer.communities.models import Community, Membership
from cooperer.consultations.enums import Audience, ContributionKind, ContributionSource, SessionFormat
from cooperer.consultations.models import Contribution, Session
from cooperer.measurement import proof
from cooperer.measurement.models import Bilan
from cooperer.territories.models import Commune
from tests.calls.fixtures import luhn_siret, make_structure

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 9, 1)
YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
SCHOOL_YEAR_2026 = (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS)


def _apply(call, applicant, period=YEAR_2025, submitted=None, partners=(), **extra):
    application = Application.objects.create(
        call=call, applicant=applicant, title=f"Action de {applicant.name}", purpose="Une action (fictive).",
        starts_on=period[0], ends_on=period[1], submitted_at=_at(submitted) if submitted else None,
        **{"status": ApplicationStatus.SUBMITTED, **extra},
    )  # fmt: skip
    for structure, role in partners:
        Partner.objects.create(application=application, structure=structure, role=role)
    return application


def _decide(application, on, amount, serves=None):
    decision = Decision.objects.create(
        application=application,
        outcome=Outcome.GRANTED,
        motivation="Motivée.",
        committee="Comité",
        decided_on=on,
    )
    funder = application.call.funders.get(funder=Funder.STATE)
    Grant.objects.create(decision=decision, call_funder=funder, amount=Decimal(amount))
    if serves is not None:
        application.served.create(element=serves, justification="Elle le sert.")
    return decision


def _bilan(application, due_on, submitted=None, year_index=1):
    return Bilan.objects.create(
        application=application, year_index=year_index, period_start=application.starts_on,
        period_end=application.ends_on, due_on=due_on, submitted_at=_at(submitted) if submitted else None,
    )  # fmt: skip


def _link(a, b, start, end=None):
    return CooperationLink.objects.create(source=a, target=b, kind=LinkKind.PARTNERSHIP, start=start, end=end)


def _said(
    consultation, qpv, audience, session=None, source=ContributionSource.ASSISTED, on=None, hidden=False
):
    return Contribution.objects.create(
        consultation=consultation, session=session, qpv=qpv, audience=audience, kind=ContributionKind.PROPOSAL,
        text="Une proposition.", source=source, created_at=_at(on or datetime.date(2025, 3, 10)),
        hidden_at=timezone.now() if hidden else None,
    )  # fmt: skip


@pytest.fixture
def built(call, territory, consultation):
    """A small contract whose every figure is known (see each test)."""
    one = make_structure("Association Une (fictive)", 101)
    two = make_structure("Association Deux (fictive)", 102)
    three = make_structure("Association Trois (fictive)", 103)
    town = make_structure("Service jeunesse (fictif)", 104, form=LegalForm.COMMUNE)
    caf = make_structure("CAF (fictive)", 105, form=LegalForm.CAF)
    # 2025: four applications filed, a merged one, a draft.
    a1 = _apply(call, one, submitted=datetime.date(2024, 11, 10), partners=[(town, PartnerRole.OPERATIONAL)])
    a1.qpvs.set([territory["sud_est"]])
    a2 = _apply(call, two, submitted=datetime.date(2024, 11, 1), partners=[(three, PartnerRole.CO_LEAD)])
    a3 = _apply(call, three, submitted=datetime.date(2024, 11, 20))
    _apply(call, two, submitted=datetime.date(2024, 11, 2), status=ApplicationStatus.MERGED, merged_into=a3)
    _apply(call, three, status=ApplicationStatus.DRAFT)
    _apply(call, one, submitted=datetime.date(2024, 11, 5), partners=[(caf, PartnerRole.FUNDER)])
    _decide(a1, datetime.date(2024, 12, 10), "10000", serves=call.youth)  # 30 days
    _decide(a2, datetime.date(2024, 12, 21), "5000")  # 50 days, serves no element
    _decide(a3, datetime.date(2024, 12, 30), "5000", serves=call.spaces)  # 40 days
    _bilan(a1, datetime.date(2026, 6, 30), submitted=datetime.date(2026, 6, 1))  # on time
    _bilan(a2, datetime.date(2026, 6, 30), submitted=datetime.date(2026, 7, 15))  # late
    _bilan(a3, datetime.date(2026, 6, 30))  # not filed, past due
    # 2026 (a school year): one co-carried application, its bilan not due yet.
    a7 = _apply(
        call,
        one,
        SCHOOL_YEAR_2026,
        submitted=datetime.date(2025, 6, 1),
        partners=[(two, PartnerRole.CO_LEAD)],
    )
    _bilan(a7, datetime.date(2027, 2, 28))
    # The network: 2024 one tie inside the associations, 2025 one tie with the town, 2026 one more association tie.
    _link(one, two, datetime.date(2024, 3, 1), datetime.date(2024, 12, 31))
    _link(one, town, datetime.date(2025, 1, 1))
    _link(two, three, datetime.date(2026, 2, 1))
    # 2025 consultation: four residents' contributions (one young, online), two professionals', one hidden.
    sud_est = territory["sud_est"]
    residents = Session.objects.create(
        consultation=consultation, qpv=sud_est, audience=Audience.RESIDENTS, format=SessionFormat.WORKSHOP,
        date=datetime.date(2025, 3, 10), attendance={"femmes:25_59": 8, "hommes:25_59": 6},
    )  # fmt: skip
    pros = Session.objects.create(
        consultation=consultation, qpv=sud_est, audience=Audience.PROFESSIONALS, format=SessionFormat.WORKSHOP,
        date=datetime.date(2025, 3, 11), attendance={"femmes:25_59": 5},
    )  # fmt: skip
    for _ in range(3):
        _said(consultation, sud_est, Audience.RESIDENTS, residents)
    _said(consultation, sud_est, Audience.YOUTH, source=ContributionSource.FORM, on=datetime.date(2025, 4, 1))
    _said(consultation, sud_est, Audience.PROFESSIONALS, pros)
    _said(consultation, sud_est, Audience.PROFESSIONALS, pros)
    _said(consultation, sud_est, Audience.RESIDENTS, residents, hidden=True)
    return {"one": one, "two": two, "town": town, "a1": a1, "a7": a7}


def _year(rows, year):
    return next(row for row in rows if row["year"] == year)


def _contract_rows(territory):
    return proof.yearly(proof.contract_scope(territory["se_contract"]), TODAY)


def test_it_counts_one_row_per_year_of_the_contract(built, territory):
    assert [row["year"] for row in _contract_rows(territory)] == [2024, 2025, 2026]


def test_it_measures_the_network_density_and_the_ties_between_sectors(built, territory):
    rows = _contract_rows(territory)
    assert [_year(rows, y)["links"] for y in (2024, 2025, 2026)] == [1, 1, 2]
    assert _year(rows, 2026)["structures"] == 5
    assert _year(rows, 2026)["density"] == pytest.approx(2 / 10)
    assert [_year(rows, y)["cross_sector_links"] for y in (2024, 2025, 2026)] == [0, 1, 1]
    assert _year(rows, 2026)["cross_sector_share"] == pytest.approx(0.5)


def test_it_counts_applications_with_partners_consortia_merges_and_co_porteurs(built, territory):
    row = _year(_contract_rows(territory), 2025)
    assert row["applications"] == 4  # neither the draft nor the merged one
    assert (row["with_partners"], row["with_partners_share"]) == (2, 0.5)  # a funder alone is no partner
    assert (row["consortia"], row["consortium_share"], row["merged"]) == (1, 0.25, 1)
    assert (row["co_led"], row["co_led_share"]) == (1, 0.25)


def test_an_action_starting_in_september_counts_for_the_year_it_ends_in(built, territory):
    row = _year(_contract_rows(territory), 2026)
    assert (row["applications"], row["co_led"], row["co_led_share"]) == (1, 1, 1.0)


def test_it_shares_the_granted_euros_aligned_with_the_vision(built, territory):
    row = _year(_contract_rows(territory), 2025)
    assert row["granted"] == Decimal("20000")
    assert row["aligned"] == Decimal("15000")
    assert row["aligned_share"] == Decimal("0.75")


def test_it_takes_the_median_days_from_submission_to_decision(built, territory):
    row = _year(_contract_rows(territory), 2025)
    assert (row["decisions"], row["median_days"]) == (3, 40)


def test_it_counts_the_bilans_filed_on_time_among_those_due(built, territory):
    rows = _contract_rows(territory)
    row = _year(rows, 2025)
    assert (row["bilans_due"], row["bilans_on_time"]) == (3, 1)
    assert row["on_time_share"] == pytest.approx(1 / 3)
    assert _year(rows, 2026)["bilans_due"] is None  # not due yet, not filed


def test_it_counts_residents_contributions_and_participants(built, territory):
    row = _year(_contract_rows(territory), 2025)
    assert (row["contributions"], row["resident_contributions"]) == (6, 4)
    assert row["resident_share"] == pytest.approx(4 / 6)
    assert row["resident_participants"] == 14  # the professionals' session does not count


def test_a_year_without_anything_measured_says_so(built, territory):
    row = _year(_contract_rows(territory), 2024)
    assert row["applications"] is None and row["median_days"] is None
    assert proof.formatted(row["median_days"], "days") == "—"


def test_a_qpv_counts_only_its_own_applications(built, territory):
    row = _year(proof.yearly(proof.qpv_scope(territory["sud_est"]), TODAY), 2025)
    assert (row["applications"], row["granted"], row["contributions"]) == (1, Decimal("10000"), 6)


def test_a_community_counts_the_applications_of_its_members(built, territory):
    community = Community.objects.create(
        name="Collectif (fictif)", epci=territory["sem"], objective="Les jeunes"
    )
    for structure in (built["one"], built["town"]):
        Membership.objects.create(community=community, structure=structure)
    rows = proof.yearly(proof.community_scope(community), TODAY)
    row = _year(rows, 2025)
    assert (row["applications"], row["with_partners"]) == (2, 1)
    assert (_year(rows, 2025)["structures"], _year(rows, 2025)["links"]) == (2, 1)


def test_the_queries_do_not_grow_with_the_data(built, territory, call, consultation):
    def count():
        with CaptureQueriesContext(connection) as queries:
            proof.yearly(proof.contract_scope(territory["se_contract"]), TODAY)
            proof.comparison(proof.contract_scope(territory["se_contract"]), TODAY)
        return len(queries)

    before = count()
    for seed in range(10):
        structure = make_structure(f"Association {seed} (fictive)", 200 + seed)
        application = _apply(
            call,
            structure,
            submitted=datetime.date(2024, 11, 3),
            partners=[(built["town"], PartnerRole.CO_LEAD)],
        )
        _decide(application, datetime.date(2024, 12, 15), "1000", serves=call.youth)
        _bilan(application, datetime.date(2026, 6, 30), submitted=datetime.date(2026, 5, 1))
        _link(structure, built["one"], datetime.date(2025, 5, 1))
        _said(consultation, territory["sud_est"], Audience.RESIDENTS)
    assert count() == before
    assert _year(_contract_rows(territory), 2025)["applications"] == 14


def _m2a_call(territory):
    call = Call.objects.create(
        name="Appel de m2A (fictif)", epci=territory["m2a"], contract=territory["m2a_contract"], carrier_name="m2A",
        opens_on=datetime.date(2024, 9, 1), closes_at=_at(datetime.date(2024, 11, 15)), status=CallStatus.CLOSED,
    )  # fmt: skip
    CallFunder.objects.create(
        call=call, funder=Funder.STATE, name="Préfecture du Haut-Rhin", envelope=Decimal("1")
    )
    return call


def _apply_in_mulhouse(territory):
    """An application alone in m2A, a contract with neither community of action nor vision."""
    alone = Structure.objects.create(
        name="Association mulhousienne (fictive)", legal_form=LegalForm.LOCAL_LAW_ASSOCIATION,
        commune=Commune.objects.get(insee_code="68224"), siret=luhn_siret(301),
    )  # fmt: skip
    return _apply(_m2a_call(territory), alone, submitted=datetime.date(2024, 11, 5))


def test_there_is_no_comparison_when_no_territory_without_the_method_has_data(built, territory):
    other = proof.comparison(proof.contract_scope(territory["se_contract"]), TODAY)
    assert other["rows"] == []
    assert other["reason"].startswith("Pas de comparaison possible")


def test_the_comparison_reads_the_contracts_without_community_nor_vision(built, territory):
    _apply_in_mulhouse(territory)
    other = proof.comparison(proof.contract_scope(territory["se_contract"]), TODAY)
    assert other["reason"] == ""
    row = _year(other["rows"], 2025)
    assert (row["applications"], row["with_partners_share"]) == (1, 0.0)
    Community.objects.create(
        name="Communauté de m2A (fictive)", epci=territory["m2a"], objective="Les jeunes"
    )
    assert proof.comparison(proof.contract_scope(territory["se_contract"]), TODAY)["rows"] == []


def test_small_counts_of_people_are_secret_for_the_public(built, territory):
    row = _year(proof.masked(_contract_rows(territory), exact=False), 2025)
    assert row["resident_contributions"] == "secret"
    assert row["resident_share"] == "secret"
    assert row["resident_participants"] == 14
    assert row["applications"] == 4  # applications are not people
    assert _year(proof.masked(_contract_rows(territory), exact=True), 2025)["resident_contributions"] == 4


def test_the_report_section_gives_the_year_as_published(built, territory):
    section = proof.report_section(territory["se_contract"], 2025)
    rows = dict(section["rows"])
    assert section["title"].startswith("Preuves : la coopération produit-elle des résultats ?")
    assert rows["Part des demandes portées avec des partenaires"] == "50 %"
    assert rows["Délai médian du dépôt à la décision"] == "40 jours"
    assert rows["Montants accordés"] == "20\u202f000 €"
    assert rows["Contributions d'habitants et de jeunes"] == "secret"
    assert rows["Comparaison"].startswith("Pas de comparaison possible")


# -- the page ------------------------------------------------------------------------------------------------


def _url(territory, *rest, name="proof_contract"):
    return reverse(f"measurement:{name}", args=[territory["se_contract"].slug, *rest])


def test_anyone_reads_the_contract_proof_with_small_counts_masked(client, built, territory):
    response = client.get(_url(territory))
    content = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert '<title id="preuve-density-titre">Densité du réseau, par année</title>' in content
    assert '<desc id="preuve-density-desc">2024 : 10,0 % ; 2025 : 10,0 % ; 2026 : 20,0 %.' in content
    assert ">secret<" in content
    assert "Pas de comparaison possible" in content


def test_the_animatrice_of_the_territory_sees_exact_counts(client, built, users, territory):
    client.force_login(users["se_animator"])
    response = client.get(_url(territory))
    assert "Vous suivez ce territoire" in response.content.decode()
    assert ">secret<" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_another_territory_s_animatrice_sees_masked_counts(client, built, users, territory):
    client.force_login(users["m2a_animator"])
    assert ">secret<" in client.get(_url(territory)).content.decode()


def test_a_qpv_outside_the_contract_is_not_found(client, built, territory):
    assert client.get(_url(territory, "QN04215M", name="proof_qpv")).status_code == 200
    assert client.get(_url(territory, "QN06803M", name="proof_qpv")).status_code == 404


def test_a_community_proof_is_reserved_to_its_territory(client, built, users, territory):
    community = Community.objects.create(
        name="Collectif (fictif)", epci=territory["sem"], objective="Les jeunes"
    )
    url = _url(territory, community.pk, name="proof_community")
    assert client.get(url).status_code == 302
    client.force_login(users["m2a_animator"])
    assert client.get(url).status_code == 403
    client.force_login(users["member"])
    assert client.get(url).status_code == 200
    assert "Collectif (fictif)" in client.get(_url(territory)).content.decode()


def test_the_page_queries_do_not_grow(client, built, users, territory, django_assert_max_num_queries):
    client.force_login(users["se_animator"])
    with django_assert_max_num_queries(30):
        client.get(_url(territory))


def test_the_measurement_home_and_the_copil_dashboard_link_to_the_proof(client, built, users, territory):
    client.force_login(users["se_animator"])
    assert reverse("measurement:proof_index") in client.get(reverse("measurement:home")).content.decode()
    dashboard = client.get(reverse("measurement:copil_dashboard", args=[territory["se_contract"].slug]))
    assert _url(territory) in dashboard.content.decode()
    assert territory["se_contract"].name in client.get(reverse("measurement:proof_index")).content.decode()


def test_the_page_draws_the_comparison_beside_the_contract(client, built, territory):
    _apply_in_mulhouse(territory)
    content = client.get(_url(territory)).content.decode()
    assert "Pas de comparaison possible" not in content
    assert 'class="chart-bar--comparison"' in content
    assert (
        '<th scope="col" class="num">Contrats de ville sans communauté d&#x27;action ni vision</th>'
        in content
    )
