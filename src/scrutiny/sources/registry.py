"""Recognising list files in a mirror folder and handing each list to its parser.

Files are recognised by the names their publishers give them (case-insensitive, plain or
.gz). XML files are recognised by their root element instead, because OFAC's consolidated
non-SDN file and the UN list are both published as `consolidated.xml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from scrutiny.errors import ListParseError, UnknownFormatError
from scrutiny.sources import ParsedList, logical_name, open_source

EU_NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"


class ListFormat(StrEnum):
    OFAC_SDN_CSV = "ofac_sdn_csv"
    OFAC_CONS_CSV = "ofac_cons_csv"
    OFAC_XML = "ofac_xml"
    UN_XML = "un_xml"
    UN_1718_VESSELS = "un_1718_vessels_csv"
    EU_XML = "eu_xml"
    UK_CONLIST = "uk_conlist"
    FTM = "ftm"


# OFAC CSV sets: logical file name -> (format, role). The "primary" file makes the list;
# side files join it by entity number and need a primary file in the same folder.
_OFAC_CSV: Mapping[str, tuple[ListFormat, str]] = MappingProxyType(
    {
        "SDN.CSV": (ListFormat.OFAC_SDN_CSV, "primary"),
        "ADD.CSV": (ListFormat.OFAC_SDN_CSV, "add"),
        "ALT.CSV": (ListFormat.OFAC_SDN_CSV, "alt"),
        "SDN_COMMENTS.CSV": (ListFormat.OFAC_SDN_CSV, "comments"),
        "CONS_PRIM.CSV": (ListFormat.OFAC_CONS_CSV, "primary"),
        "CONS_ADD.CSV": (ListFormat.OFAC_CONS_CSV, "add"),
        "CONS_ALT.CSV": (ListFormat.OFAC_CONS_CSV, "alt"),
        "CONS_COMMENTS.CSV": (ListFormat.OFAC_CONS_CSV, "comments"),
    }
)
_CSV_LIST_ID = {ListFormat.OFAC_SDN_CSV: "ofac_sdn", ListFormat.OFAC_CONS_CSV: "ofac_cons"}
_UK_NAME = re.compile(r"^CONLIST.*\.(XLSX|CSV)$")
_FTM_NAME = re.compile(r"^(?P<dataset>.+)\.FTM\.JSONL?$")
_UN_VESSELS_NAME = re.compile(r"1718.*VESSEL.*\.CSV$")
_KNOWN = (
    "known: SDN.CSV, CONS_PRIM.CSV and their side files, OFAC/UN/EU XML, ConList.xlsx/.csv, "
    "*.ftm.json[l], UN 1718 vessels CSV"
)


@dataclass(frozen=True)
class ListSource:
    """One list found in a folder: its id, format and files (the primary file first)."""

    list_id: str
    format: ListFormat
    files: tuple[Path, ...]
    # OFAC CSV sets: role ("primary", "add", "alt", "comments") -> file
    parts: Mapping[str, Path] = field(default_factory=dict)
    publisher_date: str | None = None  # only for formats whose files carry no date

    def read(self) -> ParsedList:
        """Open the files with this format's parser (imported here, on first use)."""
        try:
            return self._read()
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("scrutiny.sources."):
                raise
            raise UnknownFormatError(
                str(self.files[0]), None, f"no parser installed for {self.format} ({exc.name})"
            ) from exc

    def _read(self) -> ParsedList:
        path = self.files[0]
        if self.format in (ListFormat.OFAC_SDN_CSV, ListFormat.OFAC_CONS_CSV):
            from scrutiny.sources import ofac_csv

            reader = (
                ofac_csv.read_sdn_csv
                if self.format is ListFormat.OFAC_SDN_CSV
                else ofac_csv.read_cons_csv
            )
            return reader(
                self.parts["primary"],
                self.parts.get("add"),
                self.parts.get("alt"),
                self.parts.get("comments"),
                publisher_date=self.publisher_date,
            )
        if self.format is ListFormat.OFAC_XML:
            from scrutiny.sources.ofac_xml import read_ofac_xml

            return read_ofac_xml(path, list_id=self.list_id)
        if self.format is ListFormat.UN_XML:
            from scrutiny.sources.un import read_un_xml

            return read_un_xml(path)
        if self.format is ListFormat.UN_1718_VESSELS:
            from scrutiny.sources.un_vessels import read_1718_vessels

            return read_1718_vessels(path)
        if self.format is ListFormat.EU_XML:
            from scrutiny.sources.eu import read_eu_xml

            return read_eu_xml(path)
        if self.format is ListFormat.UK_CONLIST:
            from scrutiny.sources.uk import read_uk_conlist

            return read_uk_conlist(path)
        from scrutiny.sources.ftm import read_ftm

        return read_ftm(path, dataset=self.list_id)


@dataclass
class Discovery:
    """What a folder holds: the lists recognised, and the files that could not be used."""

    sources: list[ListSource] = field(default_factory=list)
    problems: list[ListParseError] = field(default_factory=list)


