"""Vessels in payment narrative: MMSI numbers, named vessels with their flag, former names.

Trade payments name the ship they pay for ("BUNKERS FOR MV HAO FAN 6 FLAG KP", "freight,
vessel flagged DPRK", "MT OCEAN STAR (EX-HONGWON 88)", "MMSI 341985000"). This module reads
those mentions out of free text, and keeps a small book of extra vessel entities (the UN 1718
designated vessels, when the loaded lists do not carry them) by IMO, MMSI and name.

The mention grammar is written here: no library reads maritime shorthand (MV, M/T, VSL, EX-)
out of remittance text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scrutiny.countries import country_code
from scrutiny.ids import mmsi_valid, normalize_imo, normalize_mmsi
from scrutiny.model import Entity, IdKind, NameKind

# Words that introduce a vessel's name ("M/V", "M.T." are folded to MV, MT first).
# ("MS" and "SS" are left out: in remittance text they are far more often "Ms" and social security.)
VESSEL_WORDS = frozenset({"MV", "MT", "VSL", "VESSEL", "TANKER", "SHIP"})
FORMER_WORDS = frozenset({"EX", "FORMERLY", "FKA", "EXNAME"})
FLAG_WORDS = frozenset({"FLAG", "FLAGGED", "FLAGGED:", "FLAG:"})
# Words that end a vessel name: identifiers, flags, prepositions and trade words.
_STOP = frozenset(
    {
        "IMO",
        "MMSI",
        "CALLSIGN",
        "CALL",
        "FLAG",
        "FLAGGED",
        "UNDER",
        "AT",
        "TO",
        "FROM",
        "IN",
        "ON",
        "FOR",
        "VIA",
        "AND",
        "OF",
        "WITH",
        "BL",
        "VOYAGE",
        "VOY",
        "CHARTER",
        "PORT",
        "CARGO",
        "DELIVERED",
        "INVOICE",
        "INV",
        "REF",
        "DATED",
        "BY",
    }
    | FORMER_WORDS
    | VESSEL_WORDS
)
NAME_MAX_WORDS = 5
_MARITIME_ABBREV = re.compile(r"\bM\s*[/.]\s*([VT])\b\.?", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'.&-]*|[(),;:/]")
_MMSI = re.compile(r"(?<![\d])(\d{3}\s?\d{3}\s?\d{3})(?![\d])")


@dataclass(frozen=True, slots=True)
class VesselMention:
    """A vessel named in a text: its name (if given), flag (ISO alpha-2) and former names."""

    name: str | None
    flag: str | None
    former_names: tuple[str, ...]
    text: str  # the words of the mention as written


@dataclass(frozen=True, slots=True)
class VesselRef:
    """One name (current or former) of an extra vessel entity."""

    entity_id: str
    list_id: str
    programs: tuple[str, ...]
    primary_name: str
    name: str
    former: bool
    imo: str | None
    mmsis: tuple[str, ...]


class VesselBook:
    """Extra vessel entities by IMO, MMSI and name (current and former)."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self.by_imo: dict[str, list[VesselRef]] = {}
        self.by_mmsi: dict[str, list[VesselRef]] = {}
        self.names: list[VesselRef] = []
        for entity in entities:
            imo = next(
                (normalize_imo(i.value) for i in entity.identifiers if i.kind is IdKind.IMO), None
            )
            mmsis = tuple(
                m
                for i in entity.identifiers
                if i.kind is IdKind.MMSI and (m := normalize_mmsi(i.value)) is not None
            )
            refs = [
                VesselRef(
                    entity.id,
                    entity.list_id,
                    tuple(entity.programs),
                    entity.primary_name,
                    name.full,
                    name.kind is NameKind.FORMER,
                    imo,
                    mmsis,
                )
                for name in entity.names
                if name.full.strip()
            ]
            if not refs:
                continue
            self.names.extend(refs)
            if imo:
                self.by_imo.setdefault(imo, []).append(refs[0])
            for mmsi in mmsis:
                self.by_mmsi.setdefault(mmsi, []).append(refs[0])

    def __len__(self) -> int:
        return len(self.names)


