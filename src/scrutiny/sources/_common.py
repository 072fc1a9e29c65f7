"""Small helpers the UN, EU and UN-vessel parsers share: text clean-up, data tables, scripts.

Parsers tag names with their script (UN NAME_ORIGINAL_SCRIPT, EU nameAlias in Hangul, Cyrillic,
Arabic ...) so that matching can pick transliterations; the script is the text layer's
`detect_script`, the one place scrutiny tells scripts apart.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

from scrutiny.errors import ListParseError
from scrutiny.sources import open_source
from scrutiny.text.normalize import detect_script


def clean(text: str | None) -> str | None:
    """Text with runs of whitespace (incl. the newlines lists wrap fields with) collapsed; None if blank."""
    if not text:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


@cache
def data_table(name: str) -> tuple[tuple[str, str], ...]:
    """Rows of a two-column tab-separated table in scrutiny/data/, comments and blanks skipped."""
    raw = files("scrutiny.data").joinpath(name).read_text(encoding="utf-8")
    rows: list[tuple[str, str]] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, value = line.split("\t")
        rows.append((key.strip(), value.strip()))
    return tuple(rows)


# First word(s) of a Unicode character name -> ISO 15924 code.
def script_of(text: str) -> str | None:
    """ISO 15924 code of the script most letters of `text` are in; None if it has no letters."""
    code = detect_script(text)
    return None if code in ("Zyyy", "Zzzz") else code


class XmlRecords:
    """Streams the record elements of an XML list file with lxml iterparse, in bounded memory.

    Reads up to the root element on construction (so the caller gets the root's attributes,
    e.g. the publisher date, before any record), then `records()` yields each record element
    once it is complete and frees it afterwards. Every read failure (malformed XML, truncated
    gzip, wrong root or namespace, empty file) becomes `error` naming the file and line.
    """

    def __init__(
        self,
        path: Path,
        error: type[ListParseError],
        root_tag: str,
        record_tags: Iterable[str],
    ) -> None:
        self.path = path
        self.file = path.name
        self.error = error
        self.record_tags = frozenset(record_tags)
        self.line = 0
        try:
            self._handle = open_source(path)
        except ListParseError as exc:
            raise error(str(path), None, exc.problem) from exc
        self.root_tag = root_tag
        # Only the root's start and the records' ends are reported: a start event per element
        # would cost more than building the entities.
        self._events = etree.iterparse(
            self._handle,
            events=("start", "end"),
            tag=[root_tag, *self.record_tags],
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        empty = f"empty file: expected an XML document with root <{_show(root_tag)}>"
        try:
            event, root = self._next()
        except ListParseError as exc:
            self._handle.close()
            if _is_blank(path):
                raise error(self.file, None, empty) from exc
            raise
        except BaseException:
            self._handle.close()
            raise
        if event is None or root is None or root.tag != root_tag:
            self._handle.close()
            found = root.getroottree().getroot() if root is not None else self._events.root
            if found is None:
                raise error(self.file, None, empty)
            raise error(
                self.file,
                f"line {found.sourceline}",
                f"expected root element <{_show(root_tag)}>, found <{_show(str(found.tag))}>",
            )
        self.root_attrib: dict[str, str] = {str(k): str(v) for k, v in root.attrib.items()}

    def _next(self) -> tuple[str | None, etree._Element | None]:
        try:
            event, elem = next(self._events)
        except StopIteration:
            return None, None
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or self.line
            where = f"line {line}" if line else None
            raise self.error(self.file, where, f"malformed XML: {exc.msg}") from exc
        except (OSError, EOFError, zlib.error) as exc:
            # gzip reports truncation as EOFError and corruption as BadGzipFile / zlib.error.
            raise self.error(
                self.file, f"after line {self.line}", f"unreadable or truncated file: {exc}"
            ) from exc
        if elem.sourceline:
            self.line = elem.sourceline
        return event, elem

    def where(self, elem: etree._Element, record_id: str | None = None) -> str:
        """Place of an element for error messages: `line N` plus the record id when known."""
        line = f"line {elem.sourceline}" if elem.sourceline else f"after line {self.line}"
        return f"{line} (record {record_id})" if record_id else line

    def records(self) -> Iterator[etree._Element]:
        """Each complete record element, in file order; cleared once the caller moves on."""
        try:
            while True:
                event, elem = self._next()
                if event is None or elem is None:
                    return
                if event != "end" or elem.tag not in self.record_tags:
                    continue
                yield elem
                elem.clear()
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
        finally:
            self._handle.close()


def _is_blank(path: Path) -> bool:
    """True if the (possibly gzip) file holds nothing but whitespace."""
    try:
        with open_source(path) as handle:
            return not handle.read(4096).strip()
    except (ListParseError, OSError, EOFError, zlib.error):
        return False


def _show(tag: str) -> str:
    """A tag in Clark notation ({ns}local) shown as the reader writes it: local in ns."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return f"{local} xmlns={namespace!r}"
    return tag
