"""OFAC XML in the `sdnList` schema: sdn.xml and the consolidated non-SDN XML.

The namespace changed over the years (`http://tempuri.org/sdnList.xsd`, then
`https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML`), so elements
are matched by local name. Entries are streamed with lxml iterparse and cleared once built.
idList entries carry the same labels as the CSV Remarks statements (`SWIFT/BIC`, `Vessel
Registration Identification`, `Digital Currency Address - XBT` ...) and go through the same
label table as the CSV (ofac_remarks), so both forms of the list give the same fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from scrutiny.countries import country_code
from scrutiny.model import (
    Address,
    AircraftDetails,
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
from scrutiny.sources import ParsedList, logical_name, open_source
from scrutiny.sources.ofac_csv import OfacParseError
from scrutiny.sources.ofac_remarks import (
    RemarkFields,
    apply_statement,
    parse_birth_date,
    parse_remarks,
)

_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_ALIAS_TYPES = {"a.k.a.": NameKind.STRONG_ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": None}
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _local(tag: object) -> str:
    """An element's tag without its namespace ("{ns}name" or "prefix:name"); "" for
    comments and processing instructions. Read from the string: etree.QName raises on a tag
    a damaged file may carry (":publshInformation"), which is then an unknown element."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _children(elem: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in elem if _local(child.tag) == name]


def _child(elem: etree._Element, name: str) -> etree._Element | None:
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _text(elem: etree._Element | None, name: str) -> str | None:
    child = _child(elem, name) if elem is not None else None
    if child is None or child.text is None:
        return None
    text = " ".join(child.text.split())
    return text or None


def _items(elem: etree._Element, list_name: str, item_name: str) -> list[etree._Element]:
    container = _child(elem, list_name)
    return _children(container, item_name) if container is not None else []


def _publish_date(text: str | None) -> str | None:
    """OFAC writes `MM/DD/YYYY`."""
    m = _US_DATE.fullmatch(text or "")
    if m is None:
        return None
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"


def _guess_list_id(path: Path) -> str:
    name = logical_name(path)
    return "ofac_cons" if "CONS" in name or "NONSDN" in name.replace("_", "") else "ofac_sdn"


def _header(path: Path) -> tuple[str | None, int | None]:
    """Publish_Date and Record_Count from publshInformation, read before the first entry."""
    date: str | None = None
    count: int | None = None
    with open_source(path) as handle:
        try:
            for event, elem in etree.iterparse(handle, events=("start", "end")):
                name = _local(elem.tag)
                if event == "start" and name == "sdnEntry":
                    break
                if event == "end" and name == "publshInformation":
                    date = _publish_date(_text(elem, "Publish_Date"))
                    raw = _text(elem, "Record_Count")
                    count = int(raw) if raw and raw.isdigit() else None
                    break
        except etree.XMLSyntaxError as exc:
            raise OfacParseError(
                path.name, f"line {exc.lineno}", f"malformed XML: {exc.msg}"
            ) from exc
    return date, count


