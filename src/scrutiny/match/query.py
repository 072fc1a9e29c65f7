"""What a screening query is, what a hit is, and the checks a query passes before matching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrutiny.countries import country_code
from scrutiny.errors import QueryError
from scrutiny.match import _text
from scrutiny.match.forms import BOTH, name_forms
from scrutiny.model import EntityType
from scrutiny.text.orgforms import token_weight_class

MAX_NAME_CHARS = 300  # no real name is longer; longer inputs are cut here and the hit says so
MAX_TOKENS = 12
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SCHEMAS = {
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "company": EntityType.ORGANIZATION,
    "entity": EntityType.ORGANIZATION,
    "legalentity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
# Titles and honorifics carry no identity; a name made only of them is not a name.
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "madam",
        "mme",
        "mlle",
        "herr",
        "frau",
        "sheikh",
        "shaikh",
        "haji",
        "hajji",
        "general",
        "colonel",
        "major",
        "captain",
        "lt",
        "gen",
        "col",
        "capt",
        "the",
    ]
)


@dataclass(frozen=True, slots=True)
class Query:
    """A party to screen: a name plus whatever else is known about it."""

    name: str
    schema: str | EntityType | None = None
    birth_date: str | None = None
    countries: tuple[str, ...] | list[str] = ()
    gender: str | None = None
    identifiers: tuple[str, ...] | list[str] = ()


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query after validation: schema resolved, dates and countries normalised."""

    name: str
    schema: EntityType | None
    birth_date: str | None
    countries: tuple[str, ...]
    gender: str | None
    identifiers: tuple[str, ...]
    truncated: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One list entity the query may be, with a calibrated score and its explanation."""

    entity_id: str
    list_id: str
    programs: tuple[str, ...]
    name: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the `screen-file` output row shape)."""
        return {
            "entity_id": self.entity_id,
            "list": self.list_id,
            "programs": list(self.programs),
            "name": self.name,
            "score": round(self.score, 4),
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The score of two records against each other, with the explanation."""

    score: float
    match: bool
    explanation: dict[str, Any]


def parse_schema(value: str | EntityType | None) -> EntityType | None:
    """Resolve `person`, `organization`, `vessel`, `any` (and FtM names) to an EntityType."""
    if value is None or isinstance(value, EntityType):
        return value
    key = value.strip().lower().replace("_", "").replace(" ", "")
    if key in ("", "any", "thing"):
        return None
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    raise QueryError(
        f"unknown entity type {value!r}: expected person, organization, vessel, aircraft or any"
    )


def parse_date(value: str | date | None) -> str | None:
    """An ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD), checked to be a real date."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    found = _DATE.match(text)
    if found is None:
        raise QueryError(f"invalid date of birth {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise QueryError(f"invalid date of birth {value!r}: no such calendar date") from None
    if not 1800 <= int(year) <= date.today().year:
        raise QueryError(f"invalid date of birth {value!r}: year out of range")
    return text


def parse_country(value: str) -> str:
    """ISO alpha-2 code for a country code or name; QueryError if unknown."""
    code = country_code(value)
    if code is None:
        raise QueryError(f"unknown country {value!r}: expected an ISO 3166 code or country name")
    return code


_WRITTEN_FORM = 5  # letters of a legal form written out (company, limited)


def company_form(name: str) -> str | None:
    """The legal form in `name` that only a company carries (llc, ltd, jsc, gmbh, 有限公司 ...),
    or None: not a form that is also a person's name part (`forms.BOTH`: Pao, Ag, Sa), nor
    one of two letters or a Korean or Mandarin syllable (AO, KK, TOO), which a person's name
    may hold as a word."""
    for form in name_forms(name):
        for legal in form.legal:
            if legal in BOTH:
                continue
            if not legal.isascii() or (len(legal) >= 3 and not _text.is_syllable(legal)):
                return legal
    # A form written out (Company, Limited, Corporation) is a company's whatever its short
    # canonical spelling also is (co).
    for token in _text.tokenize(name):
        if len(token) >= _WRITTEN_FORM and token_weight_class(token) == "legal_form":
            return token
    return None


def check_query(query: Query | str) -> CheckedQuery:
    """Validate and normalise a query; raises QueryError with a message a user can act on."""
    if isinstance(query, str):
        query = Query(query)
    name = (query.name or "").strip()
    notes: list[str] = []
    truncated = False
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS]
        truncated = True
        notes.append(f"name longer than {MAX_NAME_CHARS} characters: screened its first part")
    identifiers = tuple(str(i).strip() for i in query.identifiers if str(i).strip())
    tokens = _text.tokenize(name) if name else ()
    meaningful = [t for t in tokens if t not in _TITLES]
    if not meaningful and not identifiers:
        if not name:
            raise QueryError("empty name: give a name or an identifier to screen")
        raise QueryError(f"name {name!r} has no letters or digits beyond titles/punctuation")
    if len(tokens) > MAX_TOKENS:
        notes.append(f"name has {len(tokens)} words: matched on its first {MAX_TOKENS}")
        truncated = True
    gender = (query.gender or "").strip().lower() or None
    if gender is not None:
        gender = {"m": "male", "f": "female"}.get(gender, gender)
        if gender not in ("male", "female"):
            raise QueryError(f"unknown gender {query.gender!r}: expected male or female")
    countries = tuple(dict.fromkeys(parse_country(c) for c in query.countries if c and c.strip()))
    schema = parse_schema(query.schema)
    if schema is None and name and not (query.birth_date or gender):
        # A name that carries a company's legal form (ONSINT LLC, SOLINVEST LTD) is screened
        # as the organization it says it is: untyped, a one-word company name was held to
        # the stricter rule for a word that may be a person's name part.
        legal = company_form(name)
        if legal:
            schema = EntityType.ORGANIZATION
            notes.append(f"no type given: screened as an organization, by its legal form {legal}")
    return CheckedQuery(
        name=name,
        schema=schema,
        birth_date=parse_date(query.birth_date),
        countries=countries,
        gender=gender,
        identifiers=identifiers,
        truncated=truncated,
        notes=tuple(notes),
    )
