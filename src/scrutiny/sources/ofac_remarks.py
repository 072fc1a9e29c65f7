"""Structured fields from OFAC's free-text Remarks (SDN.CSV, CONS_PRIM.CSV, sdn.xml).

OFAC's legacy CSV puts everything that has no column of its own into Remarks, as
`; `-separated statements: `DOB 08 Jan 1984; POB Pyongyang; Passport 12345 (Korea, North)
expires 01 Jan 2020; a.k.a. 'X'; Linked To: Y.` Each statement starts with a label; the labels
and the model field each one fills live in data/ofac_remark_labels.tsv (longest label wins).
Statements the table does not know, or whose value does not parse (a nationality that is not
a country, a malformed date), are kept verbatim in `RemarkFields.unparsed`, so nothing is lost.

Aliases written inside Remarks as `a.k.a. 'X'` are OFAC's *weak* aliases: the strong ones are
in ALT.CSV (in sdn.xml both are in akaList, with category strong/weak, and every weak one is
the one that the CSV carries in Remarks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from scrutiny.countries import country_code
from scrutiny.model import BirthDate, Identifier, IdKind, Link, Name, NameKind

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3})[a-z]* (\d{4})")
_YEAR = re.compile(r"(\d{4})")
_PAREN_TAIL = re.compile(
    r"^(?P<value>.+?)(?: \((?P<paren>[^()]+)\))?(?P<notes>(?: (?:issued|expires)\b.*)?)$"
)
_DIGIT_TOKEN = re.compile(r"\S*\d")
_WEAK_ALIAS = re.compile(r"^'(?P<name>.*)'$")
_CRYPTO = re.compile(r"^(?P<currency>[A-Z0-9]{2,6}) (?P<address>\S+)$")


@dataclass
class RemarkFields:
    """What one Remarks text (or one sdn.xml idList) says, field by field."""

    birth_dates: list[BirthDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    secondary_sanctions_risks: list[str] = field(default_factory=list)
    aircraft_model: str | None = None
    aircraft_manufacture_date: str | None = None
    aircraft_operator: str | None = None
    unparsed: list[str] = field(default_factory=list)

    @property
    def remarks(self) -> str | None:
        """The statements no field took, joined back the way OFAC writes them."""
        return "; ".join(self.unparsed) if self.unparsed else None


@dataclass(frozen=True, slots=True)
class _Rule:
    handler: str
    argument: str | None


@cache
def _rules() -> dict[str, _Rule]:
    raw = files("scrutiny.data").joinpath("ofac_remark_labels.tsv").read_text(encoding="utf-8")
    table: dict[str, _Rule] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        table[cells[0]] = _Rule(cells[1], cells[2] if len(cells) > 2 else None)
    return table


@cache
def _labels_by_first_word() -> dict[str, tuple[str, ...]]:
    """Labels grouped by their first word, longest first, so lookup scans a handful."""
    groups: dict[str, list[str]] = {}
    for label in sorted(_rules(), key=len, reverse=True):
        groups.setdefault(label.split(" ", 1)[0], []).append(label)
    return {word: tuple(labels) for word, labels in groups.items()}


def _iso(year: str, month: int | None = None, day: int | None = None) -> str | None:
    if month is None:
        return year
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year}-{month:02d}-{day:02d}"


def parse_ofac_date(text: str) -> str | None:
    """`08 Jan 1984` -> `1984-01-08`, `Jan 1984` -> `1984-01`, `1984` -> `1984`; else None."""
    text = text.strip()
    if m := _DAY_MONTH_YEAR.fullmatch(text):
        month = _MONTHS.get(m.group(2).lower())
        return _iso(m.group(3), month, int(m.group(1))) if month else None
    if m := _MONTH_YEAR.fullmatch(text):
        month = _MONTHS.get(m.group(1).lower())
        return _iso(m.group(2), month) if month else None
    if m := _YEAR.fullmatch(text):
        return m.group(1)
    return None


def parse_birth_date(text: str) -> BirthDate | None:
    """An OFAC date of birth: exact, month, year, `circa ...`, `A to B`, `circa 1970-1972`."""
    text = text.strip()
    circa = False
    if text.lower().startswith("circa "):
        circa = True
        text = text[6:].strip()
        if m := re.fullmatch(r"(\d{4})-(\d{4})", text):
            return BirthDate(m.group(1), until=m.group(2), circa=True)
    if " to " in text:
        start_text, _, end_text = text.partition(" to ")
        start, end = parse_ofac_date(start_text), parse_ofac_date(end_text)
        if start is None or end is None or end < start:
            return None
        return BirthDate(start, until=end, circa=circa)
    date = parse_ofac_date(text)
    return BirthDate(date, circa=circa) if date else None


def split_statements(remarks: str) -> list[str]:
    """Split a Remarks text into statements on `; `, dropping the closing full stop.

    A `; ` inside a quoted alias (`a.k.a. 'A; B'`) does not split it: a statement that opens a
    quote it does not close is joined with what follows until the quote closes.
    """
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    parts = text.split("; ")
    statements: list[str] = []
    pending: str | None = None
    for part in parts:
        if pending is not None:
            pending = f"{pending}; {part}"
            if part.endswith("'"):
                statements.append(pending)
                pending = None
            continue
        if re.match(r"(?:alt\. )?[afn]\.k\.a\. '", part) and not part.endswith("'"):
            pending = part
            continue
        statements.append(part)
    if pending is not None:
        statements.extend(pending.split("; "))
    return [s.strip() for s in statements if s.strip()]


def _match_label(statement: str) -> tuple[str, str] | None:
    for label in _labels_by_first_word().get(statement.split(" ", 1)[0], ()):
        if statement == label:
            return label, ""
        if statement.startswith(label) and statement[len(label)] == " ":
            return label, statement[len(label) + 1 :].strip()
    return None


def _split_country(value: str) -> tuple[str, str | None, str]:
    """`12345 (Korea, North) expires 2020` -> (`12345`, `KP`, ` expires 2020`)."""
    m = _PAREN_TAIL.match(value)
    if m is None:  # pragma: no cover - the pattern matches every non-empty string
        return value, None, ""
    paren = m.group("paren")
    code = country_code(paren) if paren else None
    if paren and code is None:
        return f"{m.group('value')} ({paren})", None, m.group("notes")
    return m.group("value"), code, m.group("notes")


def _identifier(kind: IdKind, value: str, statement: str, country: str | None) -> Identifier | None:
    number, code, _notes = _split_country(value)
    number = " ".join(number.split())
    if kind is IdKind.IMO or (kind is IdKind.OTHER and number.startswith("IMO ")):
        number = number.removeprefix("IMO").strip()
        if not number.isdigit():
            return None
    if not number:
        return None
    return Identifier(kind, number, country=country or code, note=statement)


def apply_statement(statement: str, fields: RemarkFields, *, country: str | None = None) -> bool:
    """Put one labelled statement into `fields`; False if no rule took it.

    `country` is an issuing country already known (sdn.xml's idCountry), as ISO alpha-2.
    """
    body = statement.removeprefix("alt. ").removeprefix("Alt. ")
    found = _match_label(body)
    if found is None:
        return _generic_identifier(body, fields)
    label, value = found
    rule = _rules()[label]
    if not value and rule.handler != "position":
        return False
    return _HANDLERS[rule.handler](fields, value, rule.argument, body, country)


def _generic_identifier(statement: str, fields: RemarkFields) -> bool:
    """`Some Register No. 123 (Country)`: an identifier the label table does not name.

    Only taken when the statement ends in a parenthesised known country and the value holds a
    digit, the shape every OFAC identifier statement has; the label stays in the note.
    """
    tokens = statement.split(" ")
    index = next((i for i, token in enumerate(tokens) if _DIGIT_TOKEN.match(token)), 0)
    if index == 0:  # no digit, or no label before the value
        return False
    value = " ".join(tokens[index:])
    number, code, _notes = _split_country(value)
    if code is None:
        return False
    fields.identifiers.append(Identifier(IdKind.OTHER, number, country=code, note=statement))
    return True


def _h_dob(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    date = parse_birth_date(v)
    if date is None:
        return False
    f.birth_dates.append(date)
    return True


def _h_pob(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.birth_places.append(v)
    return True


def _country_list(target: list[str], value: str) -> bool:
    code = country_code(value)
    if code is None:
        return False
    if code not in target:
        target.append(code)
    return True


def _h_nationality(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    return _country_list(f.nationalities, v)


def _h_citizenship(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    return _country_list(f.citizenships, v)


def _h_gender(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    gender = v.strip().rstrip(".").lower()
    if gender not in ("male", "female"):
        return False
    f.gender = gender
    return True


def _h_secondary(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.secondary_sanctions_risks.append(v)
    return True


def _h_link(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.links.append(Link("linked_to", v))
    return True


def _h_website(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.websites.append(v)
    return True


def _h_email(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.emails.append(v)
    return True


def _h_phone(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.phones.append(v)
    return True


def _h_alias(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    m = _WEAK_ALIAS.match(v)
    if m is None or not m.group("name").strip():
        return False
    name = m.group("name").strip()
    if a == "former":
        f.names.append(Name(name, kind=NameKind.FORMER, note="weak"))
    elif a == "nka":
        f.names.append(Name(name, kind=NameKind.WEAK_ALIAS, note="n.k.a."))
    else:
        f.names.append(Name(name, kind=NameKind.WEAK_ALIAS))
    return True


def _h_id(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    identifier = _identifier(IdKind(a or "other"), v, s, c)
    if identifier is None:
        return False
    f.identifiers.append(identifier)
    return True


def _h_crypto(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    m = _CRYPTO.match(v)
    if m is None:
        return False
    f.identifiers.append(
        Identifier(IdKind.CRYPTO, m.group("address"), currency=m.group("currency"), note=s)
    )
    return True


def _h_aircraft_model(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.aircraft_model = v
    return True


def _h_aircraft_date(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    date = parse_ofac_date(v)
    if date is None:
        return False
    f.aircraft_manufacture_date = date
    return True


def _h_aircraft_operator(f: RemarkFields, v: str, a: str | None, s: str, c: str | None) -> bool:
    f.aircraft_operator = v
    return True


_HANDLERS = {
    "dob": _h_dob,
    "pob": _h_pob,
    "nationality": _h_nationality,
    "citizenship": _h_citizenship,
    "gender": _h_gender,
    "secondary": _h_secondary,
    "link": _h_link,
    "website": _h_website,
    "email": _h_email,
    "phone": _h_phone,
    "alias": _h_alias,
    "id": _h_id,
    "crypto": _h_crypto,
    "aircraft_model": _h_aircraft_model,
    "aircraft_manufacture_date": _h_aircraft_date,
    "aircraft_operator": _h_aircraft_operator,
}


def parse_remarks(remarks: str | None, *, titles: tuple[str, ...] = ()) -> RemarkFields:
    """Parse an OFAC Remarks text into fields; statements no rule takes stay in `unparsed`.

    `titles` are the record's own Title values: OFAC repeats them at the end of Remarks, and
    since the entity already carries them as positions the repetition is not kept twice.
    """
    fields = RemarkFields()
    if not remarks:
        return fields
    for statement in split_statements(remarks):
        if statement in titles:
            continue
        if not apply_statement(statement, fields):
            fields.unparsed.append(statement)
    return fields
