"""Validators for French public identifiers: SIREN, SIRET, RNA, code commune INSEE, code QPV, EPCI SIREN.

Each identifier comes with three functions:

- ``normalize_x(value) -> str`` cleans up what people type and what open data holds (separators,
  case, SIRETs published as floats);
- ``validate_x(value) -> None`` is a Django model/form field validator: it validates the
  *normalised* value and raises ``ValidationError`` with a French message and a stable ``code``;
- ``is_valid_x(value) -> bool``.

Because validators accept anything that normalises to a valid identifier, forms and importers should
store ``normalize_x(value)`` so that the database only holds the canonical form.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

SIREN_LENGTH = 9
SIRET_LENGTH = 14
INSEE_COMMUNE_CODE_LENGTH = 5

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"

# re.ASCII: \d means [0-9] only, so Arabic-Indic or full-width digits are rejected.
RNA_RE_STRICT = re.compile(r"^W\d{9}$", re.ASCII)
RNA_RE_LOOSE = re.compile(r"^W\d[A-Z\d]\d{7}$", re.ASCII)
INSEE_COMMUNE_CODE_RE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$", re.ASCII)
QPV_CODE_RE_2024 = re.compile(r"^QN(\d{3}|02[AB])\d{2}[MINC]$", re.ASCII)
QPV_CODE_RE_2015 = re.compile(r"^QP\d{6}$", re.ASCII)

# Départements where associations are registered at the tribunal judiciaire, not in the RNA.
ALSACE_MOSELLE_DEPARTMENTS = frozenset({"57", "67", "68"})

_SEPARATORS_RE = re.compile(r"[\s.\-\u00a0\u202f]")
_WHITESPACE_RE = re.compile(r"[\s\u00a0\u202f]")
_NON_DIGIT_RE = re.compile(r"[^0-9]")
# "52499120500013.0" (one or two zeros, as pandas/Excel write them) or "5.2499120500013E+13".
# Longer fractional parts are left alone: "123456.000" is more likely a typed group separator.
_FLOAT_TEXT_RE = re.compile(r"[0-9]+[.,]0{1,2}|[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]{1,2}")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _received(count: int) -> str:
    if count == 0:
        return "aucun reçu"
    return f"{count} reçu" if count == 1 else f"{count} reçus"


def _passes(validator: Callable[[object], object], value: object) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


# --- Luhn, SIREN, SIRET -------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (ASCII digits only, non-empty) passes the Luhn check."""
    if not digits or _NON_DIGIT_RE.search(digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _integer_from_float_text(text: str) -> str | None:
    """Read open-data float text ("52499120500013.0", "5.2499120500013E+13") as an integer string.

    Returns None when ``text`` is not float text or not exactly an integer.
    """
    if not _FLOAT_TEXT_RE.fullmatch(text):
        return None
    number = Decimal(text.replace(",", "."))
    if number != number.to_integral_value():
        return None
    return str(int(number))


def _normalize_number(value: object, width: int) -> str:
    text = _text(value)
    from_float = _integer_from_float_text(text)
    if from_float is not None:
        # A float drops leading zeros (SIREN 005 420 021 becomes 5420021.0): put them back.
        return from_float.zfill(width)
    return _SEPARATORS_RE.sub("", text)


def normalize_siren(value: object) -> str:
    """Strip spaces, non-breaking spaces, dots and dashes; "732829320.0" -> "732829320"."""
    return _normalize_number(value, SIREN_LENGTH)


def normalize_siret(value: object) -> str:
    """Strip spaces, non-breaking spaces, dots and dashes; "5.2499120500013E+13" -> "52499120500013"."""
    return _normalize_number(value, SIRET_LENGTH)


def _check_digits(number: str, *, label: str, width: int, code: str) -> None:
    bad_char = _NON_DIGIT_RE.search(number)
    if bad_char:
        raise ValidationError(
            "%(label)s ne doit contenir que des chiffres (caractère « %(char)s » non autorisé).",
            code=f"{code}_not_digits",
            params={"label": label, "char": bad_char.group()},
        )
    if len(number) != width:
        raise ValidationError(
            "%(label)s doit comporter %(width)s chiffres (%(received)s).",
            code=f"{code}_length",
            params={"label": label, "width": width, "received": _received(len(number))},
        )
    if not number.strip("0"):
        raise ValidationError(
            "%(label)s ne peut pas être composé uniquement de zéros.",
            code=f"{code}_zero",
            params={"label": label},
        )


def _check_siren(siren: str, label: str) -> None:
    _check_digits(siren, label=label, width=SIREN_LENGTH, code="siren")
    if not luhn_ok(siren):
        raise ValidationError(
            "%(label)s a une clé de contrôle invalide : vérifiez la saisie.",
            code="siren_checksum",
            params={"label": label},
        )


def validate_siren(value: object) -> None:
    """SIREN: 9 digits whose last one is a Luhn key (e.g. 732829320)."""
    _check_siren(normalize_siren(value), "Le SIREN")


def is_valid_siren(value: object) -> bool:
    return _passes(validate_siren, value)


def validate_epci_siren(value: object) -> None:
    """An EPCI (intercommunalité) is identified by its SIREN: same rule as validate_siren."""
    _check_siren(normalize_siren(value), "Le SIREN de l'EPCI")


def is_valid_epci_siren(value: object) -> bool:
    return _passes(validate_epci_siren, value)


def _is_la_poste_establishment(siret: str) -> bool:
    return siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE_SIRET


def _check_siret_key(siret: str) -> None:
    if _is_la_poste_establishment(siret):
        if sum(map(int, siret)) % 5:
            raise ValidationError(
                "Ce SIRET d'un établissement de La Poste est invalide : "
                "la somme de ses chiffres doit être un multiple de 5.",
                code="siret_la_poste_checksum",
            )
    elif not luhn_ok(siret):
        raise ValidationError(
            "Le SIRET a une clé de contrôle invalide : vérifiez le numéro d'établissement (NIC).",
            code="siret_checksum",
        )


def validate_siret(value: object) -> None:
    """SIRET: 14 digits (SIREN + 5-digit NIC) with a Luhn key over the 14 digits.

    La Poste exception: its establishments (SIREN 356000000) are numbered so that the sum of the
    14 digits is a multiple of 5 instead; its head office 35600000000048 keeps the Luhn key.
    The embedded SIREN must be valid too.
    """
    siret = normalize_siret(value)
    _check_digits(siret, label="Le SIRET", width=SIRET_LENGTH, code="siret")
    if not luhn_ok(siret[:SIREN_LENGTH]):
        raise ValidationError(
            "Les 9 premiers chiffres du SIRET (SIREN %(siren)s) ont une clé de contrôle invalide.",
            code="siret_siren_checksum",
            params={"siren": siret[:SIREN_LENGTH]},
        )
    _check_siret_key(siret)


def is_valid_siret(value: object) -> bool:
    return _passes(validate_siret, value)


# --- RNA (Répertoire national des associations) --------------------------------------------------


@dataclass(frozen=True)
class RnaCheck:
    normalized: str
    is_strict: bool
    warning: str = ""


def normalize_rna(value: object) -> str:
    """Strip separators and uppercase: " w751 234 567 " -> "W751234567"."""
    return _SEPARATORS_RE.sub("", _text(value)).upper()


def check_rna(value: object) -> RnaCheck:
    """Check an RNA number: strict ``W`` + 9 digits, or the old prefecture form with a warning.

    The loose form ``W`` + digit + letter-or-digit + 7 digits (old prefecture codes) is accepted
    with ``is_strict=False`` and a French ``warning``; anything else raises ValidationError.

    Associations in Alsace-Moselle (départements 57, 67 and 68) have no RNA number: they are
    registered at the tribunal judiciaire under local law, so the RNA number must stay optional
    for them (see ``is_rna_required``).
    """
    rna = normalize_rna(value)
    if RNA_RE_STRICT.fullmatch(rna):
        return RnaCheck(normalized=rna, is_strict=True)
    if RNA_RE_LOOSE.fullmatch(rna):
        warning = (
            f"Le numéro RNA « {rna} » suit un ancien format de préfecture (lettre en 3e position) : "
            "il est accepté, mais vérifiez-le dans le Répertoire national des associations."
        )
        return RnaCheck(normalized=rna, is_strict=False, warning=warning)
    raise ValidationError(
        "Le numéro RNA doit commencer par W suivi de 9 chiffres (par exemple W751234567) ; "
        "« %(value)s » reçu.",
        code="rna_format",
        params={"value": rna},
    )


def validate_rna(value: object) -> None:
    """Django validator: accepts strict and old-prefecture RNA numbers (see check_rna).

    Alsace-Moselle associations (57, 67, 68) have no RNA number: make the field optional for them.
    """
    check_rna(value)


def is_valid_rna(value: object) -> bool:
    return _passes(validate_rna, value)


def is_rna_required(department_code: object) -> bool:
    """False for Alsace-Moselle (57, 67, 68), where associations are not in the RNA."""
    return _text(department_code) not in ALSACE_MOSELLE_DEPARTMENTS


# --- Code commune INSEE (code officiel géographique) ---------------------------------------------


def normalize_insee_commune_code(value: object) -> str:
    """Strip whitespace and uppercase: " 2a004 " -> "2A004"."""
    return _WHITESPACE_RE.sub("", _text(value)).upper()


def validate_insee_commune_code(value: object) -> None:
    """Code commune INSEE, 5 characters: 42218 (Saint-Étienne), 2A004 (Ajaccio), 97411, 98735.

    This is not the postcode (Saint-Étienne: code INSEE 42218, codes postaux 42000 and 42100);
    the shape alone cannot tell them apart.
    """
    code = normalize_insee_commune_code(value)
    if len(code) != INSEE_COMMUNE_CODE_LENGTH:
        hint = " Un zéro initial a-t-il été perdu (1053 pour 01053) ?" if len(code) == 4 else ""
        raise ValidationError(
            "Le code commune INSEE doit comporter 5 caractères (%(received)s).%(hint)s",
            code="insee_commune_code_length",
            params={"received": _received(len(code)), "hint": hint},
        )
    if not INSEE_COMMUNE_CODE_RE.fullmatch(code):
        raise ValidationError(
            "Le code commune INSEE « %(value)s » est invalide : 2 chiffres de département "
            "(2A ou 2B en Corse) puis 3 chiffres sont attendus, par exemple 42218.",
            code="insee_commune_code_format",
            params={"value": code},
        )


def is_valid_insee_commune_code(value: object) -> bool:
    return _passes(validate_insee_commune_code, value)


# --- Code QPV (quartier prioritaire de la politique de la ville) ---------------------------------


def normalize_qpv_code(value: object) -> str:
    """Strip and uppercase: " qn04215m " -> "QN04215M"."""
    return _text(value).upper()


def qpv_generation(code: object) -> int:
    """2024 for a QN code (QN04215M, QN02A01M), 2015 for a QP code (QP042006).

    Raises ValidationError for anything else. The code is normalised first.
    """
    normalized = normalize_qpv_code(code)
    if QPV_CODE_RE_2024.fullmatch(normalized):
        return 2024
    if QPV_CODE_RE_2015.fullmatch(normalized):
        return 2015
    raise ValidationError(
        "Le code QPV « %(value)s » n'est pas reconnu : attendu QN + département + numéro + lettre "
        "(par exemple QN04215M, géographie prioritaire 2024) ou QP + 6 chiffres "
        "(par exemple QP042006, géographie prioritaire 2015).",
        code="qpv_code_format",
        params={"value": normalized},
    )


def validate_qpv_code(value: object) -> None:
    """Django validator: accepts both generations of QPV codes (2024 and 2015)."""
    qpv_generation(value)


def is_valid_qpv_code(value: object) -> bool:
    return _passes(validate_qpv_code, value)