class _EntryBuilder:
    def __init__(self, elem: etree._Element, path: Path, list_id: str, date: str | None) -> None:
        self.elem = elem
        self.path = path
        self.list_id = list_id
        self.date = date
        self.uid = _text(elem, "uid")
        self.where = f"line {elem.sourceline}, sdnEntry uid={self.uid}"

    def fail(self, problem: str) -> OfacParseError:
        return OfacParseError(self.path.name, self.where, problem)

    def build(self) -> Entity:
        elem = self.elem
        if self.uid is None or not self.uid.isdigit():
            raise self.fail(f"uid must be a number, found {self.uid!r}")
        type_text = (_text(elem, "sdnType") or "").lower()
        if type_text not in _TYPES:
            raise self.fail(
                f"sdnType must be Individual, Entity, Vessel or Aircraft, found {type_text!r}"
            )
        schema = _TYPES[type_text]
        person = schema is EntityType.PERSON
        primary = self.name(elem, NameKind.PRIMARY, person)
        if primary is None:
            raise self.fail("entry has no lastName")
        title = _text(elem, "title")
        fields = parse_remarks(_text(elem, "remarks"), titles=(title,) if title else ())
        self.lists(fields)
        names = [primary, *self.aliases(person), *fields.names]
        vessel = self.vessel()
        identifiers = list(fields.identifiers)
        links = list(fields.links)
        if vessel is not None and vessel.call_sign:
            identifiers.append(Identifier(IdKind.CALL_SIGN, vessel.call_sign, country=vessel.flag))
        if vessel is not None and vessel.owner:
            links.append(Link("owner", vessel.owner))
        aircraft = None
        if schema is EntityType.AIRCRAFT or fields.aircraft_model or fields.aircraft_operator:
            aircraft = AircraftDetails(
                fields.aircraft_model, fields.aircraft_manufacture_date, fields.aircraft_operator
            )
            if fields.aircraft_operator:
                links.append(Link("operator", fields.aircraft_operator))
        programs = tuple(
            dict.fromkeys(
                p.text.strip()
                for p in _items(elem, "programList", "program")
                if p.text and p.text.strip()
            )
        )
        entity = Entity(
            id=entity_id(self.list_id, self.uid),
            schema=schema,
            names=tuple(dict.fromkeys(names)),
            provenance=Provenance(
                list_id=self.list_id,
                source_file=self.path.name.removesuffix(".gz"),
                source_record_id=self.uid,
                publisher_date=self.date,
            ),
            programs=programs,
            birth_dates=tuple(dict.fromkeys(fields.birth_dates)),
            birth_places=tuple(dict.fromkeys(fields.birth_places)),
            nationalities=tuple(fields.nationalities),
            citizenships=tuple(fields.citizenships),
            gender=fields.gender,
            positions=(title,) if title else (),
            addresses=tuple(dict.fromkeys(self.addresses())),
            identifiers=tuple(dict.fromkeys(identifiers)),
            links=tuple(dict.fromkeys(links)),
            websites=tuple(fields.websites),
            emails=tuple(fields.emails),
            phones=tuple(fields.phones),
            secondary_sanctions_risks=tuple(fields.secondary_sanctions_risks),
            vessel=vessel,
            aircraft=aircraft,
            remarks=fields.remarks,
        )
        return seal(entity)

    def name(
        self, elem: etree._Element, kind: NameKind, person: bool, note: str | None = None
    ) -> Name | None:
        last = _text(elem, "lastName")
        first = _text(elem, "firstName")
        if last is None:
            return None
        if person and first:
            # the CSV form "LAST, First", so both forms of the list give the same names
            return Name(f"{last}, {first}", kind=kind, family=last, given=first, note=note)
        full = f"{first} {last}" if first else last
        return Name(full, kind=kind, note=note)

    def aliases(self, person: bool) -> list[Name]:
        names: list[Name] = []
        for aka in _items(self.elem, "akaList", "aka"):
            alias_type = (_text(aka, "type") or "a.k.a.").lower()
            weak = (_text(aka, "category") or "strong").lower() == "weak"
            if alias_type not in _ALIAS_TYPES:
                raise self.fail(f"aka type must be a.k.a., f.k.a. or n.k.a., found {alias_type!r}")
            kind = _ALIAS_TYPES[alias_type] or NameKind.STRONG_ALIAS
            note = "n.k.a." if alias_type == "n.k.a." else None
            if weak:
                kind, note = (
                    (NameKind.FORMER, "weak")
                    if kind is NameKind.FORMER
                    else (NameKind.WEAK_ALIAS, note)
                )
            name = self.name(aka, kind, person, note)
            if name is not None:
                names.append(name)
        return names

    def lists(self, fields: RemarkFields) -> None:
        """dateOfBirthList, placeOfBirthList, nationalityList, citizenshipList and idList."""
        for item in _items(self.elem, "dateOfBirthList", "dateOfBirthItem"):
            text = _text(item, "dateOfBirth")
            date = parse_birth_date(text) if text else None
            if date is not None:
                fields.birth_dates.append(date)
            elif text:
                fields.unparsed.append(f"DOB {text}")
        for item in _items(self.elem, "placeOfBirthList", "placeOfBirthItem"):
            if text := _text(item, "placeOfBirth"):
                fields.birth_places.append(text)
        for list_name, item_name, target in (
            ("nationalityList", "nationality", fields.nationalities),
            ("citizenshipList", "citizenship", fields.citizenships),
        ):
            for item in _items(self.elem, list_name, item_name):
                text = _text(item, "country")
                code = country_code(text)
                if code is not None and code not in target:
                    target.append(code)
                elif code is None and text:
                    fields.unparsed.append(f"{item_name} {text}")
        for item in _items(self.elem, "idList", "id"):
            self.identifier(item, fields)

    def identifier(self, item: etree._Element, fields: RemarkFields) -> None:
        id_type = _text(item, "idType")
        number = _text(item, "idNumber")
        if not id_type or not number:
            return
        country_text = _text(item, "idCountry")
        statement = f"{id_type} {number}"
        if country_text:
            statement = f"{statement} ({country_text})"
        for label, key in (("issued", "issueDate"), ("expires", "expirationDate")):
            if value := _text(item, key):
                statement = f"{statement} {label} {value}"
        if not apply_statement(statement, fields, country=country_code(country_text)):
            fields.unparsed.append(statement)

    def addresses(self) -> list[Address]:
        result: list[Address] = []
        for item in _items(self.elem, "addressList", "address"):
            street = (
                ", ".join(t for t in (_text(item, f"address{i}") for i in (1, 2, 3)) if t) or None
            )
            city = _text(item, "city")
            region = _text(item, "stateOrProvince")
            postal = _text(item, "postalCode")
            country_text = _text(item, "country")
            parts = [p for p in (street, city, region, postal, country_text) if p]
            if not parts:
                continue
            result.append(
                Address(
                    full=", ".join(parts),
                    street=street,
                    city=city,
                    region=region,
                    postal_code=postal,
                    country=country_code(country_text),
                )
            )
        return result

    def vessel(self) -> VesselDetails | None:
        info = _child(self.elem, "vesselInfo")
        if info is None:
            return None
        flag_text = _text(info, "vesselFlag")
        return VesselDetails(
            flag=country_code(flag_text),
            flag_text=flag_text,
            call_sign=_text(info, "callSign"),
            vessel_type=_text(info, "vesselType"),
            tonnage=_text(info, "tonnage"),
            gross_registered_tonnage=_text(info, "grossRegisteredTonnage"),
            owner=_text(info, "vesselOwner"),
        )


