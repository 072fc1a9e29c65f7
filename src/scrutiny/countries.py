"""Country names as sanctions lists write them, resolved to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import pycountry

_FOLD = re.compile(r"[^a-z0-9]+")

# ISO alpha-2 codes that pycountry does not carry but the lists use.
_EXTRA_CODES = {"XK"}
# Withdrawn ISO codes still written in older list records, mapped to the successor state so a
# nationality on a 1990s listing can still agree with a customer's current passport country.
_LEGACY_CODES = {"YU": "RS", "CS": "RS", "AN": "CW"}


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.casefold()).strip()


@cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[_fold(value)] = country.alpha_2
        table[_fold(country.alpha_3)] = country.alpha_2
    raw = files("scrutiny.data").joinpath("country_aliases.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, code = line.split("\t")
        table[_fold(name)] = code.strip()
    return table


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code (`Korea, North` -> `KP`), None if unknown."""
    if not text:
        return None
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isalpha():
        code = stripped.upper()
        code = _LEGACY_CODES.get(code, code)
        if code in _EXTRA_CODES or pycountry.countries.get(alpha_2=code) is not None:
            return code
        return None
    return _aliases().get(_fold(stripped))


def country_name(code: str) -> str:
    """English short name for an ISO alpha-2 code; the code itself if unknown."""
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.name if country is not None else code
