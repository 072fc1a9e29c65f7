"""FollowTheMoney (FtM) JSON lines: the exchange format of OpenSanctions, Aleph and yente.

`write_ftm` turns scrutiny entities into FtM entities, one JSON object per line, the way
OpenSanctions publishes sanctions data: the designated party (Person, Organization, Vessel,
Airplane) with `topics: ["sanction"]`, one `Sanction` entity per program pointing at it,
`CryptoWallet` entities held by it, and link entities (Ownership, UnknownLink, ...) for its
relations. `read_ftm` reads such a file (plain or .gz) back into scrutiny entities.

Which scrutiny field maps to which FtM property lives in data/ftm_properties.tsv. The mapping
loses what FtM has no place for (alias notes, name scripts, identifier notes and issuing
countries, date ranges); everything matching relies on survives the round trip.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import IO, Any

import orjson

from scrutiny.errors import ListParseError
from scrutiny.model import (
    Address,
    AircraftDetails,
    BirthDate,
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Link,
    Name,
    NameKind,
    Provenance,
    VesselDetails,
    entity_id,
    seal,
)
from scrutiny.sources import ParsedList, open_source

_ID_UNSAFE = re.compile(r"[^0-9A-Za-z.\-]+")
_UN_REF = re.compile(r"^[A-Z]{2}[ie]\.\d{3}$")
_TOPIC = "sanction"
_NOTE_ID_PREFIX = "identifier "
_NOTE_ID_RE = re.compile(r"^identifier ([a-z_]+): (.+)$")


class FtmParseError(ListParseError):
    """A FollowTheMoney JSON lines file has a line that is not a valid FtM entity."""


@dataclass(frozen=True)
class _Mapping:
    schema_out: dict[EntityType, str]
    schema_in: dict[str, EntityType]
    name_out: dict[NameKind, str]
    name_in: dict[str, NameKind]
    ids: list[tuple[IdKind, str, frozenset[str]]]
    links: dict[str, tuple[str, str, str]]  # schema -> (our side, other side, relation)
    authorities: dict[str, str]
    skip: frozenset[str]

    def id_property(self, kind: IdKind, schema: str) -> str | None:
        return next((p for k, p, s in self.ids if k is kind and schema in s), None)

    def id_kind(self, prop: str, schema: str) -> IdKind | None:
        matches = [(k, s) for k, p, s in self.ids if p == prop]
        fitting = [k for k, s in matches if schema in s]
        return fitting[0] if fitting else (matches[0][0] if matches else None)


@cache
def _mapping() -> _Mapping:
    raw = files("scrutiny.data").joinpath("ftm_properties.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")]
    return _Mapping(
        schema_out={EntityType(r[1]): r[2] for r in rows if r[0] == "schema"},
        schema_in={r[1]: EntityType(r[2]) for r in rows if r[0] == "import"},
        name_out={NameKind(r[1]): r[2] for r in rows if r[0] == "name"},
        name_in={r[2]: NameKind(r[1]) for r in rows if r[0] == "name"},
        ids=[(IdKind(r[1]), r[2], frozenset(r[3].split(","))) for r in rows if r[0] == "id"],
        links={r[1]: (r[2], r[3], r[4]) for r in rows if r[0] == "link"},
        authorities={r[1]: r[2] for r in rows if r[0] == "authority"},
        skip=frozenset(r[1] for r in rows if r[0] == "skip"),
    )


def ftm_id(scrutiny_id: str) -> str:
    """FtM entity id for a scrutiny entity id: 'uk_ofsi:13651' -> 'uk-ofsi-13651'.

    FtM ids allow only letters, digits, '.' and '-'.
    """
    return _ID_UNSAFE.sub("-", scrutiny_id).strip("-.")


def _derived_id(owner: str, kind: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{owner}-{kind}-{digest}"


# --- export ----------------------------------------------------------------------------------


def write_ftm(entities: Iterable[Entity], out: Path | IO[bytes]) -> int:
    """Write entities as FtM JSON lines (gzip when `out` ends in .gz); return lines written.

    Each entity becomes its designated-party entity plus Sanction, CryptoWallet and link
    entities, so the count is at least the number of entities.
    """
    if isinstance(out, Path):
        opener = gzip.open if out.name.endswith(".gz") else open
        with opener(out, "wb") as handle:
            return write_ftm(entities, handle)  # type: ignore[arg-type]
    written = 0
    for entity in entities:
        for record in to_ftm(entity):
            out.write(orjson.dumps(record) + b"\n")
            written += 1
    return written


def to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """The FtM entities (as dicts) that represent one scrutiny entity."""
    mapping = _mapping()
    schema = mapping.schema_out[entity.schema]
    own_id = ftm_id(entity.id)
    props: dict[str, list[str]] = defaultdict(list)

    def add(prop: str, *values: str | None) -> None:
        for value in values:
            if value and value not in props[prop]:
                props[prop].append(value)

    for name in entity.names:
        add(mapping.name_out[name.kind], name.full)
    notes: list[str] = [entity.remarks] if entity.remarks else []
    person = entity.schema is EntityType.PERSON
    legal = entity.schema in (EntityType.PERSON, EntityType.ORGANIZATION)
    if person:
        for name in entity.names:
            add("firstName", name.given)
            add("middleName", name.middle)
            add("lastName", name.family)
        add("birthDate", *(b.date for b in entity.birth_dates))
        add("birthPlace", *entity.birth_places)
        add("nationality", *(c.lower() for c in entity.nationalities))
        add("citizenship", *(c.lower() for c in entity.citizenships))
        add("gender", entity.gender)
        add("position", *entity.positions)
    else:
        add("country", *(c.lower() for c in entity.nationalities))
        notes += entity.positions
    add("address", *(_address_text(a) for a in entity.addresses))
    if legal:
        add("website", *entity.websites)
        add("email", *entity.emails)
        add("phone", *entity.phones)
    else:
        notes += [*entity.websites, *entity.emails, *entity.phones]
    related: list[dict[str, Any]] = []
    for identifier in entity.identifiers:
        if identifier.kind is IdKind.CRYPTO:
            related.append(_wallet(own_id, identifier, entity.list_id))
            continue
        prop = mapping.id_property(identifier.kind, schema)
        if prop is None and legal:
            # No FtM property for this kind ("other"): an Identification entity keeps it.
            related.append(_identification(own_id, identifier, entity.list_id))
        elif prop is None:
            # Vessels and aircraft cannot hold Identification entities in FtM; a note line
            # in a fixed form keeps the identifier and `read_ftm` takes it back.
            notes.append(f"{_NOTE_ID_PREFIX}{identifier.kind.value}: {identifier.value}")
        else:
            add(prop, f"IMO{identifier.value}" if prop == "imoNumber" else identifier.value)
    if entity.vessel is not None:
        vessel = entity.vessel
        add("flag", vessel.flag.lower() if vessel.flag else None)
        add("callSign", vessel.call_sign)
        add("type", vessel.vessel_type)
        add("tonnage", vessel.tonnage)
        add("grossRegisteredTonnage", vessel.gross_registered_tonnage)
    if entity.aircraft is not None:
        add("model", entity.aircraft.model)
        add("buildDate", entity.aircraft.manufacture_date)
    add("program", *entity.programs)
    add("createdAt", entity.listing_date)
    add("notes", *notes)
    add("topics", _TOPIC)
    record = {
        "id": own_id,
        "schema": schema,
        "properties": {k: v for k, v in props.items() if v},
        "datasets": [entity.list_id],
        "target": True,
    }
    related += _sanctions(entity, own_id)
    related += [r for link in entity.links for r in _link(own_id, link, entity.list_id)]
    return [record, *related]


def _address_text(address: Address) -> str | None:
    if address.full:
        return address.full
    parts = (address.street, address.city, address.region, address.postal_code, address.country)
    return ", ".join(p for p in parts if p) or None


def _wallet(owner: str, identifier: Identifier, list_id: str) -> dict[str, Any]:
    props = {"publicKey": [identifier.value], "holder": [owner], "topics": [_TOPIC]}
    if identifier.currency:
        props["currency"] = [identifier.currency]
    return {
        "id": _derived_id(owner, "wallet", identifier.value),
        "schema": "CryptoWallet",
        "properties": props,
        "datasets": [list_id],
    }


def _identification(owner: str, identifier: Identifier, list_id: str) -> dict[str, Any]:
    props = {"holder": [owner], "number": [identifier.value], "type": [identifier.kind.value]}
    if identifier.country:
        props["country"] = [identifier.country.lower()]
    if identifier.note:
        props["summary"] = [identifier.note]
    return {
        "id": _derived_id(owner, "id", identifier.kind.value, identifier.value),
        "schema": "Identification",
        "properties": props,
        "datasets": [list_id],
    }


def _sanctions(entity: Entity, owner: str) -> list[dict[str, Any]]:
    """One Sanction per program, as OpenSanctions writes them; references ride along."""
    common: dict[str, list[str]] = {"entity": [owner]}
    authority = _mapping().authorities.get(entity.list_id)
    if authority:
        common["authority"] = [authority]
    if entity.listing_date:
        common["listingDate"] = [entity.listing_date]
    un_refs = [r for r in entity.references if _UN_REF.match(r)]
    other_refs = [r for r in entity.references if not _UN_REF.match(r)]
    if un_refs:
        common["unscId"] = un_refs
    if other_refs:
        common["authorityId"] = other_refs
    if entity.secondary_sanctions_risks:
        common["provisions"] = list(entity.secondary_sanctions_risks)
    programs: list[str | None] = list(entity.programs) or [None]
    sanctions = []
    for program in programs:
        props = dict(common)
        if program:
            props["program"] = [program]
        sanctions.append(
            {
                "id": _derived_id(owner, "sanction", program or ""),
                "schema": "Sanction",
                "properties": props,
                "datasets": [entity.list_id],
            }
        )
    return sanctions


def _link(owner: str, link: Link, list_id: str) -> list[dict[str, Any]]:
    mapping = _mapping()
    schema = next(
        (s for s, (_, _, rel) in mapping.links.items() if rel == link.relation), "UnknownLink"
    )
    ours, theirs, default_relation = mapping.links[schema]
    records: list[dict[str, Any]] = []
    if link.target_id:
        target = ftm_id(link.target_id)
    else:
        # FtM links join two entities, so a party named only by name gets a stub that is
        # marked as not a target: importers (ours included) do not treat it as designated.
        target = _derived_id(owner, "party", link.relation, link.target_name)
        records.append(
            {
                "id": target,
                "schema": "LegalEntity",
                "properties": {"name": [link.target_name]},
                "datasets": [list_id],
                "target": False,
            }
        )
    props = {ours: [owner], theirs: [target]}
    if link.relation != default_relation:
        props["role"] = [link.relation]
    records.append(
        {
            "id": _derived_id(owner, "link", schema, link.relation, target),
            "schema": schema,
            "properties": props,
            "datasets": [list_id],
        }
    )
    return records


# --- import ----------------------------------------------------------------------------------


@dataclass
class _Collected:
    things: dict[str, tuple[int, dict[str, Any]]]
    stubs: dict[str, dict[str, Any]]
    sanctions: dict[str, list[dict[str, list[str]]]]
    wallets: dict[str, list[dict[str, list[str]]]]
    documents: dict[str, list[tuple[str, dict[str, list[str]]]]]
    links: list[tuple[str, dict[str, list[str]]]]
    skipped: Counter[str]


def read_ftm(path: Path, *, dataset: str) -> ParsedList:
    """Read FtM JSON lines (plain or .gz) as list `dataset`.

    Person, Organization, Company, LegalEntity, PublicBody, Vessel and Airplane entities become
    designated parties (unless marked `"target": false`); Sanction entities give them programs,
    listing dates and references, CryptoWallet entities crypto identifiers, and Ownership /
    UnknownLink / Directorship (...) entities links. Other schemata are counted in `warnings`.
    """
    collected = _collect(path)
    parsed = ParsedList(list_id=dataset, publisher_date=None, files=(path,), entities=iter(()))
    if collected.skipped:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(collected.skipped.items()))
        parsed.warnings.append(f"{path.name}: skipped entities that are not parties: {counts}")
    parsed.entities = _entities(path, dataset, collected)
    return parsed


def _collect(path: Path) -> _Collected:
    mapping = _mapping()
    found = _Collected(
        {}, {}, defaultdict(list), defaultdict(list), defaultdict(list), [], Counter()
    )
    with open_source(path) as handle:
        for number, data in _lines(path, handle):
            schema, props = data["schema"], data["properties"]
            if schema in mapping.schema_in:
                if data.get("target") is False:
                    found.stubs[data["id"]] = props
                    found.skipped[f"{schema} (not a target)"] += 1
                else:
                    found.things[data["id"]] = (number, data)
            elif schema == "Sanction":
                for owner in props.get("entity", ()):
                    found.sanctions[owner].append(props)
            elif schema == "CryptoWallet":
                for owner in props.get("holder", ()):
                    found.wallets[owner].append(props)
            elif schema in ("Identification", "Passport"):
                for owner in props.get("holder", ()):
                    found.documents[owner].append((schema, props))
            elif schema in mapping.links:
                found.links.append((schema, props))
            elif schema in mapping.skip:
                found.skipped[schema] += 1
            else:
                raise FtmParseError(str(path), f"line {number}", f"unknown FtM schema {schema!r}")
    return found


def _lines(path: Path, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    number = 0
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield number, _parse_line(path, number, line)
    except (OSError, EOFError) as exc:  # truncated or corrupt gzip
        raise FtmParseError(str(path), f"line {number + 1}", f"cannot read: {exc}") from exc


def _parse_line(path: Path, number: int, line: bytes) -> dict[str, Any]:
    where = f"line {number}"
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise FtmParseError(str(path), where, f"malformed JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise FtmParseError(str(path), where, "expected a JSON object (one FtM entity per line)")
    entity_key = data.get("id")
    if not isinstance(entity_key, str) or not entity_key:
        raise FtmParseError(str(path), where, "entity has no 'id'")
    if not isinstance(data.get("schema"), str):
        raise FtmParseError(str(path), where, f"entity {entity_key} has no 'schema'")
    props = data.get("properties", {})
    if not isinstance(props, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in props.values()
    ):
        raise FtmParseError(
            str(path), where, f"entity {entity_key}: 'properties' must map names to string lists"
        )
    data["properties"] = props
    return data


def _entities(path: Path, dataset: str, found: _Collected) -> Iterator[Entity]:
    links = _links_by_owner(dataset, found)
    for key, (number, data) in found.things.items():
        try:
            yield seal(_entity(path, dataset, key, data, found, links.get(key, [])))
        except ValueError as exc:
            raise FtmParseError(str(path), f"line {number}", f"entity {key}: {exc}") from exc


def _record_id(dataset: str, key: str) -> str:
    """Our own exports prefix the list id; strip it so a round trip keeps record ids."""
    prefix = ftm_id(dataset) + "-"
    return key[len(prefix) :] if key.startswith(prefix) and len(key) > len(prefix) else key


def _links_by_owner(dataset: str, found: _Collected) -> dict[str, list[Link]]:
    mapping = _mapping()
    result: dict[str, list[Link]] = defaultdict(list)
    for schema, props in found.links:
        ours, theirs, default_relation = mapping.links[schema]
        relation = (props.get("role") or [default_relation])[0]
        for owner in props.get(ours, ()):
            for target in props.get(theirs, ()):
                if target in found.things:
                    target_props = found.things[target][1]["properties"]
                    target_id: str | None = entity_id(dataset, _record_id(dataset, target))
                else:
                    target_props = found.stubs.get(target, {})
                    target_id = None
                target_name = (target_props.get("name") or [target])[0]
                result[owner].append(Link(relation, target_name, target_id))
    return result


def _entity(
    path: Path,
    dataset: str,
    key: str,
    data: Mapping[str, Any],
    found: _Collected,
    links: list[Link],
) -> Entity:
    mapping = _mapping()
    ftm_schema: str = data["schema"]
    schema = mapping.schema_in[ftm_schema]
    props: dict[str, list[str]] = data["properties"]

    def values(prop: str) -> list[str]:
        return list(dict.fromkeys(props.get(prop, ())))

    names = [
        Name(full=value, kind=kind)
        for prop, kind in mapping.name_in.items()
        for value in values(prop)
    ]
    if not names:
        raise ValueError("has no name")
    if schema is EntityType.PERSON:
        names = _with_parts(names, values("firstName"), values("middleName"), values("lastName"))
    identifiers = [
        Identifier(kind, _strip_imo(value) if prop == "imoNumber" else value)
        for prop in props
        if (kind := mapping.id_kind(prop, ftm_schema)) is not None
        for value in values(prop)
    ]
    identifiers += [
        Identifier(IdKind.CRYPTO, value, currency=next(iter(w.get("currency", ())), None))
        for w in found.wallets.get(key, ())
        for value in [*w.get("publicKey", ()), *w.get("cryptoAddress", ())]
    ]
    notes = values("notes")
    for note in list(notes):
        if (match := _NOTE_ID_RE.match(note)) and match.group(1) in {k.value for k in IdKind}:
            identifiers.append(Identifier(IdKind(match.group(1)), match.group(2)))
            notes.remove(note)
    documents = (_document(schema, d) for schema, d in found.documents.get(key, ()))
    identifiers += [d for d in documents if d is not None]
    sanctions = found.sanctions.get(key, [])
    programs = [*values("program"), *(p for s in sanctions for p in s.get("program", ()))]
    listing_dates = sorted(
        [*values("createdAt"), *(d for s in sanctions for d in s.get("listingDate", ()))]
    )
    references = [
        r for s in sanctions for prop in ("unscId", "authorityId") for r in s.get(prop, ())
    ]
    person = schema is EntityType.PERSON
    countries = values("nationality") if person else values("country")
    return Entity(
        id=entity_id(dataset, _record_id(dataset, key)),
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        provenance=Provenance(
            list_id=dataset, source_file=path.name, source_record_id=_record_id(dataset, key)
        ),
        programs=tuple(dict.fromkeys(programs)),
        listing_date=listing_dates[0][:10] if listing_dates else None,
        birth_dates=tuple(BirthDate(d[:10]) for d in values("birthDate")),
        birth_places=tuple(values("birthPlace")),
        nationalities=tuple(c.upper() for c in countries if len(c) == 2),
        citizenships=tuple(c.upper() for c in values("citizenship") if len(c) == 2),
        gender=next((g for g in values("gender") if g in ("male", "female")), None),
        positions=tuple(values("position")),
        addresses=tuple(Address(full=a) for a in values("address")),
        identifiers=tuple(dict.fromkeys(identifiers)),
        links=tuple(dict.fromkeys(links)),
        websites=tuple(values("website")),
        emails=tuple(values("email")),
        phones=tuple(values("phone")),
        secondary_sanctions_risks=tuple(
            dict.fromkeys(p for s in sanctions for p in s.get("provisions", ()))
        ),
        vessel=_vessel(values) if schema is EntityType.VESSEL else None,
        aircraft=_aircraft(values) if schema is EntityType.AIRCRAFT else None,
        remarks="\n".join(notes) or None,
        references=tuple(dict.fromkeys(references)),
    )


def _document(schema: str, props: Mapping[str, list[str]]) -> Identifier | None:
    label = next(iter(props.get("type", ())), None)
    if schema == "Passport":
        kind = IdKind.PASSPORT
    else:
        known = {k.value for k in IdKind}
        kind = IdKind(label) if label is not None and label in known else IdKind.OTHER
    number = next(iter([*props.get("number", ()), *props.get("passportNumber", ())]), None)
    if not number:
        return None
    country = next(iter(props.get("country", ())), None)
    note = next(iter(props.get("summary", ())), None)
    if kind is IdKind.OTHER and label and not note:
        note = label
    return Identifier(kind, number, country=country.upper() if country else None, note=note)


def _with_parts(
    names: list[Name], given: list[str], middle: list[str], family: list[str]
) -> list[Name]:
    """FtM keeps name parts apart from names; they belong to the primary name only when the
    entity has one primary name and one value of each part."""
    primaries = [n for n in names if n.kind is NameKind.PRIMARY]
    if len(primaries) != 1 or len(given) > 1 or len(middle) > 1 or len(family) > 1:
        return names
    if not (given or family):
        return names
    primary = primaries[0]
    enriched = Name(
        full=primary.full,
        kind=primary.kind,
        given=given[0] if given else None,
        middle=middle[0] if middle else None,
        family=family[0] if family else None,
    )
    return [enriched if n is primary else n for n in names]


def _strip_imo(value: str) -> str:
    return value[3:].strip() if value.upper().startswith("IMO") else value


def _vessel(values: Any) -> VesselDetails:
    def first(prop: str) -> str | None:
        found: list[str] = values(prop)
        return found[0] if found else None

    flag = first("flag")
    return VesselDetails(
        flag=flag.upper() if flag and len(flag) == 2 else None,
        call_sign=first("callSign"),
        vessel_type=first("type"),
        tonnage=first("tonnage"),
        gross_registered_tonnage=first("grossRegisteredTonnage"),
    )


def _aircraft(values: Any) -> AircraftDetails:
    models: list[str] = values("model")
    built: list[str] = values("buildDate")
    return AircraftDetails(
        model=models[0] if models else None, manufacture_date=built[0] if built else None
    )
