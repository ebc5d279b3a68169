"""Validators for French identifiers: plain functions, no database needed."""

import re

import pytest
from django.core.exceptions import ValidationError

from cooperer.core.validators import (
    QPV_CODE_RE_2015,
    QPV_CODE_RE_2024,
    RnaCheck,
    check_rna,
    is_rna_required,
    is_valid_epci_siren,
    is_valid_insee_commune_code,
    is_valid_qpv_code,
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    luhn_ok,
    normalize_insee_commune_code,
    normalize_qpv_code,
    normalize_rna,
    normalize_siren,
    normalize_siret,
    qpv_generation,
    validate_epci_siren,
    validate_insee_commune_code,
    validate_qpv_code,
    validate_rna,
    validate_siren,
    validate_siret,
)


def raised(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


# --- Luhn ---------------------------------------------------------------------------------------


def test_luhn_accepts_known_siren_and_siret():
    assert luhn_ok("732829320")
    assert luhn_ok("73282932000074")


def test_luhn_rejects_a_wrong_key():
    assert not luhn_ok("732829321")
    assert not luhn_ok("73282932000075")


@pytest.mark.parametrize("digits", ["", "73282932A", "７３２８２９３２０", "732 829 320"])
def test_luhn_rejects_empty_and_non_ascii_digit_input(digits):
    assert not luhn_ok(digits)


# --- SIREN --------------------------------------------------------------------------------------


def test_it_accepts_a_valid_siren():
    validate_siren("732829320")
    assert is_valid_siren("732829320")


@pytest.mark.parametrize("typed", ["732 829 320", "732.829.320", "732-829-320", "732\u00a0829\u202f320"])
def test_it_accepts_a_siren_typed_with_separators(typed):
    assert normalize_siren(typed) == "732829320"
    assert is_valid_siren(typed)


def test_it_rejects_a_siren_with_a_bad_key():
    error = raised(validate_siren, "732829321")
    assert error.code == "siren_checksum"
    assert error.messages == ["Le SIREN a une clé de contrôle invalide : vérifiez la saisie."]


def test_it_rejects_a_siren_of_the_wrong_length():
    error = raised(validate_siren, "73282932")
    assert error.code == "siren_length"
    assert error.messages == ["Le SIREN doit comporter 9 chiffres (8 reçus)."]


def test_it_rejects_a_siren_with_letters():
    error = raised(validate_siren, "73282932O")
    assert error.code == "siren_not_digits"
    assert "« O »" in error.messages[0]


def test_it_rejects_an_empty_siren_with_a_readable_message():
    assert raised(validate_siren, "").messages == ["Le SIREN doit comporter 9 chiffres (aucun reçu)."]
    assert not is_valid_siren(None)


def test_it_rejects_an_all_zero_placeholder_siren():
    assert raised(validate_siren, "000000000").code == "siren_zero"


# --- SIRET --------------------------------------------------------------------------------------


def test_it_accepts_a_valid_siret():
    validate_siret("73282932000074")
    assert is_valid_siret("732 829 320 00074")


def test_it_rejects_a_siret_with_a_bad_key():
    error = raised(validate_siret, "73282932000075")
    assert error.code == "siret_checksum"


def test_it_rejects_a_siret_of_the_wrong_length_with_the_count_in_french():
    error = raised(validate_siret, "732829320000")
    assert error.code == "siret_length"
    assert error.messages == ["Le SIRET doit comporter 14 chiffres (12 reçus)."]


def test_it_says_one_digit_received_in_the_singular():
    assert raised(validate_siret, "7").messages == ["Le SIRET doit comporter 14 chiffres (1 reçu)."]


def test_it_rejects_a_siret_with_letters():
    error = raised(validate_siret, "7328293200007A")
    assert error.code == "siret_not_digits"
    assert error.messages == ["Le SIRET ne doit contenir que des chiffres (caractère « A » non autorisé)."]


def test_it_rejects_a_siret_whose_siren_part_is_invalid_even_if_the_14_digits_pass_luhn():
    assert luhn_ok("12345678900007")
    error = raised(validate_siret, "12345678900007")
    assert error.code == "siret_siren_checksum"
    assert "123456789" in error.messages[0]


def test_it_rejects_an_all_zero_placeholder_siret():
    assert raised(validate_siret, "00000000000000").code == "siret_zero"


def test_it_rejects_unicode_digits_that_are_not_ascii():
    assert raised(validate_siret, "７３２８２９３２０００７４").code == "siret_not_digits"


# --- SIRET: La Poste exception ------------------------------------------------------------------


def test_it_accepts_a_la_poste_siret_whose_digits_sum_to_a_multiple_of_5():
    assert not luhn_ok("35600000000001")
    assert sum(map(int, "35600000000001")) % 5 == 0
    validate_siret("35600000000001")


def test_it_accepts_a_la_poste_siret_found_in_the_wild():
    assert not luhn_ok("35600000049837")
    assert is_valid_siret("356 000 000 49837")


def test_it_accepts_the_la_poste_head_office_siret_which_keeps_the_luhn_key():
    assert luhn_ok("35600000000048")
    assert sum(map(int, "35600000000048")) % 5 != 0
    validate_siret("35600000000048")


def test_it_rejects_a_la_poste_siret_whose_digit_sum_is_not_a_multiple_of_5_even_if_luhn_passes():
    assert luhn_ok("35600000000014")
    error = raised(validate_siret, "35600000000014")
    assert error.code == "siret_la_poste_checksum"
    assert "multiple de 5" in error.messages[0]


# --- SIRET stored as a float in open data -------------------------------------------------------


@pytest.mark.parametrize(
    "stored",
    [
        "52499120500013.0",
        "52499120500013.00",
        "52499120500013,0",
        "5.2499120500013E+13",
        "5.2499120500013e13",
    ],
)
def test_it_normalises_a_siret_published_as_a_float(stored):
    assert normalize_siret(stored) == "52499120500013"
    assert is_valid_siret(stored)


def test_it_normalises_an_actual_float_value():
    assert normalize_siret(52499120500013.0) == "52499120500013"
    assert is_valid_siret(5.2499120500013e13)


def test_it_restores_leading_zeros_lost_by_a_float():
    assert normalize_siret("542002100015.0") == "00542002100015"
    assert is_valid_siret("5.42002100015E+11")
    assert normalize_siren("5420021.0") == "005420021"
    assert is_valid_siren("5420021.0")


def test_it_does_not_round_a_float_that_is_not_an_integer():
    assert normalize_siret("5.24991205000135E+13") != "52499120500013"
    assert not is_valid_siret("5.24991205000135E+13")


def test_it_does_not_read_a_long_zero_group_as_a_float():
    assert normalize_siren("732829.000") == "732829000"


# --- EPCI SIREN ---------------------------------------------------------------------------------


def test_it_accepts_an_epci_siren():
    validate_epci_siren("244200770")
    assert is_valid_epci_siren("244 200 770")


def test_it_rejects_an_epci_siren_with_a_bad_key_naming_the_epci():
    error = raised(validate_epci_siren, "244200771")
    assert error.code == "siren_checksum"
    assert error.messages[0].startswith("Le SIREN de l'EPCI")


# --- RNA ----------------------------------------------------------------------------------------


def test_it_accepts_a_strict_rna_number():
    assert check_rna("W423001234") == RnaCheck(normalized="W423001234", is_strict=True, warning="")
    validate_rna("W423001234")


def test_it_normalises_a_lowercase_rna_number_with_spaces():
    assert normalize_rna(" w423 001 234 ") == "W423001234"
    assert check_rna("w423 001 234").is_strict


def test_it_accepts_an_old_prefecture_rna_number_with_a_warning():
    result = check_rna("W2A1001234")
    assert result.normalized == "W2A1001234"
    assert not result.is_strict
    assert "ancien format" in result.warning
    assert is_valid_rna("W2A1001234")


@pytest.mark.parametrize("value", ["423001234", "W42300123", "W4230012345", "WA23001234", "X423001234", ""])
def test_it_rejects_an_invalid_rna_number(value):
    error = raised(validate_rna, value)
    assert error.code == "rna_format"
    assert "W suivi de 9 chiffres" in error.messages[0]
    assert not is_valid_rna(value)


@pytest.mark.parametrize("department", ["57", "67", "68"])
def test_it_does_not_require_an_rna_number_in_alsace_moselle(department):
    assert not is_rna_required(department)


@pytest.mark.parametrize("department", ["42", "2A", "974"])
def test_it_requires_an_rna_number_elsewhere(department):
    assert is_rna_required(department)


# --- Code commune INSEE -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["42218", "01053", "2A004", "2B033", "97411", "97611", "98735"],
    ids=[
        "saint-etienne",
        "bourg-en-bresse",
        "ajaccio",
        "bastia",
        "saint-denis-reunion",
        "mamoudzou",
        "papeete",
    ],
)
def test_it_accepts_insee_commune_codes_including_corsica_and_overseas(code):
    validate_insee_commune_code(code)
    assert is_valid_insee_commune_code(code)


