"""OFAC legacy CSV sets: SDN.CSV + ADD.CSV + ALT.CSV + SDN_COMMENTS.CSV, and the consolidated
non-SDN twin CONS_PRIM.CSV + CONS_ADD.CSV + CONS_ALT.CSV + CONS_COMMENTS.CSV.

The files are latin-1, CRLF, with no header, `-0- ` for an empty cell and a DOS end-of-file
byte (0x1A) on a line of its own. Addresses, strong aliases and the part of a Remarks text
beyond its 1,000th character sit in the side files, joined by entity number (ent_num).
The side files are small and read into dicts first; the primary file is streamed. Side-file
rows whose ent_num the primary file never mentions are reported in `ParsedList.warnings`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scrutiny.countries import country_code
from scrutiny.errors import ListParseError
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
from scrutiny.sources import ParsedList, open_source
from scrutiny.sources.ofac_remarks import RemarkFields, parse_remarks


class OfacParseError(ListParseError):
    """An OFAC list file (CSV or XML) does not have the shape OFAC publishes."""


_EMPTY = "-0-"
_EOF_MARK = "\x1a"
_PRIMARY_COLUMNS = 12
_ADD_COLUMNS = 6
_ALT_COLUMNS = 5
_COMMENT_COLUMNS = 2
_TYPES = {
    "": EntityType.ORGANIZATION,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_ALT_KINDS = {
    "aka": (NameKind.STRONG_ALIAS, None),
    "a.k.a.": (NameKind.STRONG_ALIAS, None),
    "fka": (NameKind.FORMER, None),
    "f.k.a.": (NameKind.FORMER, None),
    "nka": (NameKind.STRONG_ALIAS, "n.k.a."),
    "n.k.a.": (NameKind.STRONG_ALIAS, "n.k.a."),
}
# UTF-8 read as latin-1 shows up as a lead byte 0xC2-0xF4 followed by continuation bytes.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _cell(value: str) -> str | None:
    value = value.strip()
    return None if not value or value == _EMPTY else value


@dataclass
class _Row:
    line: int
    cells: list[str]


def _rows(path: Path, columns: int) -> Iterator[_Row]:
    """Rows of one OFAC CSV file, checked for encoding, column count and truncation."""
    name = path.name
    with open_source(path) as raw:
        try:
            head = raw.read(4)
        except (OSError, EOFError) as exc:
            raise OfacParseError(name, None, f"cannot read: {exc}") from exc
        if not head:
            raise OfacParseError(name, "line 1", "empty file; expected OFAC CSV rows")
        if head.startswith(_BOMS) or b"\x00" in head:
            raise OfacParseError(name, "line 1", "not latin-1 (byte order mark or UTF-16 text)")
        stream = _Prefixed(head, raw)
        text = io.TextIOWrapper(io.BufferedReader(stream), encoding="latin-1", newline="")
        reader = csv.reader(text, strict=True)
        previous_line = 0
        seen_eof_mark = False
        yielded = 0
        try:
            for cells in reader:
                line = previous_line + 1
                previous_line = reader.line_num
                if seen_eof_mark:
                    raise OfacParseError(name, f"line {line}", "data after the 0x1A end mark")
                if cells == [_EOF_MARK] or cells == []:
                    seen_eof_mark = seen_eof_mark or cells == [_EOF_MARK]
                    continue
                if len(cells) != columns:
                    raise OfacParseError(
                        name, f"line {line}", f"expected {columns} columns, found {len(cells)}"
                    )
                joined = "".join(cells)
                if "\x00" in joined or _MOJIBAKE.search(joined):
                    raise OfacParseError(
                        name, f"line {line}", "text is not latin-1 (looks like UTF-8 or binary)"
                    )
                if not cells[0].strip().isdigit():
                    raise OfacParseError(
                        name, f"line {line}", f"ent_num must be a number, found {cells[0]!r}"
                    )
                yield _Row(line, cells)
                yielded += 1
        except csv.Error as exc:
            raise OfacParseError(name, f"line {previous_line + 1}", f"bad CSV: {exc}") from exc
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            where = f"line {previous_line + 1}"
            raise OfacParseError(name, where, f"cannot read (truncated?): {exc}") from exc
        if yielded == 0:
            raise OfacParseError(name, "line 1", "no rows; expected OFAC CSV rows")
        if not seen_eof_mark and not stream.tail.endswith((b"\n", b"\x1a")):
            raise OfacParseError(
                name, f"line {previous_line}", "file ends mid-row (truncated); expected CRLF"
            )


class _Prefixed(io.RawIOBase):
    """A binary stream with bytes already read put back in front (to sniff the head)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest
        self.tail = head  # the last bytes read, to tell a file cut mid-row

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        if chunk:
            self.tail = chunk
        return len(chunk)


