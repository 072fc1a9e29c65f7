"""Parsers for the official sanctions list formats, one module per format.

Every parser turns one list (one file, or the set of files that together make one list, such
as OFAC's SDN.CSV + ADD.CSV + ALT.CSV + SDN_COMMENTS.CSV) into a `ParsedList`: the list's id,
its publisher date and a stream of sealed `Entity` records. Parsers read files plain or
gzip-compressed (`open_source`), stream (lxml iterparse for XML), and raise their own
subclass of `ListParseError` naming the file, line or record and what was expected.
Problems that do not stop the load (e.g. an ADD.CSV row whose entity number is not in
SDN.CSV) are reported in `ParsedList.warnings` rather than silently dropped.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scrutiny.errors import ListParseError
from scrutiny.model import Entity

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class ParsedList:
    """One list version as parsed from its files.

    `entities` is a one-shot iterator; `warnings` fills while it is consumed.
    """

    list_id: str
    publisher_date: str | None  # ISO date from the file, when it carries one
    files: tuple[Path, ...]
    entities: Iterator[Entity]
    warnings: list[str] = field(default_factory=list)


def open_source(path: Path) -> IO[bytes]:
    """Open a list file for binary reading, transparently decompressing gzip."""
    try:
        handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - returned to the caller
    except OSError as exc:
        raise ListParseError(str(path), None, f"cannot open: {exc.strerror}") from exc
    head = handle.peek(2)[:2] if isinstance(handle, io.BufferedReader) else b""
    if head == GZIP_MAGIC:
        return gzip.open(handle, "rb")  # type: ignore[return-value]
    return handle


def logical_name(path: Path) -> str:
    """The file name without a trailing .gz, upper-cased for format detection."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.upper()