def test_it_normalises_a_lowercase_corsican_insee_code():
    assert normalize_insee_commune_code(" 2a004 ") == "2A004"
    assert is_valid_insee_commune_code("2a004")


def test_it_hints_at_a_lost_leading_zero_for_a_four_digit_insee_code():
    error = raised(validate_insee_commune_code, "1053")
    assert error.code == "insee_commune_code_length"
    assert error.messages == [
        "Le code commune INSEE doit comporter 5 caractères (4 reçus). "
        "Un zéro initial a-t-il été perdu (1053 pour 01053) ?"
    ]


def test_it_rejects_an_insee_code_of_the_wrong_length():
    assert raised(validate_insee_commune_code, "422180").messages == [
        "Le code commune INSEE doit comporter 5 caractères (6 reçus)."
    ]


@pytest.mark.parametrize("code", ["2C004", "A2004", "4221B", "42 2A8", "٤٢٢١٨"])
def test_it_rejects_a_malformed_insee_code(code):
    assert not is_valid_insee_commune_code(code)


# --- Code QPV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["QN04215M", "QN02A01M", "QN02B02M", "QN97401I", "QN97601N", "QN01001C"])
def test_it_recognises_2024_qpv_codes(code):
    assert qpv_generation(code) == 2024
    validate_qpv_code(code)


