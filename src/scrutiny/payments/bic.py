"""BICs (ISO 9362): validation, branch-insensitive comparison, and the country of a bank.

Validation is schwifty's (structure and ISO country code); what this module adds is the
compliance reading: the 8-character institution code is what sanctions lists designate, so
``FTBDKPPY``, ``FTBDKPPYXXX`` and any branch ``FTBDKPPY123`` are the same bank.
"""

from __future__ import annotations

from schwifty import BIC
from schwifty.exceptions import SchwiftyException

# Countries whose banks are treated as designated by location alone: every DPRK bank is
# subject to the UN 1718 regime (UNSCR 2270 para 33) whether or not it is listed by name.
SANCTIONED_BANK_COUNTRIES = frozenset({"KP"})


def normalize_bic(value: str | None) -> str | None:
    """The BIC in upper case without spaces if it is valid (8 or 11 characters), else None."""
    if not value:
        return None
    compact = "".join(value.split()).upper()
    if len(compact) not in (8, 11):
        return None
    try:
        BIC(compact)
    except (SchwiftyException, ValueError):
        return None
    return compact


def institution_code(bic: str) -> str:
    """The branch-free 8-character code (``FTBDKPPYXXX`` -> ``FTBDKPPY``)."""
    return "".join(bic.split()).upper()[:8]


def same_institution(a: str, b: str) -> bool:
    """True when two BICs name the same bank, whatever their branch codes."""
    return institution_code(a) == institution_code(b)


def bic_country(bic: str) -> str:
    """The ISO country code in a BIC (characters 5-6): where the bank is located."""
    return "".join(bic.split()).upper()[4:6]


def located_in_sanctioned_country(bic: str) -> bool:
    """True for a BIC of a bank located in a country whose banks are all restricted (KP)."""
    return bic_country(bic) in SANCTIONED_BANK_COUNTRIES
