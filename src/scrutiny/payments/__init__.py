"""Payment messages: SWIFT MT103/202/202COV and ISO 20022 pacs.008/pacs.009/pain.001.

`parse_message` detects the format and returns a `PaymentMessage`; `split_messages` cuts a
file or stream holding several messages into one text per message. Screening lives in
`scrutiny.screening.payments`.
"""

from __future__ import annotations

import re

from scrutiny.payments.iso20022 import parse_iso20022
from scrutiny.payments.message import FreeText, Party, PaymentMessage, PaymentParseError
from scrutiny.payments.mt import parse_mt

_MT_START = re.compile(r"\{1:")
_XML_START = re.compile(r"<\?xml\b")


def _decode(raw: bytes | str, source: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PaymentParseError(source, f"byte {exc.start}", "not UTF-8 text") from None


def parse_message(raw: bytes | str, *, source: str = "<message>") -> PaymentMessage:
    """Parse one message, SWIFT MT (starts with ``{1:``) or ISO 20022 XML (starts with ``<``)."""
    if isinstance(raw, bytes) and raw.lstrip().startswith(b"<"):
        return parse_iso20022(raw.lstrip(), source=source)  # lxml reads the XML declaration
    text = _decode(raw, source).strip()
    if text.startswith("<"):
        return parse_iso20022(text.encode("utf-8"), source=source)
    if text.startswith("{1:"):
        return parse_mt(text, source=source)
    if not text:
        raise PaymentParseError(source, None, "empty message")
    raise PaymentParseError(
        source, "offset 0", "neither a SWIFT MT message ('{1:') nor ISO 20022 XML ('<')"
    )


def split_messages(raw: bytes | str, *, source: str = "<stream>") -> list[str]:
    """One text per message in a file or stream of MT messages or XML documents.

    MT messages start at each ``{1:`` outside a block (a line ``$`` between them is allowed);
    XML documents start at each ``<?xml`` declaration. A stream without either is one message.
    """
    text = _decode(raw, source)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        cuts = [m.start() for m in _XML_START.finditer(text)] or [0]
    elif stripped.startswith("{1:"):
        cuts = [
            m.start()
            for m in _MT_START.finditer(text)
            if _depth(text, m.start()) == 0 or _line_start(text, m.start())
        ]
    else:
        return [text] if text.strip() else []
    cuts = [0, *cuts[1:]] if cuts else [0]
    parts = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    cleaned = [re.sub(r"(?m)^\s*\$\s*$", "", p).strip() for p in parts]
    return [p for p in cleaned if p]


def _line_start(text: str, pos: int) -> bool:
    # A message starting on its own line is cut even when the one before it is malformed.
    return pos == 0 or text[pos - 1] == "\n"


def _depth(text: str, end: int) -> int:
    # Braces inside block 4 text are not SWIFT X characters, so counting them is safe.
    return text.count("{", 0, end) - text.count("}", 0, end)


__all__ = [
    "FreeText",
    "Party",
    "PaymentMessage",
    "PaymentParseError",
    "parse_message",
    "split_messages",
]