@pytest.mark.parametrize("code", ["QP042006", "QP974001", "QP093012"])
def test_it_recognises_2015_qpv_codes(code):
    assert qpv_generation(code) == 2015
    assert is_valid_qpv_code(code)


def test_it_normalises_a_lowercase_qpv_code():
    assert normalize_qpv_code("  qn04215m ") == "QN04215M"
    assert qpv_generation(" qn04215m") == 2024
    assert qpv_generation("qp042006") == 2015


@pytest.mark.parametrize(
    "code",
    ["QN04215X", "QN0421M", "QN02C01M", "QP04200", "QP0420067", "QPV042006", "QN04215", "042006", ""],
)
def test_it_rejects_an_unknown_qpv_code(code):
    with pytest.raises(ValidationError) as excinfo:
        qpv_generation(code)
    assert excinfo.value.code == "qpv_code_format"
    assert not is_valid_qpv_code(code)


def test_the_qpv_error_message_shows_both_generations():
    message = raised(validate_qpv_code, "QX123").messages[0]
    assert "« QX123 »" in message
    assert "QN04215M" in message
    assert "QP042006" in message


def test_the_exported_qpv_patterns_are_compiled_regexes():
    assert isinstance(QPV_CODE_RE_2024, re.Pattern)
    assert QPV_CODE_RE_2024.fullmatch("QN02A01M")
    assert QPV_CODE_RE_2015.fullmatch("QP042006")
    assert not QPV_CODE_RE_2015.fullmatch("QN04215M")