def _stream(
    path: Path, list_id: str, date: str | None, expected: int | None, warnings: list[str]
) -> Iterator[Entity]:
    count = 0
    root_seen = False
    with open_source(path) as handle:
        source: IO[bytes] = handle
        try:
            for event, elem in etree.iterparse(source, events=("start", "end"), huge_tree=True):
                name = _local(elem.tag)
                if event == "start":
                    if not root_seen:
                        root_seen = True
                        if name != "sdnList":
                            raise OfacParseError(
                                path.name,
                                f"line {elem.sourceline}",
                                f"root element must be sdnList, found {name!r}",
                            )
                    continue
                if name != "sdnEntry":
                    continue
                entity = _EntryBuilder(elem, path, list_id, date).build()
                count += 1
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
                yield entity
        except etree.XMLSyntaxError as exc:
            raise OfacParseError(
                path.name, f"line {exc.lineno}", f"malformed XML: {exc.msg}"
            ) from exc
        except (OSError, EOFError) as exc:
            raise OfacParseError(path.name, None, f"cannot read (truncated?): {exc}") from exc
    if not root_seen:
        raise OfacParseError(path.name, "line 1", "empty file; expected an sdnList document")
    if expected is not None and expected != count:
        warnings.append(f"{path.name}: Record_Count says {expected} entries, found {count}")


def read_ofac_xml(path: Path, *, list_id: str | None = None) -> ParsedList:
    """Parse an OFAC `sdnList` XML file (sdn.xml or the consolidated non-SDN XML).

    `list_id` defaults to `ofac_cons` for a file whose name says consolidated/non-SDN and to
    `ofac_sdn` otherwise. A Record_Count that disagrees with the entries is a warning.
    """
    resolved = list_id or _guess_list_id(path)
    date, expected = _header(path)
    warnings: list[str] = []
    return ParsedList(
        resolved, date, (path,), _stream(path, resolved, date, expected, warnings), warnings
    )
