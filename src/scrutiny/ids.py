"""Validation and normalisation of the identifiers screening matches exactly: IMO numbers,
MMSI, BICs and digital-currency addresses. Parsers, matching and payments all use these rules.

IMO ship identification number (SOLAS regulation XI-1/3, IMO Resolution A.1117(30)): the
letters "IMO" followed by seven digits, the last of which is a check digit. Multiply the first
six digits by 7, 6, 5, 4, 3 and 2 respectively and add the products; the last digit of the sum
is the check digit. Example: IMO 9074729 -> 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139 -> 9.

IMO also issues seven-digit *company* and registered-owner numbers (sanctions lists print them
as "IMO number: 5571322" for shipping companies). They use another check digit: weights 8, 6, 4,
2, 9, 7 on the first six digits, then (11 - sum mod 11) mod 10. Example: 5571322 -> 5*8 + 5*6 +
7*4 + 1*2 + 3*9 + 2*7 = 141, 141 mod 11 = 9, 11 - 9 = 2. `imo_valid` checks the ship rule,
`imo_company_valid` the company rule; `normalize_imo` accepts either. "0000000" is neither.

MMSI (ITU-R M.585): nine digits. A ship station's MMSI starts with its three-digit Maritime
Identification Digits (MID, 201-775), which name the flag administration.

The rule is a few lines and fully specified, so it is written here rather than pulling in a
library for it (rigour.ids.IMO implements the same rule; the tests cross-check against it).

BIC (ISO 9362): validation is schwifty's (structure and ISO country code). Sanctions lists
designate the institution, so the 8-character institution code is what compares:
``FTBDKPPY``, ``FTBDKPPYXXX`` and a branch ``FTBDKPPY123`` are one bank.

Digital-currency addresses: case rules differ by address family, so a naive lower-casing would
merge distinct addresses. Hex addresses (Ethereum and other EVM chains, ``0x`` + 40 hex digits)
are case-insensitive (EIP-55 mixed case is only a checksum); bech32/bech32m (``bc1``, ``ltc1``
...) are case-insensitive but never mixed-case; Base58 (Bitcoin legacy and P2SH, Tron,
Litecoin legacy, Dash, Zcash t-addresses, Monero, Solana, XRP) is case-sensitive.
"""

from __future__ import annotations

import re

from schwifty import BIC
from schwifty.exceptions import SchwiftyException

_IMO_PREFIX = re.compile(r"^\s*IMO[\s.:#-]*", re.IGNORECASE)
_SEVEN_DIGITS = re.compile(r"^\d{7}$")
_NINE_DIGITS = re.compile(r"^\d{9}$")
_IMO_WEIGHTS = (7, 6, 5, 4, 3, 2)
_COMPANY_WEIGHTS = (8, 6, 4, 2, 9, 7)
_MID_FIRST, _MID_LAST = 201, 775


def normalize_imo(value: str | None) -> str | None:
    """The seven digits of an IMO number (`"IMO 9074729"` -> `"9074729"`), None if not 7 digits.

    Does not check the check digit: company numbers share the format but not the rule.
    """
    if not value:
        return None
    digits = _IMO_PREFIX.sub("", value).strip().replace(" ", "")
    return digits if _SEVEN_DIGITS.match(digits) else None


def imo_check_digit(first_six: str) -> int:
    """The check digit for the first six digits of an IMO ship number."""
    if len(first_six) != 6 or not first_six.isdigit():
        raise ValueError(f"expected six digits, got {first_six!r}")
    return sum(int(d) * w for d, w in zip(first_six, _IMO_WEIGHTS, strict=True)) % 10


def imo_valid(value: str | None) -> bool:
    """True if `value` is an IMO ship number (optionally prefixed "IMO") with a correct check digit."""
    digits = normalize_imo(value)
    if digits is None or digits == "0000000":
        return False
    return imo_check_digit(digits[:6]) == int(digits[6])


def imo_company_valid(value: str | None) -> bool:
    """True if `value` is an IMO company / registered-owner number with a correct check digit."""
    digits = normalize_imo(value)
    if digits is None or digits == "0000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], _COMPANY_WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(digits[6])


def normalize_mmsi(value: str | None) -> str | None:
    """The nine digits of an MMSI with spaces removed, None if it is not nine digits."""
    if not value:
        return None
    digits = value.strip().replace(" ", "")
    return digits if _NINE_DIGITS.match(digits) else None


def mmsi_valid(value: str | None) -> bool:
    """True if `value` is a ship station MMSI: nine digits starting with a MID in 201-775."""
    digits = normalize_mmsi(value)
    if digits is None:
        return False
    return _MID_FIRST <= int(digits[:3]) <= _MID_LAST


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


_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BECH32_ADDRESS = re.compile(r"^(bc|ltc|tb|bcrt)1[02-9ac-hj-np-z]{6,87}$", re.IGNORECASE)
_BASE58_ADDRESS = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{25,110}$")


def crypto_address_family(address: str) -> str | None:
    """``hex``, ``bech32`` or ``base58`` for a syntactically valid address, else None."""
    if _HEX_ADDRESS.match(address):
        return "hex"
    if _BECH32_ADDRESS.match(address) and (address.islower() or address.isupper()):
        return "bech32"
    if _BASE58_ADDRESS.match(address):
        return "base58"
    return None


def normalize_crypto_address(address: str) -> str | None:
    """The comparison form of an address (see the module docstring), None if not an address."""
    address = address.strip()
    family = crypto_address_family(address)
    if family is None:
        return None
    return address if family == "base58" else address.lower()