@dataclass
class _SideRows:
    """ADD/ALT/COMMENTS rows keyed by ent_num, remembering where each came from."""

    path: Path
    by_entity: dict[str, list[_Row]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path | None, columns: int) -> _SideRows | None:
        if path is None:
            return None
        side = cls(path)
        for row in _rows(path, columns):
            side.by_entity.setdefault(row.cells[0].strip(), []).append(row)
        return side

    def take(self, ent_num: str) -> list[_Row]:
        return self.by_entity.pop(ent_num, [])

    def orphan_warnings(self, primary: str) -> list[str]:
        return [
            f"{self.path.name}:line {row.line}: ent_num {ent_num} not in {primary}"
            for ent_num, rows in self.by_entity.items()
            for row in rows
        ]


def _split_person_name(full: str) -> tuple[str | None, str | None]:
    """OFAC writes individuals `LAST, First Middle`: (family, given)."""
    family, comma, given = full.partition(",")
    if not comma or not family.strip() or not given.strip():
        return None, None
    return family.strip(), given.strip()


def _name(full: str, kind: NameKind, person: bool, note: str | None = None) -> Name:
    family, given = _split_person_name(full) if person else (None, None)
    return Name(full, kind=kind, family=family, given=given, note=note)


def split_programs(cell: str | None) -> tuple[str, ...]:
    """`NPWMD] [DPRK3` (OFAC's way of writing a list in one cell) -> ("NPWMD", "DPRK3")."""
    if not cell:
        return ()
    parts = (p.strip(" []") for p in cell.split("] ["))
    return tuple(dict.fromkeys(p for p in parts if p))


def _address(row: _Row) -> Address | None:
    street, city, country_text, note = (_cell(c) for c in row.cells[2:6])
    if not any((street, city, country_text, note)):
        return None
    code = country_code(country_text)
    full = ", ".join(p for p in (street, city, country_text) if p)
    if note:
        full = f"{full} ({note})" if full else note
    return Address(full=full or None, street=street, city=city, country=code)


def _vessel(cells: list[str], remarks: RemarkFields) -> VesselDetails:
    call_sign, vessel_type, tonnage, grt, flag_text, owner = (_cell(c) for c in cells[5:11])
    return VesselDetails(
        flag=country_code(flag_text),
        flag_text=flag_text,
        call_sign=call_sign,
        vessel_type=vessel_type,
        tonnage=tonnage,
        gross_registered_tonnage=grt,
        owner=owner,
    )


@dataclass
class _Files:
    list_id: str
    primary: Path
    add: _SideRows | None
    alt: _SideRows | None
    comments: _SideRows | None
    publisher_date: str | None


