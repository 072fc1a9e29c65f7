"""Canonical sanctions regimes across lists: OFAC DPRK3, UN KP, EU PRK and UK's "Democratic
People's Republic of Korea" are all the DPRK regime.

Each list keeps its own program codes on the entity (`Entity.programs`); this module maps them
to a shared regime name through data/regimes.tsv, so screening and reports can ask "is this a
DPRK designation?" the same way for every list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib.resources import files

DPRK = "DPRK"


@dataclass(frozen=True, slots=True)
class _Rule:
    list_glob: str
    pattern: re.Pattern[str]
    regime: str


@cache
def _rules() -> tuple[_Rule, ...]:
    raw = files("scrutiny.data").joinpath("regimes.tsv").read_text(encoding="utf-8")
    rules: list[_Rule] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        glob, pattern, regime = line.split("\t")
        rules.append(_Rule(glob, re.compile(pattern.strip(), re.IGNORECASE), regime.strip()))
    return tuple(rules)


@cache
def _regimes_of(list_id: str, program: str) -> frozenset[str]:
    code = " ".join(program.split())
    return frozenset(
        rule.regime
        for rule in _rules()
        if (list_id == "*" or fnmatchcase(list_id, rule.list_glob)) and rule.pattern.fullmatch(code)
    )


def regimes(list_id: str | None, programs: Iterable[str]) -> set[str]:
    """The canonical regimes (`DPRK`, `IRAN`, `RUSSIA` ...) of a list's own program codes.

    `list_id` is the list the codes come from (`ofac_sdn`, `un_sc`, `eu_fsf`, `uk_ofsi` ...);
    None tries every list's rules (for callers holding codes without their list). Codes that
    no rule knows map to nothing.
    """
    found: set[str] = set()
    for program in programs:
        if program:
            found |= _regimes_of(list_id or "*", program)
    return found


def is_dprk(list_id: str | None, programs: Iterable[str]) -> bool:
    """True if any of the list's program codes is a DPRK (North Korea) regime.

    `list_id` None tries every list's rules, for codes held without their list.
    """
    return DPRK in regimes(list_id, programs)


def known_regimes() -> frozenset[str]:
    """Every regime name the table can produce."""
    return frozenset(rule.regime for rule in _rules())