def mmsi_numbers(text: str) -> Iterator[tuple[str, str]]:
    """(MMSI, as written) for every nine-digit number of the text that is a ship MMSI."""
    for found in _MMSI.finditer(text):
        digits = found.group(1).replace(" ", "")
        if mmsi_valid(digits):
            yield digits, found.group(1)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_MARITIME_ABBREV.sub(lambda m: f"M{m.group(1).upper()}", text))


def _name_after(tokens: list[str], start: int) -> tuple[str | None, int]:
    """The vessel name starting at `start`: words up to a stop word, punctuation or a number
    long enough to be an identifier; returns the name and the index after it."""
    taken: list[str] = []
    i = start
    while i < len(tokens) and len(taken) < NAME_MAX_WORDS:
        token = tokens[i]
        upper = token.upper().rstrip(".:")
        if not token[0].isalnum() or upper in _STOP or upper.startswith("EX-"):
            break
        if token.isdigit() and len(token) >= 7:
            break  # an IMO or MMSI, not part of the name
        taken.append(token.rstrip(".:"))
        i += 1
    return (" ".join(taken) or None), i


def _flag_after(tokens: list[str], start: int) -> str | None:
    """The country after FLAG / FLAGGED ("FLAG KP", "flagged DPRK", "flag: North Korea")."""
    i = start
    while i < len(tokens) and tokens[i].upper() in {":", "OF", "IN", "BY", "/"}:
        i += 1
    for width in (3, 2, 1):
        words = [t for t in tokens[i : i + width] if t[0].isalnum()]
        if len(words) == width:
            code = country_code(" ".join(words))
            if code:
                return code
    return None


def vessel_mentions(text: str) -> list[VesselMention]:
    """Every vessel the text names, with its flag and former names where given."""
    tokens = _tokens(text)
    mentions: list[VesselMention] = []
    i = 0
    while i < len(tokens):
        upper = tokens[i].upper().rstrip(".:")
        is_former = upper in FORMER_WORDS or (upper.startswith("EX-") and len(upper) > 3)
        if upper not in VESSEL_WORDS and not is_former:
            i += 1
            continue
        start = i
        name: str | None = None
        former: list[str] = []
        flag: str | None = None
        if is_former:
            # A former name without a current one ("EX-HONGWON 88" on its own).
            if upper.startswith("EX-") and len(upper) > 3:
                rest, i = _name_after([tokens[i][3:], *tokens[i + 1 :]], 0)
                i += start
            else:
                rest, i = _name_after(tokens, i + 1)
            if rest:
                former.append(rest)
        else:
            name, i = _name_after(tokens, i + 1)
        # What follows the name within the mention: flag, former names, brackets.
        while i < len(tokens):
            token = tokens[i]
            up = token.upper().rstrip(".:")
            if token in ("(", ")", ",", ":") or up in {"IMO", "MMSI"} or token.isdigit():
                i += 1
                continue
            if up in FLAG_WORDS or up.startswith("FLAG"):
                flag = _flag_after(tokens, i + 1) or flag
                i += 2
                continue
            if up in FORMER_WORDS or (up.startswith("EX-") and len(up) > 3):
                if up.startswith("EX-"):
                    rest, used = _name_after([token[3:], *tokens[i + 1 :]], 0)
                    i += used
                else:
                    rest, i = _name_after(tokens, i + 1)
                if rest:
                    former.append(rest)
                continue
            break
        if name or former or flag:
            mentions.append(
                VesselMention(
                    name, flag, tuple(former), " ".join(tokens[start : max(i, start + 1)])
                )
            )
        i = max(i, start + 1)
    return mentions


def normalized_mmsi(value: str) -> str | None:
    """The MMSI digits if `value` is a valid ship MMSI, else None."""
    digits = normalize_mmsi(value)
    return digits if digits is not None and mmsi_valid(digits) else None