def _entity(row: _Row, files: _Files) -> Entity:
    cells = row.cells
    ent_num = cells[0].strip()
    where = f"line {row.line}"
    primary_name = _cell(cells[1])
    if primary_name is None:
        raise OfacParseError(files.primary.name, where, f"ent_num {ent_num} has no SDN_Name")
    type_text = (_cell(cells[2]) or "").lower()
    if type_text not in _TYPES:
        raise OfacParseError(
            files.primary.name,
            where,
            f"SDN_Type must be individual, vessel, aircraft or -0-, found {cells[2]!r}",
        )
    schema = _TYPES[type_text]
    person = schema is EntityType.PERSON
    title = _cell(cells[4])
    remarks_text = _cell(cells[11]) or ""
    if files.comments is not None:
        # SDN_COMMENTS.CSV carries the rest of a Remarks cut at 1,000 characters, mid-word.
        remarks_text += "".join(r.cells[1] for r in files.comments.take(ent_num))
    fields = parse_remarks(remarks_text, titles=(title,) if title else ())

    names = [_name(primary_name, NameKind.PRIMARY, person)]
    if files.alt is not None:
        for alt in files.alt.take(ent_num):
            alt_name = _cell(alt.cells[3])
            alt_type = (_cell(alt.cells[2]) or "aka").lower()
            if alt_name is None or alt_type not in _ALT_KINDS:
                raise OfacParseError(
                    files.alt.path.name,
                    f"line {alt.line}",
                    f"alias of ent_num {ent_num}: expected alt_type aka/fka/nka and a name",
                )
            kind, note = _ALT_KINDS[alt_type]
            alt_note = _cell(alt.cells[4])
            names.append(_name(alt_name, kind, person, note or alt_note))
    names.extend(
        _name(n.full, n.kind, person, n.note) for n in fields.names if n.full != primary_name
    )

    addresses: list[Address] = []
    if files.add is not None:
        addresses = [a for a in map(_address, files.add.take(ent_num)) if a is not None]

    identifiers = list(fields.identifiers)
    links = list(fields.links)
    vessel = None
    if schema is EntityType.VESSEL or any(_cell(c) for c in cells[5:11]):
        vessel = _vessel(cells, fields)
        if vessel.call_sign:
            identifiers.append(Identifier(IdKind.CALL_SIGN, vessel.call_sign, country=vessel.flag))
        if vessel.owner:
            links.append(Link("owner", vessel.owner))
    aircraft = None
    if schema is EntityType.AIRCRAFT or fields.aircraft_model or fields.aircraft_operator:
        aircraft = AircraftDetails(
            model=fields.aircraft_model,
            manufacture_date=fields.aircraft_manufacture_date,
            operator=fields.aircraft_operator,
        )
        if fields.aircraft_operator:
            links.append(Link("operator", fields.aircraft_operator))

    entity = Entity(
        id=entity_id(files.list_id, ent_num),
        schema=schema,
        names=tuple(dict.fromkeys(names)),
        provenance=Provenance(
            list_id=files.list_id,
            source_file=files.primary.name.removesuffix(".gz"),
            source_record_id=ent_num,
            publisher_date=files.publisher_date,
        ),
        programs=split_programs(_cell(cells[3])),
        birth_dates=tuple(fields.birth_dates),
        birth_places=tuple(fields.birth_places),
        nationalities=tuple(fields.nationalities),
        citizenships=tuple(fields.citizenships),
        gender=fields.gender,
        positions=(title,) if title else (),
        addresses=tuple(dict.fromkeys(addresses)),
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


def _stream(files: _Files, warnings: list[str]) -> Iterator[Entity]:
    seen: set[str] = set()
    primary = files.primary.name
    for row in _rows(files.primary, _PRIMARY_COLUMNS):
        ent_num = row.cells[0].strip()
        if ent_num in seen:
            raise OfacParseError(primary, f"line {row.line}", f"duplicate ent_num {ent_num}")
        seen.add(ent_num)
        yield _entity(row, files)
    for side in (files.add, files.alt, files.comments):
        if side is not None:
            warnings.extend(side.orphan_warnings(primary))


def _read(
    list_id: str,
    primary: Path,
    add: Path | None,
    alt: Path | None,
    comments: Path | None,
    publisher_date: str | None,
) -> ParsedList:
    files = _Files(
        list_id=list_id,
        primary=primary,
        add=_SideRows.read(add, _ADD_COLUMNS),
        alt=_SideRows.read(alt, _ALT_COLUMNS),
        comments=_SideRows.read(comments, _COMMENT_COLUMNS),
        publisher_date=publisher_date,
    )
    warnings: list[str] = []
    paths = tuple(p for p in (primary, add, alt, comments) if p is not None)
    return ParsedList(list_id, publisher_date, paths, _stream(files, warnings), warnings)


def read_sdn_csv(
    sdn: Path,
    add: Path | None = None,
    alt: Path | None = None,
    comments: Path | None = None,
    *,
    publisher_date: str | None = None,
) -> ParsedList:
    """Parse OFAC's SDN.CSV (plus its ADD/ALT/SDN_COMMENTS side files) as list `ofac_sdn`.

    The side files are read and checked at once; SDN.CSV is streamed as the entities are
    consumed. OFAC's CSVs carry no date, so `publisher_date` is whatever the caller knows.
    """
    return _read("ofac_sdn", sdn, add, alt, comments, publisher_date)


def read_cons_csv(
    prim: Path,
    add: Path | None = None,
    alt: Path | None = None,
    comments: Path | None = None,
    *,
    publisher_date: str | None = None,
) -> ParsedList:
    """Parse OFAC's consolidated non-SDN CSV set (CONS_PRIM/ADD/ALT/COMMENTS) as `ofac_cons`."""
    return _read("ofac_cons", prim, add, alt, comments, publisher_date)