def _xml_root(path: Path) -> str:
    """The root element's tag ("{namespace}name" or "name"), reading only the file's head."""
    try:
        with open_source(path) as handle:
            for _event, element in etree.iterparse(handle, events=("start",)):
                return str(element.tag)
    except (etree.XMLSyntaxError, OSError, EOFError) as exc:
        raise UnknownFormatError(str(path), None, f"not readable as XML: {exc}") from exc
    raise UnknownFormatError(str(path), None, "empty XML file")


def _classify_xml(path: Path) -> ListSource:
    root = _xml_root(path)
    local = etree.QName(root).localname
    if local == "sdnList":
        name = logical_name(path)
        # OFAC publishes sdn.xml (SDN list) and consolidated.xml (non-SDN lists).
        list_id = "ofac_cons" if "CONS" in name or "NONSDN" in name else "ofac_sdn"
        return ListSource(list_id, ListFormat.OFAC_XML, (path,))
    if local == "CONSOLIDATED_LIST":
        return ListSource("un_sc", ListFormat.UN_XML, (path,))
    if local == "export" and etree.QName(root).namespace == EU_NAMESPACE:
        return ListSource("eu_fsf", ListFormat.EU_XML, (path,))
    raise UnknownFormatError(
        str(path),
        None,
        f"XML root <{local}> is not OFAC sdnList, UN CONSOLIDATED_LIST or EU export",
    )


def _classify(path: Path) -> ListSource | tuple[ListFormat, str]:
    """A single-file list, or (format, role) of a file in an OFAC CSV set."""
    name = logical_name(path)
    if name in _OFAC_CSV:
        return _OFAC_CSV[name]
    if name.endswith(".XML"):
        return _classify_xml(path)
    if _UK_NAME.match(name):
        return ListSource("uk_ofsi", ListFormat.UK_CONLIST, (path,))
    if ftm := _FTM_NAME.match(name):
        # FtM datasets are named by the user: keep the name's own case.
        dataset = path.name[: len(ftm.group("dataset"))]
        return ListSource(dataset, ListFormat.FTM, (path,))
    if _UN_VESSELS_NAME.search(name):
        return ListSource("un_1718_vessels", ListFormat.UN_1718_VESSELS, (path,))
    raise UnknownFormatError(str(path), None, f"not a recognised list file ({_KNOWN})")


def scan(folder: Path) -> Discovery:
    """Recognise every list file under `folder` (recursively; hidden files are skipped)."""
    if not folder.is_dir():
        raise UnknownFormatError(str(folder), None, "not a folder")
    found = Discovery()
    csv_sets: dict[tuple[Path, ListFormat], dict[str, Path]] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        try:
            classified = _classify(path)
        except UnknownFormatError as exc:
            found.problems.append(exc)
            continue
        if isinstance(classified, ListSource):
            found.sources.append(classified)
            continue
        list_format, role = classified
        roles = csv_sets.setdefault((path.parent, list_format), {})
        if role in roles:  # e.g. SDN.CSV and SDN.CSV.gz side by side
            found.problems.append(
                ListParseError(str(path), None, f"a second {role} file beside {roles[role]}")
            )
            continue
        roles[role] = path
    for (parent, list_format), roles in csv_sets.items():
        if "primary" not in roles:
            primary = "SDN.CSV" if list_format is ListFormat.OFAC_SDN_CSV else "CONS_PRIM.CSV"
            for side in roles.values():
                found.problems.append(
                    UnknownFormatError(str(side), None, f"side file without {primary} in {parent}")
                )
            continue
        order = ("primary", "add", "alt", "comments")
        files = tuple(roles[role] for role in order if role in roles)
        found.sources.append(
            ListSource(_CSV_LIST_ID[list_format], list_format, files, MappingProxyType(roles))
        )
    _drop_duplicates(found)
    found.sources.sort(key=lambda source: (source.list_id, str(source.files[0])))
    return found


def _drop_duplicates(found: Discovery) -> None:
    """Two sources for one list in one folder would load as alternating versions: keep one.

    CSV sets are preferred to XML for OFAC (they are what scrutiny's deltas were tested on);
    otherwise the first file in path order wins.
    """
    chosen: dict[str, ListSource] = {}
    ranked = sorted(
        found.sources,
        key=lambda s: (s.format is ListFormat.OFAC_XML, str(s.files[0])),
    )
    for source in ranked:
        if source.list_id in chosen:
            found.problems.append(
                ListParseError(
                    str(source.files[0]),
                    None,
                    f"a second source for list {source.list_id} "
                    f"(using {chosen[source.list_id].files[0]}); skipped",
                )
            )
            continue
        chosen[source.list_id] = source
    found.sources = list(chosen.values())


def discover(folder: Path, *, strict: bool = True) -> list[ListSource]:
    """The lists in `folder`, one `ListSource` per list.

    With `strict` (the default) a file that is not a known list raises its
    `UnknownFormatError` (naming the file); `strict=False` skips such files — use `scan` to
    see them.
    """
    found = scan(folder)
    if strict and found.problems:
        raise found.problems[0]
    return found.sources


__all__ = ["Discovery", "ListFormat", "ListSource", "discover", "scan"]
