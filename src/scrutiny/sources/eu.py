"""EU Financial Sanctions File, XML 1.1 (xmlFullSanctionsList_1_1.xml) -> entities of "eu_fsf".

Every <sanctionEntity> (namespace http://eu.europa.ec/fpi/fsd/export) has a logicalId (the
record id across versions), an EU reference number and, for UN designations, the UN reference
number (unitedNationId, e.g. KPi.017). Its regulation's @programme is the sanctions regime code
(PRK for the DPRK). Names come as <nameAlias> elements, one per spelling and language, with
their parts and a strong/weak flag; dates of birth as full dates or year/month/day parts,
possibly circa or in the Islamic calendar.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from scrutiny.countries import country_code, country_name
from scrutiny.errors import ListParseError
from scrutiny.ids import imo_valid
from scrutiny.model import (
    Address,
    BirthDate,
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Provenance,
    entity_id,
    seal,
)
from scrutiny.sources import ParsedList
from scrutiny.sources._common import XmlRecords, clean, data_table, script_of
from scrutiny.sources._dates import iso_date, partial_date

LIST_ID = "eu_fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
_NS = f"{{{NAMESPACE}}}"
_ROOT = f"{_NS}export"
_RECORD = f"{_NS}sanctionEntity"
_SUBJECT_TYPES = {"person": EntityType.PERSON, "enterprise": EntityType.ORGANIZATION}
_GENDERS = {"M": "male", "F": "female"}
_LANGUAGE_RANK = {"en": 0, None: 1}  # the primary name: English, else no language, else any
# "00" is the file's code for an unknown country.
_UNKNOWN_COUNTRY = "00"


class EuParseError(ListParseError):
    """The EU Financial Sanctions File XML is not in the expected shape."""


def read_eu_xml(path: Path) -> ParsedList:
    """Parse the EU FSF XML 1.1 (plain or gzip) into a streaming `ParsedList` ("eu_fsf")."""
    stream = XmlRecords(path, EuParseError, _ROOT, (_RECORD,))
    generated = stream.root_attrib.get("generationDate")
    publisher_date = iso_date(generated)
    if generated and publisher_date is None:
        raise EuParseError(path.name, "line 1", f"generationDate {generated!r} is not an ISO date")
    parsed = ParsedList(
        list_id=LIST_ID, publisher_date=publisher_date, files=(path,), entities=iter(())
    )
    parsed.entities = _entities(stream, parsed)
    return parsed


def _entities(stream: XmlRecords, parsed: ParsedList) -> Iterator[Entity]:
    for elem in stream.records():
        yield _EuRecord(stream, elem, parsed).build()


def _attr(elem: etree._Element, name: str) -> str | None:
    return clean(elem.get(name))


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


class _EuRecord:
    """Builds one entity from a sanctionEntity element."""

    def __init__(self, stream: XmlRecords, elem: etree._Element, parsed: ParsedList) -> None:
        self.stream = stream
        self.elem = elem
        self.parsed = parsed
        logical_id = _attr(elem, "logicalId")
        if logical_id is None:
            reference = _attr(elem, "euReferenceNumber")
            raise EuParseError(
                stream.file,
                stream.where(elem, reference),
                "<sanctionEntity> has no logicalId attribute",
            )
        self.logical_id = logical_id
        self.where = stream.where(elem, logical_id)
        self.remarks: list[str] = []

    def fail(self, problem: str) -> EuParseError:
        return EuParseError(self.stream.file, self.where, problem)

    def warn(self, problem: str) -> None:
        self.parsed.warnings.append(f"{self.stream.file}:{self.where}: {problem}")

    def country(self, elem: etree._Element) -> str | None:
        raw = _attr(elem, "countryIso2Code")
        if raw is None or raw == _UNKNOWN_COUNTRY:
            return None
        code = country_code(raw)
        if code is None:
            self.warn(f"<{etree.QName(elem).localname}> has unknown countryIso2Code {raw!r}")
        return code

    def children(self, local: str) -> list[etree._Element]:
        return list(self.elem.iterfind(_NS + local))

    def build(self) -> Entity:
        elem = self.elem
        schema = self.schema()
        names, gender, positions = self.names()
        birth_dates, birth_places = self.births()
        identifiers = self.identifiers()
        if schema is EntityType.ORGANIZATION and any(
            i.kind is IdKind.IMO and imo_valid(i.value) for i in identifiers
        ):
            # The FSF has no vessel subject type: ships (e.g. PRK "Unica", IMO 8514306) are
            # listed as enterprises. A valid *ship* IMO number says the record is a vessel;
            # shipping companies carry IMO company numbers, which fail the ship check digit.
            schema = EntityType.VESSEL
        remarks = [r for r in (clean(x.text) for x in self.children("remark")) if r]
        details = _attr(elem, "designationDetails")
        entity = Entity(
            id=entity_id(LIST_ID, self.logical_id),
            schema=schema,
            names=names,
            provenance=Provenance(
                list_id=LIST_ID,
                source_file=self.stream.file,
                source_record_id=self.logical_id,
                publisher_date=self.parsed.publisher_date,
            ),
            programs=_unique([_attr(r, "programme") or "" for r in self.children("regulation")]),
            listing_date=iso_date(_attr(elem, "designationDate")),
            birth_dates=birth_dates,
            birth_places=birth_places,
            citizenships=_unique([self.country(c) or "" for c in self.children("citizenship")]),
            gender=gender,
            positions=positions,
            addresses=self.addresses(),
            identifiers=identifiers,
            remarks=" ".join([*remarks, *([details] if details else []), *self.remarks]) or None,
            references=_unique(
                [_attr(elem, "euReferenceNumber") or "", _attr(elem, "unitedNationId") or ""]
            ),
        )
        return seal(entity)

    def schema(self) -> EntityType:
        subject = self.elem.find(_NS + "subjectType")
        if subject is None:
            raise self.fail("<sanctionEntity> has no <subjectType>")
        code = _attr(subject, "code")
        schema = _SUBJECT_TYPES.get(code or "")
        if schema is None:
            raise self.fail(f"subjectType code {code!r} is neither 'person' nor 'enterprise'")
        return schema

    # --- names ---------------------------------------------------------------------------

    def names(self) -> tuple[tuple[Name, ...], str | None, tuple[str, ...]]:
        names: list[Name] = []
        genders: list[str] = []
        positions: list[str] = []
        for alias in self.children("nameAlias"):
            name = self.name(alias)
            if name is not None and name not in names:
                names.append(name)
            gender = _GENDERS.get((_attr(alias, "gender") or "").upper())
            if gender:
                genders.append(gender)
            function = _attr(alias, "function")
            if function:
                positions.append(function)
        if not names:
            raise self.fail("<sanctionEntity> has no <nameAlias> with a name")
        # The FSF marks no primary name. Show a strong Latin-script spelling, the English one
        # where the record has one, else one with no language: a Russian designee's record
        # often begins with its Swedish or Slovak version (Michail Safarbekovitj GUTSERIJEV,
        # Vědecko-výrobní závod „Saljut“), which is no name a bank would know the party by.
        first = min(
            range(len(names)),
            key=lambda i: (
                names[i].script not in (None, "Latn"),
                names[i].kind,
                _LANGUAGE_RANK.get(names[i].lang, 2),
                i,
            ),
        )
        names.insert(0, dataclasses.replace(names.pop(first), kind=NameKind.PRIMARY))
        gender = genders[0] if genders and len(set(genders)) == 1 else None
        return tuple(names), gender, _unique(positions)

    def name(self, alias: etree._Element) -> Name | None:
        given, middle = _attr(alias, "firstName"), _attr(alias, "middleName")
        family = _attr(alias, "lastName")
        full = _attr(alias, "wholeName") or " ".join(p for p in (given, middle, family) if p)
        if not full:
            return None
        strong = (_attr(alias, "strong") or "true").lower()
        if strong not in ("true", "false"):
            raise self.fail(f"nameAlias strong={strong!r}; expected 'true' or 'false'")
        language = _attr(alias, "nameLanguage")
        title = _attr(alias, "title")
        return Name(
            full=full,
            kind=NameKind.STRONG_ALIAS if strong == "true" else NameKind.WEAK_ALIAS,
            script=script_of(full),
            lang=language.lower() if language else None,
            given=given,
            middle=middle,
            family=family,
            note=f"title: {title}" if title else None,
        )

    # --- birth -------------------------------------------------------------------------

    def births(self) -> tuple[tuple[BirthDate, ...], tuple[str, ...]]:
        dates: list[BirthDate] = []
        places: list[str] = []
        for birth in self.children("birthdate"):
            date = self.birth_date(birth)
            if date is not None and date not in dates:
                dates.append(date)
            country = self.country(birth)
            parts = [
                _attr(birth, "place"),
                _attr(birth, "city"),
                _attr(birth, "region"),
                country_name(country) if country else None,
            ]
            place = ", ".join(p for p in parts if p)
            if place and place not in places:
                places.append(place)
        return tuple(dates), tuple(places)

    def birth_date(self, birth: etree._Element) -> BirthDate | None:
        circa = (_attr(birth, "circa") or "false").lower() == "true"
        calendar = (_attr(birth, "calendarType") or "GREGORIAN").upper()
        full = _attr(birth, "birthdate")
        if full:
            # In Islamic-calendar entries @birthdate is the Gregorian equivalent of the parts.
            date = iso_date(full)
            if date is None:
                self.warn(f"birthdate {full!r} is not an ISO date")
                return None
            return BirthDate(date, circa=circa)
        year = _attr(birth, "year")
        range_from, range_to = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
        if calendar != "GREGORIAN":
            return self.hijri_year(year, calendar)
        if range_from or range_to:
            start = partial_date(range_from or range_to)
            until = partial_date(range_to) if range_to and range_to != range_from else None
            if start is None or (until is not None and until < start):
                self.warn(f"birth year range {range_from!r}-{range_to!r} is not a range")
                return None
            return BirthDate(start, until=until, circa=circa)
        if year:
            date = partial_date(year, _attr(birth, "monthOfYear"), _attr(birth, "dayOfMonth"))
            if date is None:
                date = partial_date(year)
            if date is None:
                self.warn(f"birth year {year!r} is not a year")
                return None
            return BirthDate(date, circa=circa)
        return None

    def hijri_year(self, year: str | None, calendar: str) -> BirthDate | None:
        if calendar != "ISLAMIC" or not year or not year.isdigit():
            self.warn(f"birth date in {calendar} calendar without a Gregorian date: year {year!r}")
            return None
        # A Hijri year (about 354 days) overlaps two Gregorian years; the mean ratio
        # 0.970229 and epoch 621.5643 give the first (Hijri 1343 -> 1924-1925).
        start = int(621.5643 + 0.970229 * int(year))
        self.remarks.append(f"Year of birth {year} (Islamic calendar).")
        return BirthDate(f"{start:04d}", until=f"{start + 1:04d}", circa=True)

    # --- addresses and identifiers -----------------------------------------------------

    def addresses(self) -> tuple[Address, ...]:
        found: list[Address] = []
        for elem in self.children("address"):
            street, city = _attr(elem, "street"), _attr(elem, "city")
            region, postal = _attr(elem, "region"), _attr(elem, "zipCode")
            place, po_box = _attr(elem, "place"), _attr(elem, "poBox")
            country = self.country(elem)
            parts = [street, po_box and f"P.O. Box {po_box}", place, city, region, postal]
            if country:
                parts.append(country_name(country))
            if not any(parts):
                continue
            address = Address(
                full=", ".join(p for p in parts if p),
                street=street,
                city=city,
                region=region,
                postal_code=postal,
                country=country,
            )
            if address not in found:
                found.append(address)
        return tuple(found)

    def identifiers(self) -> tuple[Identifier, ...]:
        kinds = dict(data_table("eu_identification_types.tsv"))
        found: list[Identifier] = []
        for elem in self.children("identification"):
            number = _attr(elem, "number")
            if not number:
                continue
            code = _attr(elem, "identificationTypeCode") or ""
            description = _attr(elem, "identificationTypeDescription")
            kind = IdKind(kinds.get(code.lower(), IdKind.OTHER.value))
            identifier = Identifier(
                kind=kind,
                value=number,
                country=self.country(elem),
                note=description or code or None,
            )
            if identifier not in found:
                found.append(identifier)
        return tuple(found)
