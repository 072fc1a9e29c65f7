"""UN 1718 Committee "Designated Vessels List" (table form) -> vessels of list "un_1718_vessels".

Columns: imo_number, vessel_names, mmsi, date_of_designation. A row names the vessel's current
name first and then the names it sailed under before ("Blue Nouvelle; Greenlight; Chong Bong"),
and lists every MMSI it has used. One vessel has no IMO number ("Does not exist").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from scrutiny.errors import ListParseError
from scrutiny.ids import imo_valid, mmsi_valid, normalize_imo, normalize_mmsi
from scrutiny.model import (
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
from scrutiny.sources import ParsedList, open_source
from scrutiny.sources._common import clean, script_of
from scrutiny.sources._dates import short_date
from scrutiny.sources.un import UnParseError

LIST_ID = "un_1718_vessels"
PROGRAM = "DPRK"  # the UN_LIST_TYPE code of the 1718 regime in the consolidated list
_COLUMNS = ("imo_number", "vessel_names", "mmsi", "date_of_designation")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_SLUG = re.compile(r"[^A-Z0-9]+")


def read_1718_vessels(path: Path, *, publisher_date: str | None = None) -> ParsedList:
    """Parse the 1718 designated vessels table (CSV, plain or gzip) into VESSEL entities.

    The publisher date is the list's own date; the table does not carry it, so it is taken
    from `publisher_date` or else from a YYYY-MM-DD in the file name.
    """
    if publisher_date is None:
        found = _DATE_IN_NAME.search(path.name)
        publisher_date = found.group(1) if found else None
    try:
        with open_source(path) as handle:
            raw = handle.read()
    except ListParseError as exc:
        raise UnParseError(str(path), None, exc.problem) from exc
    except (OSError, EOFError) as exc:
        raise UnParseError(path.name, None, f"unreadable or truncated file: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnParseError(path.name, None, f"not UTF-8 text: {exc.reason}") from exc
    parsed = ParsedList(
        list_id=LIST_ID, publisher_date=publisher_date, files=(path,), entities=iter(())
    )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise UnParseError(path.name, None, f"empty file: expected a header {','.join(_COLUMNS)}")
    header = tuple(c.strip() for c in rows[0])
    if header != _COLUMNS:
        raise UnParseError(
            path.name, "line 1", f"expected header {','.join(_COLUMNS)}, found {','.join(header)}"
        )
    parsed.entities = _vessels(path.name, rows[1:], parsed)
    return parsed


def _split(cell: str) -> list[str]:
    return [v for part in cell.split(";") if (v := clean(part))]


def _vessels(file: str, rows: list[list[str]], parsed: ParsedList) -> Iterator[Entity]:
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(_COLUMNS):
            raise UnParseError(
                file, f"line {line}", f"expected {len(_COLUMNS)} columns, found {len(row)}"
            )
        imo_cell, names_cell, mmsi_cell, date_cell = row
        names = _split(names_cell)
        if not names:
            raise UnParseError(file, f"line {line}", "vessel_names is empty")
        identifiers: list[Identifier] = []
        imo_text = clean(imo_cell) or ""
        imo = normalize_imo(imo_text)
        if imo is not None:
            if not imo_valid(imo):
                parsed.warnings.append(f"{file}:line {line}: IMO {imo} fails the check digit")
            identifiers.append(Identifier(IdKind.IMO, imo))
        elif imo_text and not imo_text.lower().startswith("does not"):
            raise UnParseError(file, f"line {line}", f"imo_number {imo_cell!r} is not 7 digits")
        for value in _split(mmsi_cell):
            mmsi = normalize_mmsi(value)
            if mmsi is None or not mmsi_valid(mmsi):
                parsed.warnings.append(f"{file}:line {line}: MMSI {value!r} is not a ship MMSI")
                continue
            identifiers.append(Identifier(IdKind.MMSI, mmsi))
        listing_date = short_date(date_cell)
        if clean(date_cell) and listing_date is None:
            raise UnParseError(
                file, f"line {line}", f"date_of_designation {date_cell!r} is not like 30-Mar-18"
            )
        # The IMO number is the vessel's lasting identity; without one, its name is.
        record_id = imo or _SLUG.sub("-", names[0].upper()).strip("-")
        if record_id in seen:
            raise UnParseError(file, f"line {line}", f"vessel {record_id} is listed twice")
        seen.add(record_id)
        entity = Entity(
            id=entity_id(LIST_ID, record_id),
            schema=EntityType.VESSEL,
            names=tuple(
                Name(
                    full=name,
                    kind=NameKind.PRIMARY if i == 0 else NameKind.FORMER,
                    script=script_of(name),
                )
                for i, name in enumerate(names)
            ),
            provenance=Provenance(
                list_id=LIST_ID,
                source_file=file,
                source_record_id=record_id,
                publisher_date=parsed.publisher_date,
            ),
            programs=(PROGRAM,),
            listing_date=listing_date,
            identifiers=tuple(identifiers),
        )
        yield seal(entity)
