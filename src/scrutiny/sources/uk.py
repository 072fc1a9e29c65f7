"""UK HM Treasury OFSI Consolidated List (ConList.xlsx, or its CSV twin ConList.csv).

The list is one row per *name*: a designated party with three aliases, two dates of birth and
two addresses is spread over several rows that repeat the other columns. Rows sharing a
"Group ID" are one designation, so the parser reads every row first and then folds each group
into one `Entity` (union of names, dates of birth, nationalities, documents, addresses).

Both forms start with a "Last Updated dd/mm/yyyy" line (the publisher date) followed by the
header row. The xlsx is recognised by its zip signature, anything else is read as CSV.
Multi-valued cells number their values: "(1) Germany. (2) Morocco".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from scrutiny.countries import country_code
from scrutiny.errors import ListParseError
from scrutiny.model import (
    Address,
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
from scrutiny.sources._common import script_of

LIST_ID = "uk_ofsi"
ZIP_MAGIC = b"PK\x03\x04"

COLUMNS: tuple[str, ...] = (
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
)

_GROUP_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}
_ALIAS_TYPES = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.STRONG_ALIAS,
    "aka": NameKind.STRONG_ALIAS,
    "fka": NameKind.FORMER,
}
# Honorifics carry no identifying information, unlike ranks and offices ("Colonel General").
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss"})
# Labels OFSI uses inside "Other Information"; parentheses elsewhere in the free text
# ("(2022)", "(QDe.115)") are not labels, so only these split the text.
_OTHER_INFO_KEYS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Email address",
    "Type of entity",
    "Website",
    "Parent company",
    "Business Reg No",
    "Subsidiaries",
    "IMO number",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Current owners",
    "Fax",
    "Tel",
)
_OTHER_INFO_RE = re.compile(r"\((" + "|".join(map(re.escape, _OTHER_INFO_KEYS)) + r")\):")
_NUMBERED_RE = re.compile(r"\(\d+(?:-\d+)?\)")
_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DOB_RE = re.compile(r"(?:(\d{2})/)?(?:(\d{2})/)?(\d{4})")
_LAST_UPDATED_RE = re.compile(r"last updated\W*(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_UK_REF_RE = re.compile(r"[A-Z]{3}\d{4}")
# OFSI sometimes spaces the reference ("CDi. 038"); it is kept in the UN's own spelling.
_UN_REF_RE = re.compile(r"([A-Z]{2}[ie])\s*\.\s*(\d{3})")
_IMO_RE = re.compile(r"\d{7}")
_EMAIL_RE = re.compile(r"[^\s;,()]+@[^\s;,()]+")
# OFSI's "Non-Latin Script Type" column is free text with typos ("Cryillic") and often empty,
# so the characters decide the script (sources._common.script_of).


class UkParseError(ListParseError):
    """The OFSI consolidated list file (xlsx or CSV) is not as OFSI publishes it."""


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def read_uk_conlist(path: Path) -> ParsedList:
    """Parse ConList.xlsx or ConList.csv (plain or .gz) into one entity per Group ID."""
    with open_source(path) as handle:
        try:
            raw = handle.read()
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip
            raise UkParseError(str(path), None, f"cannot read: {exc}") from exc
    if not raw.strip():
        raise UkParseError(str(path), None, "file is empty; expected the OFSI consolidated list")
    if raw.startswith(ZIP_MAGIC):
        table = _xlsx_rows(path, raw)
        encoding = "xlsx"
    else:
        table, encoding = _csv_rows(path, raw)
    publisher_date, rows = _check_layout(path, table, encoding)
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        group_id = row["Group ID"]
        if not group_id:
            raise UkParseError(str(path), f"line {row.line}", "empty Group ID")
        groups.setdefault(group_id, []).append(row)
    parsed = ParsedList(
        list_id=LIST_ID,
        publisher_date=publisher_date,
        files=(path,),
        entities=iter(()),
    )
    parsed.entities = _entities(path, publisher_date, groups, parsed.warnings)
    return parsed


# --- reading the table -----------------------------------------------------------------------


def _cell(value: Any) -> str:
    """One cell as text; the xlsx stores everything as text today, but dates may turn up."""
    if type(value) is str:  # nearly every cell: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path, raw: bytes) -> list[tuple[int, list[str]]]:
    # calamine (Rust) reads the 18,800-row ConList about 5x faster than openpyxl's read-only
    # mode, which made the UK list the slowest of all lists to load.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        if not workbook.sheet_names:
            raise UkParseError(str(path), None, "xlsx workbook has no sheet")
        # calamine raises its own error types (and ValueError/TypeError) on damaged parts of
        # a workbook; all mean the same to the user: this workbook is not a readable ConList.
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except UkParseError:
        raise
    except Exception as exc:
        raise UkParseError(str(path), None, f"not a readable xlsx workbook: {exc}") from exc
    return [(number, [_cell(v) for v in values]) for number, values in enumerate(rows, start=1)]


def _csv_rows(path: Path, raw: bytes) -> tuple[list[tuple[int, list[str]]], str]:
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # OFSI's older CSVs are Windows-1252/latin-1; latin-1 decodes any byte string.
        text, encoding = raw.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise UkParseError(str(path), None, f"NUL byte in CSV text (read as {encoding})")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            rows.append((reader.line_num, [v.strip() for v in values]))
    except csv.Error as exc:
        where = f"line {reader.line_num}"
        raise UkParseError(str(path), where, f"bad CSV ({exc}; read as {encoding})") from exc
    return rows, encoding


def _check_layout(
    path: Path, table: list[tuple[int, list[str]]], encoding: str
) -> tuple[str, list[_Row]]:
    """Publisher date from the first line, header check, rows as dicts keyed by column."""
    if len(table) < 2:
        raise UkParseError(
            str(path),
            None,
            f"expected a 'Last Updated dd/mm/yyyy' line, then the header row ({encoding})",
        )
    first_line, first = table[0]
    match = _LAST_UPDATED_RE.search(" ".join(v for v in first if v))
    if match is None:
        raise UkParseError(
            str(path), f"line {first_line}", f"expected 'Last Updated dd/mm/yyyy' ({encoding})"
        )
    publisher_date = _date(path, f"line {first_line}", match.group(1))
    header_line, header = table[1]
    while header and not header[-1]:
        header = header[:-1]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UkParseError(
            str(path),
            f"line {header_line}",
            f"header lacks column(s) {', '.join(missing)} (read as {encoding})",
        )
    rows: list[_Row] = []
    for line, values in table[2:]:
        if not any(values):
            continue
        if len(values) > len(header) and not any(values[len(header) :]):
            values = values[: len(header)]
        if len(values) != len(header):
            raise UkParseError(
                str(path),
                f"line {line}",
                f"expected {len(header)} columns, found {len(values)} (read as {encoding})",
            )
        rows.append(_Row(line, dict(zip(header, values, strict=True))))
    return publisher_date, rows


# --- values ----------------------------------------------------------------------------------


def _date(path: Path, where: str, text: str) -> str:
    match = _DATE_RE.fullmatch(text.strip())
    if match is None:
        raise UkParseError(str(path), where, f"expected a dd/mm/yyyy date, found {text!r}")
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise UkParseError(str(path), where, f"invalid date {text!r}: {exc}") from exc


def _birth_date(path: Path, where: str, text: str) -> BirthDate:
    """DOB as 'dd/mm/yyyy', 'mm/yyyy' or 'yyyy', where 00 marks an unknown day or month."""
    match = _DOB_RE.fullmatch(text.strip())
    if match is None:
        raise UkParseError(str(path), where, f"expected DOB as dd/mm/yyyy, found {text!r}")
    first, second, year = match.groups()
    day, month = (first, second) if second is not None else (None, first)
    if month in (None, "00"):
        return BirthDate(date=year)
    if day in (None, "00"):
        if not 1 <= int(month) <= 12:
            raise UkParseError(str(path), where, f"invalid month in DOB {text!r}")
        return BirthDate(date=f"{year}-{month}")
    try:
        return BirthDate(date=dt.date(int(year), int(month), int(day)).isoformat())
    except ValueError as exc:
        raise UkParseError(str(path), where, f"invalid DOB {text!r}: {exc}") from exc


def _clean(value: str) -> str:
    value = value.strip().rstrip(".;,").strip()
    return "" if value == "-" else value


def _numbered(text: str) -> list[str]:
    """Split '(1) a (2) b' into ['a', 'b'], keeping '' for '-' so numbers pair with details."""
    if not text.strip():
        return []
    if not _NUMBERED_RE.search(text):
        return [_clean(text)]
    head, *items = _NUMBERED_RE.split(text)
    values = [_clean(item) for item in items]
    return [_clean(head), *values] if _clean(head) else values


def _split(text: str) -> list[str]:
    return [v for v in _numbered(text) if v]


@cache
def _language(label: str) -> str | None:
    for part in re.split(r"[/,]", label):
        language = pycountry.languages.get(name=part.strip())
        if language is not None:
            return getattr(language, "alpha_2", None) or language.alpha_3
    return None


def _other_info(text: str) -> dict[str, list[str]]:
    """Labelled values of the Other Information cell; text before any label under ''."""
    parts = _OTHER_INFO_RE.split(text)
    found: dict[str, list[str]] = {}
    if parts[0].strip():
        found[""] = [parts[0].strip()]
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        found.setdefault(key, []).append(value.strip())
    return found


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


# --- groups -> entities ----------------------------------------------------------------------


def _entities(
    path: Path, publisher_date: str, groups: dict[str, list[_Row]], warnings: list[str]
) -> Iterator[Entity]:
    for group_id, rows in groups.items():
        yield seal(_entity(path, publisher_date, group_id, rows, warnings))


def _entity(
    path: Path, publisher_date: str, group_id: str, rows: Sequence[_Row], warnings: list[str]
) -> Entity:
    first = rows[0]
    where = f"line {first.line} (Group ID {group_id})"
    group_types = {r["Group Type"].casefold() for r in rows}
    if len(group_types) != 1 or next(iter(group_types)) not in _GROUP_TYPES:
        raise UkParseError(
            str(path),
            where,
            f"Group Type must be one of Individual/Entity/Ship, found {group_types}",
        )
    schema = _GROUP_TYPES[next(iter(group_types))]
    info = _merge_info(rows)
    listing_dates = sorted(
        _date(path, f"line {r.line}", r["Listed On"]) for r in rows if r["Listed On"]
    )
    vessel = _vessel(info) if schema is EntityType.VESSEL else None
    identifiers = _identifiers(rows, info, schema)
    gender = next((g.casefold() for g in info.get("Gender", ()) if g), None)
    return Entity(
        id=entity_id(LIST_ID, group_id),
        schema=schema,
        names=_names(path, rows, schema),
        provenance=Provenance(
            list_id=LIST_ID,
            source_file=path.name,
            source_record_id=group_id,
            publisher_date=publisher_date,
        ),
        programs=_unique(r["Regime"] for r in rows),
        listing_date=listing_dates[0] if listing_dates else None,
        birth_dates=_unique(
            _birth_date(path, f"line {r.line}", r["DOB"]) for r in rows if r["DOB"]
        ),
        birth_places=_unique(p for r in rows for p in _birth_places(r)),
        nationalities=_countries(rows, "Nationality", group_id, warnings),
        gender=gender if gender in ("male", "female") else None,
        positions=_unique(p for r in rows for p in _positions(r)),
        addresses=_unique(_address(r) for r in rows),
        identifiers=identifiers,
        links=_links(info),
        websites=_unique(w for v in info.get("Website", ()) for w in _split(v)),
        # Several addresses often share one cell: "a@x.com. b@y.com".
        emails=_unique(
            m.rstrip(".") for v in info.get("Email address", ()) for m in _EMAIL_RE.findall(v)
        ),
        phones=_unique(
            p for key in ("Phone number", "Tel") for v in info.get(key, ()) for p in _split(v)
        ),
        vessel=vessel,
        remarks="\n".join(_unique(r["Other Information"] for r in rows)) or None,
        references=_unique(
            [
                *(
                    m.group()
                    for v in info.get("UK Sanctions List Ref", ())
                    if (m := _UK_REF_RE.match(v))
                ),
                *(f"{m[1]}.{m[2]}" for v in info.get("UN Ref", ()) if (m := _UN_REF_RE.match(v))),
            ]
        ),
    )


def _merge_info(rows: Sequence[_Row]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for text in _unique(r["Other Information"] for r in rows):
        for key, values in _other_info(text).items():
            bucket = merged.setdefault(key, [])
            bucket.extend(v for v in values if v not in bucket)
    return merged


def _names(path: Path, rows: Sequence[_Row], schema: EntityType) -> tuple[Name, ...]:
    names: list[Name] = []
    for row in rows:
        alias_type = row["Alias Type"].casefold()
        if alias_type not in _ALIAS_TYPES:
            raise UkParseError(
                str(path),
                f"line {row.line}",
                f"unknown Alias Type {row['Alias Type']!r}; expected Primary name, "
                "Primary name variation, AKA or FKA",
            )
        kind = _ALIAS_TYPES[alias_type]
        quality = row["Alias Quality"]
        if kind is NameKind.STRONG_ALIAS and quality.casefold().startswith("low"):
            kind = NameKind.WEAK_ALIAS
        note = ", ".join(v for v in (row["Alias Type"], quality) if v)
        given_parts = [row[f"Name {i}"] for i in range(1, 6) if row[f"Name {i}"]]
        family = row["Name 6"]
        full = " ".join([*given_parts, family]).strip()
        if full:
            if schema is EntityType.PERSON:
                names.append(
                    Name(
                        full=full,
                        kind=kind,
                        given=" ".join(given_parts) or None,
                        # Without Name 1-5 OFSI puts the whole name in Name 6, so it is
                        # not known to be a surname.
                        family=(family or None) if given_parts else None,
                        middle=" ".join(given_parts[1:]) or None,
                        note=note,
                    )
                )
            else:
                names.append(Name(full=full, kind=kind, note=note))
        original = row["Name Non-Latin Script"]
        if original:
            script_label = row["Non-Latin Script Type"]
            names.append(
                Name(
                    full=original,
                    # The original-script form sits beside the Latin primary name; it is
                    # the same name, so it counts as a strong alias rather than a second primary.
                    kind=NameKind.STRONG_ALIAS if kind is NameKind.PRIMARY else kind,
                    script=script_of(original),
                    lang=_language(row["Non-Latin Script Language"])
                    if row["Non-Latin Script Language"]
                    else None,
                    note=" ".join(v for v in ("non-Latin script", script_label) if v),
                )
            )
    if not names:
        raise UkParseError(str(path), f"line {rows[0].line}", "group has no name in Name 1-6")
    unique = _unique(names)
    # Primary names first so `Entity.primary_name` is OFSI's primary name.
    return tuple(sorted(unique, key=lambda n: n.kind is not NameKind.PRIMARY))


def _birth_places(row: _Row) -> list[str]:
    towns, countries = _numbered(row["Town of Birth"]), _numbered(row["Country of Birth"])
    if len(towns) == len(countries):
        pairs = [", ".join(p for p in pair if p) for pair in zip(towns, countries, strict=True)]
        return [p for p in pairs if p]
    return [v for v in (*towns, *countries) if v]


def _countries(
    rows: Sequence[_Row], column: str, group_id: str, warnings: list[str]
) -> tuple[str, ...]:
    codes: list[str] = []
    for text in _unique(r[column] for r in rows):
        for value in _split(text):
            code = country_code(value)
            # "Germany. Russia" / "Estonia, Russia": two countries without numbering.
            parts = [code] if code else [country_code(p) for p in re.split(r"[.,;]", value)]
            if code is None and (len(parts) < 2 or None in parts):
                warnings.append(f"Group ID {group_id}: {column} {value!r} is not a known country")
            else:
                codes.extend(c for c in parts if c)
    return _unique(codes)


def _positions(row: _Row) -> list[str]:
    titles = [t for t in _split(row["Title"]) if t.casefold() not in _HONORIFICS]
    return [*titles, *_split(row["Position"])]


def _address(row: _Row) -> Address | None:
    # Address lines often end in a comma that the join would double.
    raw_lines = (row[f"Address {i}"].strip().rstrip(",").strip() for i in range(1, 7))
    lines = [line for line in raw_lines if line]
    postal, country = row["Post/Zip Code"], row["Country"]
    if not (lines or postal or country):
        return None
    return Address(
        full=", ".join([*lines, postal, country]).replace(", , ", ", ").strip(", "),
        street=", ".join(lines) or None,
        postal_code=postal or None,
        country=country_code(country),
    )


def _documents(kind: IdKind, numbers: str, details: str) -> list[Identifier]:
    values, notes = _numbered(numbers), _numbered(details)
    found: list[Identifier] = []
    for index, value in enumerate(values):
        if not value:
            continue
        note = notes[index] if len(notes) == len(values) else details
        found.append(
            Identifier(kind=kind, value=value, country=_document_country(note), note=note or None)
        )
    return found


def _document_country(note: str) -> str | None:
    """Issuing country when the details start with it ('India number, issued ...')."""
    head = re.split(r"[,.(]| number| passport| national", note, maxsplit=1)[0]
    return country_code(head) if head else None


def _identifiers(
    rows: Sequence[_Row], info: dict[str, list[str]], schema: EntityType
) -> tuple[Identifier, ...]:
    found: list[Identifier] = []
    for row in rows:
        found += _documents(IdKind.PASSPORT, row["Passport Number"], row["Passport Details"])
        found += _documents(
            IdKind.NATIONAL_ID,
            row["National Identification Number"],
            row["National Identification Details"],
        )
    for value in info.get("Business Reg No", ()):
        found += [Identifier(IdKind.REGISTRATION, v) for v in _split(value)]
    if schema is EntityType.VESSEL:
        for value in info.get("IMO number", ()):
            if match := _IMO_RE.search(value):
                found.append(Identifier(IdKind.IMO, match.group()))
    return _unique(found)


def _vessel(info: dict[str, list[str]]) -> VesselDetails:
    def first(key: str) -> str | None:
        values = info.get(key)
        return values[0].rstrip(".").strip() or None if values else None

    flag_text = first("Flag of ship")
    return VesselDetails(
        flag=country_code(flag_text),
        flag_text=flag_text,
        vessel_type=first("Type of ship"),
        tonnage=first("Tonnage of ship"),
        owner=first("Current owners"),
    )


def _links(info: dict[str, list[str]]) -> tuple[Link, ...]:
    links: list[Link] = []
    for key, relation in (
        ("Current owners", "owner"),
        ("Parent company", "parent"),
        ("Subsidiaries", "subsidiary"),
    ):
        for value in info.get(key, ()):
            for name in _split(value) if _NUMBERED_RE.search(value) else value.splitlines():
                if name.strip(" ."):
                    links.append(Link(relation=relation, target_name=name.strip(" .")))
    return _unique(links)
