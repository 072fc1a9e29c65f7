"""Identifiers that match exactly once validated: IMO, BIC, crypto addresses, passports."""

from __future__ import annotations

import re

from scrutiny.ids import imo_valid, institution_code, normalize_bic, normalize_crypto_address
from scrutiny.model import IdKind

_IMO = re.compile(r"^(?:IMO)?(\d{7})$")
_ALNUM = re.compile(r"[^0-9A-Za-z]+")
# Unique worldwide once valid: an exact match on one of these is decisive on its own.
DECISIVE = frozenset({IdKind.IMO, IdKind.BIC, IdKind.CRYPTO, IdKind.LEI, IdKind.MMSI})


def id_keys(kind: IdKind | None, value: str) -> list[str]:
    """Index keys of an identifier: kind-prefixed, normalised, validated where rules exist.

    A BIC yields its 8-character institution code so that branch codes (XXX or a real
    branch) still match the head office; an IMO with a bad check digit yields nothing.
    """
    compact = _ALNUM.sub("", value).upper()
    if not compact:
        return []
    raw = value.strip()
    if kind is None:  # a query identifier of unknown kind: every reading that validates
        keys = []
        found = _IMO.match(compact)
        if found and imo_valid(found.group(1)):
            keys.append(f"imo:{found.group(1)}")
        bic = normalize_bic(compact)
        if bic:
            keys.append(f"bic:{institution_code(bic)}")
        if len(raw) >= 26 and raw.isalnum():
            keys.append(f"crypto:{_crypto(raw)}")
        if len(compact) >= 5:
            keys.append(f"id:{compact}")
        return keys
    if kind is IdKind.IMO:
        found = _IMO.match(compact)
        return [f"imo:{found.group(1)}"] if found and imo_valid(found.group(1)) else []
    if kind is IdKind.BIC:
        bic = normalize_bic(compact)
        return [f"bic:{institution_code(bic)}"] if bic else []
    if kind is IdKind.CRYPTO:
        return [f"crypto:{_crypto(raw)}"]
    if len(compact) < 5:
        return []  # too short to be identifying (e.g. "123")
    return [f"id:{compact}"]


def _crypto(raw: str) -> str:
    # Per-family comparison form; text that is no known address family is kept as written.
    return normalize_crypto_address(raw) or raw


def key_kind(key: str) -> str:
    """The kind part of an identifier key ("imo", "bic", "crypto", "id")."""
    return key.split(":", 1)[0]


def is_decisive(key: str) -> bool:
    """Whether an exact match on this key identifies the entity on its own."""
    return key_kind(key) in ("imo", "bic", "crypto")
