"""UN Security Council Consolidated List (consolidated.xml) -> entities of list "un_sc".

The file holds <INDIVIDUALS> and <ENTITIES>; each record carries its UN reference number
(`KPi.033`, `KPe.001` for the 1718 DPRK list), which is the record id across UN versions and the
cross-reference other lists (EU unitedNationId, UK UN reference) cite. UN writes names in up to
four parts whose order follows the designee's naming custom (family name first for Korean
names), aliases with a "quality" (Good / a.k.a. strong, Low / Very Low weak, f.k.a. former),
and dates of birth as EXACT / APPROXIMATELY / BETWEEN with a date, a year, a year range or a
free-text note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from scrutiny.countries import country_code
from scrutiny.errors import ListParseError
from scrutiny.ids import imo_company_valid
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
from scrutiny.sources._dates import iso_date, month_name, month_year, partial_date

LIST_ID = "un_sc"
_ROOT = "CONSOLIDATED_LIST"
_INDIVIDUAL = "INDIVIDUAL"
_ENTITY = "ENTITY"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

_ALIAS_KINDS = {
    "good": NameKind.STRONG_ALIAS,
    "a.k.a.": NameKind.STRONG_ALIAS,
    "aka": NameKind.STRONG_ALIAS,
    "low": NameKind.WEAK_ALIAS,
    "very low": NameKind.WEAK_ALIAS,
    "f.k.a.": NameKind.FORMER,
    "fka": NameKind.FORMER,
}
# Identifiers UN writes only in entity comments ("SWIFT/BIC: FTBDKPPY", "IMO number: 5571322").
_BIC_IN_TEXT = re.compile(
    r"\bSWIFT(?:/BIC)?(?:\s+code)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
)
_IMO_IN_TEXT = re.compile(r"\bIMO(?:\s+number|\s+no\.?)?\s*:?\s*(\d{7})\b", re.IGNORECASE)
_APPROXIMATE = re.compile(r"\bapprox", re.IGNORECASE)
# Some DPRK records give the gender only as a comment ("Gender: male").
_GENDER_IN_TEXT = re.compile(r"\bGender:\s*(male|female)\b", re.IGNORECASE)


class UnParseError(ListParseError):
    """The UN consolidated XML (or the UN 1718 vessel table) is not in the expected shape."""


def read_un_xml(path: Path) -> ParsedList:
    """Parse the UN SC consolidated XML (plain or gzip) into a streaming `ParsedList` ("un_sc")."""
    stream = XmlRecords(path, UnParseError, _ROOT, (_INDIVIDUAL, _ENTITY))
    generated = stream.root_attrib.get("dateGenerated")
    publisher_date = iso_date(generated)
    if generated and publisher_date is None:
        raise UnParseError(path.name, "line 1", f"dateGenerated {generated!r} is not an ISO date")
    parsed = ParsedList(
        list_id=LIST_ID,
        publisher_date=publisher_date,
        files=(path,),
        entities=iter(()),
    )
    parsed.entities = _entities(stream, parsed)
    return parsed


def _entities(stream: XmlRecords, parsed: ParsedList) -> Iterator[Entity]:
    for elem in stream.records():
        record = _UnRecord(stream, elem, parsed)
        yield record.build()


def _text(elem: etree._Element, tag: str) -> str | None:
    child = elem.find(tag)
    return clean(child.text) if child is not None else None


def _values(elem: etree._Element, tag: str) -> list[str]:
    """Texts of <tag><VALUE>..</VALUE></tag> (NATIONALITY, DESIGNATION, TITLE ...), non-empty."""
    found: list[str] = []
    for holder in elem.iterfind(tag):
        for value in holder.iterfind("VALUE"):
            text = clean(value.text)
            if text and text not in found:
                found.append(text)
    return found


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class _UnRecord:
    """Builds one entity from an INDIVIDUAL or ENTITY element."""

    def __init__(self, stream: XmlRecords, elem: etree._Element, parsed: ParsedList) -> None:
        self.stream = stream
        self.elem = elem
        self.parsed = parsed
        self.is_person = elem.tag == _INDIVIDUAL
        self.reference = _text(elem, "REFERENCE_NUMBER")
        if self.reference is None:
            dataid = _text(elem, "DATAID")
            raise UnParseError(
                stream.file,
                stream.where(elem, f"DATAID {dataid}" if dataid else None),
                f"<{elem.tag}> has no REFERENCE_NUMBER",
            )
        self.where = stream.where(elem, self.reference)
        self.remarks: list[str] = []

    def warn(self, problem: str) -> None:
        self.parsed.warnings.append(f"{self.stream.file}:{self.where}: {problem}")

    def country(self, text: str | None, field: str) -> str | None:
        if not text:
            return None
        code = country_code(text)
        if code is None:
            self.warn(f"{field}: unknown country {text!r}")
        return code

    def build(self) -> Entity:
        elem = self.elem
        programs = _unique([p for p in [_text(elem, "UN_LIST_TYPE")] if p])
        identifiers = tuple(self.documents() + self.comment_identifiers())
        remarks = _text(elem, "COMMENTS1")
        birth_dates, birth_places = self.births()
        entity = Entity(
            id=entity_id(LIST_ID, self.reference or ""),
            schema=EntityType.PERSON if self.is_person else EntityType.ORGANIZATION,
            names=self.names(),
            provenance=Provenance(
                list_id=LIST_ID,
                source_file=self.stream.file,
                source_record_id=self.reference or "",
                publisher_date=self.parsed.publisher_date,
            ),
            programs=programs,
            listing_date=iso_date(_text(elem, "LISTED_ON")),
            birth_dates=birth_dates,
            birth_places=birth_places,
            nationalities=_unique(
                [c for v in _values(elem, "NATIONALITY") if (c := self.country(v, "NATIONALITY"))]
            ),
            gender=self.gender(),
            positions=tuple(_values(elem, "DESIGNATION")),
            addresses=self.addresses(),
            identifiers=identifiers,
            remarks=" ".join([r for r in [remarks, *self.remarks] if r]) or None,
            references=(self.reference or "",),
        )
        return seal(entity)

    # --- names ---------------------------------------------------------------------------

    def names(self) -> tuple[Name, ...]:
        parts = [p for tag in _NAME_PARTS if (p := _text(self.elem, tag))]
        if not parts:
            raise UnParseError(self.stream.file, self.where, "record has no FIRST_NAME")
        titles = _values(self.elem, "TITLE")
        note = f"title: {'; '.join(titles)}" if titles else None
        names = [self.primary(parts, note)]
        original = _text(self.elem, "NAME_ORIGINAL_SCRIPT")
        if original:
            names.append(
                Name(
                    full=original,
                    kind=NameKind.STRONG_ALIAS,
                    script=script_of(original),
                    note="name in original script",
                )
            )
        alias_tag = "INDIVIDUAL_ALIAS" if self.is_person else "ENTITY_ALIAS"
        for alias in self.elem.iterfind(alias_tag):
            name = self.alias(alias)
            if name is not None and name not in names:
                names.append(name)
        return tuple(names)

    def primary(self, parts: list[str], note: str | None) -> Name:
        full = " ".join(parts)
        script = script_of(full)
        if not self.is_person or len(parts) < 2:
            return Name(full=full, script=script, note=note)
        if self.reference and self.reference.startswith("KP"):
            # The 1718 list writes Korean names family name first: RI / WON HO.
            return Name(
                full=full, script=script, family=parts[0], given=" ".join(parts[1:]), note=note
            )
        middle = " ".join(parts[1:-1]) or None
        return Name(
            full=full,
            script=script,
            given=parts[0],
            middle=middle,
            family=parts[-1],
            note=note,
        )

    def alias(self, alias: etree._Element) -> Name | None:
        full = _text(alias, "ALIAS_NAME")
        if not full:
            return None
        quality = _text(alias, "QUALITY") or ""
        kind = _ALIAS_KINDS.get(quality.lower())
        if kind is None:
            if quality:
                self.warn(f"alias {full!r}: unknown QUALITY {quality!r}, taken as strong")
            kind = NameKind.STRONG_ALIAS
        note = "; ".join(n for n in [quality, _text(alias, "NOTE")] if n) or None
        return Name(full=full, kind=kind, script=script_of(full), note=note)

    # --- birth -------------------------------------------------------------------------

    def births(self) -> tuple[tuple[BirthDate, ...], tuple[str, ...]]:
        dates: list[BirthDate] = []
        for dob in self.elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
            found = self.birth_date(dob)
            if found is not None and found not in dates:
                dates.append(found)
        places: list[str] = []
        for pob in self.elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
            parts = [_text(pob, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
            place = ", ".join(p for p in parts if p)
            if place and place not in places:
                places.append(place)
        # Aliases may carry their own date and place of birth (e.g. from a false passport).
        for alias in self.elem.iterfind("INDIVIDUAL_ALIAS"):
            raw = _text(alias, "DATE_OF_BIRTH")
            date = iso_date(raw)
            if raw and date is None:
                self.warn(f"alias DATE_OF_BIRTH {raw!r} is not an ISO date")
            if date is not None and BirthDate(date) not in dates:
                dates.append(BirthDate(date))
            parts = [_text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH")]
            place = ", ".join(p for p in parts if p)
            if place and place not in places:
                places.append(place)
        return tuple(dates), tuple(places)

    def birth_date(self, dob: etree._Element) -> BirthDate | None:
        kind = (_text(dob, "TYPE_OF_DATE") or "").upper()
        note = _text(dob, "NOTE")
        circa = kind == "APPROXIMATELY" or bool(note and _APPROXIMATE.search(note))
        raw_date, year = _text(dob, "DATE"), _text(dob, "YEAR")
        from_year, to_year = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
        if raw_date:
            date = iso_date(raw_date)
            if date is None:
                self.warn(f"DATE of birth {raw_date!r} is not an ISO date")
                return None
            return BirthDate(date, circa=circa)
        if from_year or to_year:
            start = partial_date(from_year or to_year)
            until = partial_date(to_year) if to_year and to_year != from_year else None
            if start is None or (until is not None and until < start):
                self.warn(f"birth years {from_year!r}-{to_year!r} are not a year range")
                return None
            return BirthDate(start, until=until, circa=circa)
        if year:
            # A lone month in the note sharpens the year: YEAR 1958 + NOTE "Sep." -> 1958-09.
            date = partial_date(year, month_name(note))
            if date is None:
                self.warn(f"YEAR of birth {year!r} is not a year")
                return None
            return BirthDate(date, circa=circa)
        if note:
            span = month_year(note)
            if span is not None:
                return BirthDate(span[0], until=span[1], circa=circa)
            # Notes such as "30-35 years old" or Hijri dates stay readable in the remarks.
            self.remarks.append(f"Date of birth: {note}.")
        return None

    def gender(self) -> str | None:
        raw = _text(self.elem, "GENDER")
        if raw is None:
            if not self.is_person:
                return None
            found = _GENDER_IN_TEXT.search(_text(self.elem, "COMMENTS1") or "")
            return found.group(1).lower() if found else None
        value = raw.lower()
        if value in ("male", "female"):
            return value
        self.warn(f"GENDER {raw!r} is neither Male nor Female")
        return None

    # --- addresses and identifiers -----------------------------------------------------

    def addresses(self) -> tuple[Address, ...]:
        tag = "INDIVIDUAL_ADDRESS" if self.is_person else "ENTITY_ADDRESS"
        found: list[Address] = []
        for elem in self.elem.iterfind(tag):
            street, city = _text(elem, "STREET"), _text(elem, "CITY")
            region, postal = _text(elem, "STATE_PROVINCE"), _text(elem, "ZIP_CODE")
            country_text = _text(elem, "COUNTRY")
            parts = [p for p in (street, city, region, postal, country_text) if p]
            if not parts:
                continue
            address = Address(
                full=", ".join(parts),
                street=street,
                city=city,
                region=region,
                postal_code=postal,
                country=self.country(country_text, "ADDRESS/COUNTRY"),
            )
            if address not in found:
                found.append(address)
        return tuple(found)

    def documents(self) -> list[Identifier]:
        found: list[Identifier] = []
        for doc in self.elem.iterfind("INDIVIDUAL_DOCUMENT"):
            number = _text(doc, "NUMBER")
            if not number:
                continue
            labels = [
                t for t in (_text(doc, "TYPE_OF_DOCUMENT"), _text(doc, "TYPE_OF_DOCUMENT2")) if t
            ]
            country_text = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
            issued = _text(doc, "DATE_OF_ISSUE")
            details = [
                *labels,
                f"issued {issued}" if issued else None,
                _text(doc, "CITY_OF_ISSUE"),
                _text(doc, "NOTE"),
            ]
            identifier = Identifier(
                kind=_document_kind(" ".join(labels)),
                value=number,
                country=self.country(country_text, "DOCUMENT/ISSUING_COUNTRY"),
                note="; ".join(d for d in details if d) or None,
            )
            if identifier not in found:
                found.append(identifier)
        return found

    def comment_identifiers(self) -> list[Identifier]:
        """BIC and IMO numbers that UN writes only inside entity comments."""
        if self.is_person:
            return []
        comments = _text(self.elem, "COMMENTS1") or ""
        found: list[Identifier] = []
        for match in _BIC_IN_TEXT.finditer(comments):
            found.append(Identifier(IdKind.BIC, match.group(1), note="from COMMENTS1"))
        for match in _IMO_IN_TEXT.finditer(comments):
            number = match.group(1)
            # Shipping companies carry IMO *company* numbers (their own check digit).
            what = "IMO company number" if imo_company_valid(number) else "IMO number"
            found.append(Identifier(IdKind.IMO, number, note=f"{what}, from COMMENTS1"))
        return found


def _document_kind(label: str) -> IdKind:
    folded = label.casefold()
    for keyword, kind in data_table("un_document_types.tsv"):
        if keyword in folded:
            return IdKind(kind)
    return IdKind.OTHER
