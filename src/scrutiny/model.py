"""The one entity model every list parser produces and every other part of scrutiny reads.

A designated party from any list (OFAC, UN, EU, UK, FollowTheMoney) becomes one `Entity`:
frozen, hashable-free plain data, with provenance on every record. Parsers build entities with
`seal()` so that `provenance.content_hash` is filled; the hash covers every field except the
provenance itself, so two versions of a list can be compared record by record.

Dates are ISO 8601 prefixes ("1984-01-08", "1984-01", "1984"), because lists publish dates of
birth with day, month or only year precision and a prefix says exactly what is known.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson


class EntityType(StrEnum):
    """What kind of party a designation is; values are the FollowTheMoney schema names."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    VESSEL = "Vessel"
    AIRCRAFT = "Aircraft"


class NameKind(StrEnum):
    """How strongly a name identifies the designee.

    OFAC distinguishes strong a.k.a.s from weak a.k.a.s ("low quality" in UN terms); weak names
    are kept because they are on the list, but matching counts them as weaker evidence.
    """

    PRIMARY = "primary"
    STRONG_ALIAS = "strong_alias"
    WEAK_ALIAS = "weak_alias"
    FORMER = "former"  # f.k.a., former vessel names (ex-...)


class IdKind(StrEnum):
    """Identifier types that screening matches exactly (after validation)."""

    IMO = "imo"
    MMSI = "mmsi"
    BIC = "bic"
    LEI = "lei"
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    CRYPTO = "crypto"
    CALL_SIGN = "call_sign"
    AIRCRAFT_SERIAL = "aircraft_serial"
    AIRCRAFT_TAIL = "aircraft_tail"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a designee as the list writes it, with its parts where the list gives them."""

    full: str
    kind: NameKind = NameKind.PRIMARY
    script: str | None = None  # ISO 15924 code when known: Latn, Hang, Hani, Cyrl, Arab ...
    lang: str | None = None  # ISO 639 code when the list gives one
    given: str | None = None  # first (+ middle) names
    family: str | None = None  # last name / surname
    middle: str | None = None
    # e.g. UN alias "quality" or EU nameAlias/@strong; free text kept for the explanation
    note: str | None = None


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth, exact or partial, possibly a range or approximate (circa)."""

    date: str  # ISO prefix; for a range, its first day/month/year
    until: str | None = None  # inclusive end of a range, ISO prefix
    circa: bool = False


