"""BICs (ISO 9362): validation, branch-insensitive comparison, and the country of a bank.

Validation and the branch-free institution code are `scrutiny.ids` (shared with matching);
this module adds the payment reading: comparing two BICs, and banks located in KP.
"""

from __future__ import annotations

from functools import lru_cache

from scrutiny.countries import country_code
from scrutiny.ids import institution_code, normalize_bic

# Countries whose banks are treated as designated by location alone: every DPRK bank is
# subject to the UN 1718 regime (UNSCR 2270 para 33) whether or not it is listed by name.
SANCTIONED_BANK_COUNTRIES = frozenset({"KP"})
CODE_CACHE = 1 << 14


@lru_cache(maxsize=CODE_CACHE)
def valid_bic(value: str) -> str | None:
    """`normalize_bic`, cached for parsing: the same banks' BICs recur in every message, and
    validating one builds a schwifty BIC (a registry look-up)."""
    return normalize_bic(value)


@lru_cache(maxsize=CODE_CACHE)
def country_of(value: str) -> str | None:
    """`scrutiny.countries.country_code`, cached for parsing (PstlAdr/Ctry, 50F 3/)."""
    return country_code(value)


def same_institution(a: str, b: str) -> bool:
    """True when two BICs name the same bank, whatever their branch codes."""
    return institution_code(a) == institution_code(b)


def bic_country(bic: str) -> str:
    """The ISO country code in a BIC (characters 5-6): where the bank is located."""
    return "".join(bic.split()).upper()[4:6]


def located_in_sanctioned_country(bic: str) -> bool:
    """True for a BIC of a bank located in a country whose banks are all restricted (KP)."""
    return bic_country(bic) in SANCTIONED_BANK_COUNTRIES


__all__ = [
    "SANCTIONED_BANK_COUNTRIES",
    "bic_country",
    "country_of",
    "institution_code",
    "located_in_sanctioned_country",
    "normalize_bic",
    "same_institution",
    "valid_bic",
]