@dataclass(frozen=True, slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdKind
    value: str
    country: str | None = None  # issuing country, ISO alpha-2
    currency: str | None = None  # crypto addresses: XBT, ETH, USDT, ...
    note: str | None = None  # the list's own label, e.g. "Passport 745420176 expires 19 Oct 2020"


@dataclass(frozen=True, slots=True)
class Link:
    """A relation to another party named on a list (OFAC `Linked To:`, vessel owner, ...)."""

    relation: str  # linked_to, owner, operator, manager, associate, subsidiary, ...
    target_name: str
    target_id: str | None = None  # entity id when the parser could resolve it


@dataclass(frozen=True, slots=True)
class VesselDetails:
    flag: str | None = None  # ISO alpha-2
    flag_text: str | None = None  # as the list writes it ("Korea, North")
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class AircraftDetails:
    model: str | None = None
    manufacture_date: str | None = None
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: enough to show a regulator the exact line of the exact file."""

    list_id: str  # ofac_sdn, ofac_cons, un_sc, eu_fsf, uk_ofsi, or a user FtM dataset name
    source_file: str  # file name as loaded (not the full local path)
    source_record_id: str  # the list's own id: OFAC ent_num, UN reference number, EU logicalId
    publisher_date: str | None = None  # ISO date the publisher gives for the file
    content_hash: str = ""  # sha256 over every entity field except provenance; set by seal()


@dataclass(frozen=True, slots=True)
class Entity:
    id: str  # "{list_id}:{source_record_id}", unique across lists
    schema: EntityType
    names: tuple[Name, ...]
    provenance: Provenance
    programs: tuple[str, ...] = ()  # the list's own program codes: DPRK3, NPWMD, PRK, KP ...
    listing_date: str | None = None  # ISO prefix
    birth_dates: tuple[BirthDate, ...] = ()
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-2
    citizenships: tuple[str, ...] = ()  # ISO alpha-2
    gender: str | None = None  # "male" | "female"
    positions: tuple[str, ...] = ()  # titles and functions ("Chairman of the Workers' Party")
    addresses: tuple[Address, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    links: tuple[Link, ...] = ()
    websites: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    # OFAC "Secondary sanctions risk: ..." statements, verbatim
    secondary_sanctions_risks: tuple[str, ...] = ()
    vessel: VesselDetails | None = None
    aircraft: AircraftDetails | None = None
    remarks: str | None = None
    # UN reference number, EU reference number, UK Group ID, ... that cross-reference lists
    references: tuple[str, ...] = ()

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.full
        return self.names[0].full if self.names else ""

    @property
    def list_id(self) -> str:
        return self.provenance.list_id


# --- serialisation -------------------------------------------------------------------------

_NESTED: Mapping[str, type] = {
    "names": Name,
    "birth_dates": BirthDate,
    "addresses": Address,
    "identifiers": Identifier,
    "links": Link,
}
_ENUM_FIELDS: Mapping[type, Mapping[str, type[StrEnum]]] = {
    Name: {"kind": NameKind},
    Identifier: {"kind": IdKind},
}


_CONTAINERS = (tuple, list, str, dict)


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    names = _FIELD_NAMES.get(cls, ())
    if names == ():
        names = (
            tuple(f.name for f in dataclasses.fields(cls))
            if dataclasses.is_dataclass(cls)
            else None
        )
        _FIELD_NAMES[cls] = names
    return names


def _plain(value: Any) -> Any:
    # Hand-written instead of dataclasses.asdict: asdict deep-copies every value and was the
    # largest single cost of parsing a list (seal() runs once per record).
    cls = type(value)
    if cls is tuple or cls is list:
        return [_plain(v) for v in value]
    names = _field_names(cls)
    if names is None:
        return value
    out = {}
    for name in names:
        item = getattr(value, name)
        if item is None or (type(item) in _CONTAINERS and not item):
            continue
        out[name] = _plain(item)
    return out


def to_dict(entity: Entity) -> dict[str, Any]:
    """A JSON-ready dict of the entity, omitting empty fields."""
    result: dict[str, Any] = _plain(entity)
    return result


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    enums = _ENUM_FIELDS.get(cls, {})
    kwargs = {k: (enums[k](v) if k in enums else v) for k, v in data.items()}
    return cls(**kwargs)


def from_dict(data: Mapping[str, Any]) -> Entity:
    """Inverse of `to_dict`."""
    kwargs: dict[str, Any] = dict(data)
    kwargs["schema"] = EntityType(kwargs["schema"])
    kwargs["provenance"] = Provenance(**kwargs["provenance"])
    for key, cls in _NESTED.items():
        kwargs[key] = tuple(_build(cls, item) for item in kwargs.get(key, ()))
    for key in (
        "programs",
        "birth_places",
        "nationalities",
        "citizenships",
        "positions",
        "websites",
        "emails",
        "phones",
        "secondary_sanctions_risks",
        "references",
    ):
        kwargs[key] = tuple(kwargs.get(key, ()))
    if kwargs.get("vessel") is not None:
        kwargs["vessel"] = VesselDetails(**kwargs["vessel"])
    if kwargs.get("aircraft") is not None:
        kwargs["aircraft"] = AircraftDetails(**kwargs["aircraft"])
    return Entity(**kwargs)


def to_json(entity: Entity) -> bytes:
    return orjson.dumps(to_dict(entity))


def from_json(raw: bytes | str) -> Entity:
    return from_dict(orjson.loads(raw))


def content_hash(entity: Entity) -> str:
    """sha256 of the entity's content, independent of provenance (file, date, hash)."""
    data = to_dict(entity)
    data.pop("provenance", None)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def seal(entity: Entity) -> Entity:
    """Return the entity with `provenance.content_hash` filled in."""
    provenance = dataclasses.replace(entity.provenance, content_hash=content_hash(entity))
    return dataclasses.replace(entity, provenance=provenance)


def entity_id(list_id: str, source_record_id: str) -> str:
    return f"{list_id}:{source_record_id}"


__all__ = [
    "Address",
    "AircraftDetails",
    "BirthDate",
    "Entity",
    "EntityType",
    "IdKind",
    "Identifier",
    "Link",
    "Name",
    "NameKind",
    "Provenance",
    "VesselDetails",
    "content_hash",
    "entity_id",
    "from_dict",
    "from_json",
    "seal",
    "to_dict",
    "to_json",
]
