"""SWIFT MT103, MT202 and MT202COV: a strict parser reducing a FIN message to a PaymentMessage.

Why hand-written: the only MT103 parser on PyPI (`mt103`, last release 2020) is a loose regex
that reads MT103 alone, neither MT202 nor MT202COV, and accepts malformed block structure and
missing mandatory fields without a word; the `mt-940` family parses statements, not payments.
Screening must not silently skip a party because a parser guessed, so this one checks the
block structure (1 basic header, 2 application header, optional 3 user header, 4 text, optional
5 trailer), the fields each message type allows with their option letters, the mandatory
fields, and the line limits of party and narrative fields, and it names the field it rejects.

MT202COV is an MT202 with ``{119:COV}`` in block 3; its sequence B (underlying customer credit
transfer) starts at the first 50a field, and its fields are located as ``B/:50K:``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scrutiny.payments.bic import country_of, valid_bic
from scrutiny.payments.message import FreeText, Party, PaymentMessage, PaymentParseError

_BLOCK1 = re.compile(r"^F01([A-Z0-9]{12})(\d{4})(\d{6})$")
_BLOCK2_IN = re.compile(r"^I(\d{3})([A-Z0-9]{12})([SNU]?)(\d?)(\d{3})?$")
_BLOCK2_OUT = re.compile(r"^O(\d{3})(\d{4})(\d{6}[A-Z0-9]{12}\d{4}\d{6})(\d{6})(\d{4})([SNU]?)$")
_FIELD = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
_AMOUNT32A = re.compile(r"^\d{6}[A-Z]{3}\d{1,14},\d{0,2}$")
_REFERENCE = re.compile(r"^[^/](?:(?!//).){0,14}(?<!/)$")
_BIC_LINE = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_50F_LINE = re.compile(r"^([1-8])/(.*)$")

# Allowed fields per message type: tag -> allowed option letters ("" = no letter).
_MT103 = {
    "20": "",
    "13C": "",
    "23B": "",
    "23E": "",
    "26T": "",
    "32A": "",
    "33B": "",
    "36": "",
    "50": "AFK",
    "51A": "",
    "52": "AD",
    "53": "ABD",
    "54": "ABD",
    "55": "ABD",
    "56": "ACD",
    "57": "ABCD",
    "59": "_AF",
    "70": "",
    "71A": "",
    "71F": "",
    "71G": "",
    "72": "",
    "77B": "",
    "77T": "",
}
_MT202 = {
    "20": "",
    "21": "",
    "13C": "",
    "32A": "",
    "52": "AD",
    "53": "ABD",
    "54": "ABD",
    "56": "AD",
    "57": "ABD",
    "58": "AD",
    "72": "",
}
_MT202COV_B = {
    "50": "AFK",
    "52": "AD",
    "56": "ACD",
    "57": "ABCD",
    "59": "_AF",
    "70": "",
    "72": "",
    "33B": "",
}
_MANDATORY = {
    "MT103": ("20", "23B", "32A", "50a", "59a", "71A"),
    "MT202": ("20", "21", "32A", "58a"),
    "MT202COV": ("20", "21", "32A", "58a", "B/50a", "B/59a"),
}
_ROLES = {
    "50": "ordering_customer",
    "52": "ordering_institution",
    "53": "senders_correspondent",
    "54": "receivers_correspondent",
    "55": "third_reimbursement_institution",
    "56": "intermediary",
    "57": "account_with_institution",
    "58": "beneficiary_institution",
    "59": "beneficiary",
}
_AGENT_TAGS = frozenset({"52", "53", "54", "55", "56", "57", "58"})
# Narrative fields: (lines, characters per line).
_NARRATIVE = {"70": (4, 35), "72": (6, 35), "77B": (3, 35)}
_CODES = {"23B": ("CRED", "CRTS", "SPAY", "SPRI", "SSTD"), "71A": ("BEN", "OUR", "SHA")}


class MtField(NamedTuple):
    """One field of block 4: tag number, option letter, value lines, and sequence.

    A named tuple: a message has a dozen fields and a frozen dataclass costs several times
    more to build."""

    tag: str  # "50", "32", "70"
    option: str  # "K", "A", "" ...
    lines: tuple[str, ...]
    sequence: str = "A"  # "B" for the underlying customer transfer of an MT202COV

    @property
    def label(self) -> str:
        """Where the field is in the message: ``:50K:``, or ``B/:59:`` in sequence B."""
        tag = f":{self.tag}{self.option}:"
        return f"B/{tag}" if self.sequence == "B" else tag


def parse_mt(raw: str, *, source: str = "<message>") -> PaymentMessage:
    """Parse one FIN message (MT103, MT202, MT202COV) strictly; PaymentParseError if malformed."""
    blocks = _split_blocks(raw.strip(), source)
    sender = _basic_header(blocks.get("1"), source)
    mt_number = _application_header(blocks.get("2"), source)
    cov = "{119:COV}" in blocks.get("3", "")
    if mt_number == "103":
        message_type = "MT103"
    elif mt_number == "202":
        message_type = "MT202COV" if cov else "MT202"
    else:
        raise PaymentParseError(source, "{2:}", f"MT{mt_number} is not MT103, MT202 or MT202COV")
    if "4" not in blocks:
        raise PaymentParseError(source, "{4:}", "missing text block 4")
    fields = _text_fields(blocks["4"], message_type, source)
    _check_mandatory(fields, message_type, source)
    reference = next((" ".join(f.lines) for f in fields if f.tag == "20"), None)
    parties = tuple(_party(f, source) for f in fields if f.tag in _ROLES)
    free = tuple(
        FreeText(f.label, " ".join(f.lines)) for f in fields if f"{f.tag}{f.option}" in _NARRATIVE
    )
    _ = sender
    return PaymentMessage("mt", message_type, reference, parties, free)


# --- blocks ------------------------------------------------------------------------------


def _split_blocks(text: str, source: str) -> dict[str, str]:
    """Top-level blocks {n:...} with balanced braces; block 4 may hold any text up to "-}"."""
    blocks: dict[str, str] = {}
    pos = 0
    last = 0
    while pos < len(text):
        if text[pos] != "{":
            raise PaymentParseError(
                source, f"offset {pos}", f"expected '{{' starting a block, found {text[pos]!r}"
            )
        colon = text.find(":", pos)
        number = text[pos + 1 : colon] if colon > 0 else ""
        if number not in ("1", "2", "3", "4", "5"):
            raise PaymentParseError(source, f"offset {pos}", f"unknown block {number!r}")
        if int(number) <= last:
            raise PaymentParseError(source, f"{{{number}:}}", "block out of order or repeated")
        last = int(number)
        if number == "4":
            end = text.find("\n-}", colon)
            if end < 0:
                raise PaymentParseError(source, "{4:}", "text block not closed by a line '-}'")
            blocks[number] = text[colon + 1 : end + 1]
            pos = end + 3
            continue
        end = text.find("}", colon)
        if end > 0 and text.find("{", colon, end) < 0:  # no nested block: {1:...}, {2:...}
            blocks[number] = text[colon + 1 : end]
            pos = end + 1
            continue
        depth = 0
        end = -1
        for i in range(pos, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0:
            raise PaymentParseError(source, f"{{{number}:}}", "block not closed by '}'")
        blocks[number] = text[colon + 1 : end]
        pos = end + 1
    return blocks


def _basic_header(value: str | None, source: str) -> str:
    if value is None:
        raise PaymentParseError(source, "{1:}", "missing basic header block 1")
    found = _BLOCK1.match(value)
    if found is None:
        raise PaymentParseError(
            source, "{1:}", f"basic header {value!r}: expected F01 + 12-char LT address + 10 digits"
        )
    return found.group(1)[:8] + found.group(1)[9:]


def _application_header(value: str | None, source: str) -> str:
    if value is None:
        raise PaymentParseError(source, "{2:}", "missing application header block 2")
    found = _BLOCK2_IN.match(value) or _BLOCK2_OUT.match(value)
    if found is None:
        raise PaymentParseError(
            source, "{2:}", f"application header {value!r}: expected I<MT><address> or O<MT>..."
        )
    return found.group(1)


# --- block 4 -----------------------------------------------------------------------------


def _text_fields(body: str, message_type: str, source: str) -> list[MtField]:
    body = body.replace("\r\n", "\n")
    if not body.startswith("\n"):
        raise PaymentParseError(source, "{4:}", "text block must start with a line break")
    starts = list(_FIELD.finditer(body))
    if not starts or body[1 : starts[0].start()].strip():
        raise PaymentParseError(source, "{4:}", "text before the first field tag")
    fields: list[MtField] = []
    sequence = "A"
    for i, found in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        value = body[found.end() : end].rstrip("\n")
        tag = found.group(1)  # _FIELD only matches tags of the shape NN or NNA
        number, option = tag[:2], tag[2:]
        if message_type == "MT202COV" and number == "50":
            sequence = "B"
        field = MtField(number, option, tuple(value.split("\n")), sequence)
        _check_field(field, message_type, source)
        fields.append(field)
    return fields


def _allowed(message_type: str, sequence: str) -> dict[str, str]:
    if message_type == "MT103":
        return _MT103
    return _MT202COV_B if sequence == "B" else _MT202


def _check_field(field: MtField, message_type: str, source: str) -> None:
    allowed = _allowed(message_type, field.sequence)
    full = field.tag + field.option
    if (full in allowed and allowed[full] == "") or (
        field.tag in allowed and allowed[field.tag] and (field.option or "_") in allowed[field.tag]
    ):
        pass
    else:
        raise PaymentParseError(source, field.label, f"field not allowed in {message_type}")
    if not any(line.strip() for line in field.lines):
        raise PaymentParseError(source, field.label, "empty field")
    if full == "20" and not _REFERENCE.match(field.lines[0]):
        raise PaymentParseError(
            source, field.label, "reference: 1-16 chars, no leading/trailing '/'"
        )
    if full == "32A" and not _AMOUNT32A.match(field.lines[0]):
        raise PaymentParseError(
            source, field.label, "expected YYMMDD + currency + amount with a comma"
        )
    if full in _CODES and field.lines[0] not in _CODES[full]:
        raise PaymentParseError(source, field.label, f"expected one of {', '.join(_CODES[full])}")
    if full in _NARRATIVE:
        max_lines, width = _NARRATIVE[full]
        _check_lines(field, max_lines, width, source)
    if field.tag in _ROLES and field.option in ("", "D", "K"):
        has_account = field.lines[0].startswith("/")
        _check_lines(field, 4 + int(has_account), 35, source)


def _check_lines(field: MtField, max_lines: int, width: int, source: str) -> None:
    if len(field.lines) > max_lines:
        raise PaymentParseError(
            source, field.label, f"{len(field.lines)} lines, at most {max_lines} allowed"
        )
    for n, line in enumerate(field.lines, 1):
        if len(line) > width:
            raise PaymentParseError(
                source, field.label, f"line {n} has {len(line)} characters, at most {width}"
            )


def _check_mandatory(fields: list[MtField], message_type: str, source: str) -> None:
    present = set()
    for f in fields:
        prefix = "B/" if f.sequence == "B" else ""
        present.add(prefix + f.tag + f.option)
        present.add(prefix + f.tag + "a")
    for tag in _MANDATORY[message_type]:
        if tag not in present:
            raise PaymentParseError(
                source, f":{tag}:", f"missing mandatory field in {message_type}"
            )


# --- parties -----------------------------------------------------------------------------


def _party(field: MtField, source: str) -> Party:
    """Read a party/agent field by its option letter (A: BIC, D/K/none: name and address, ...)."""
    lines = [line.rstrip() for line in field.lines]
    role = _ROLES[field.tag]
    is_agent = field.tag in _AGENT_TAGS
    account = None
    if lines and lines[0].startswith("/"):
        account = lines.pop(0)[1:].removeprefix("C/").removeprefix("D/") or None
    option = field.option
    if option == "A":
        return _option_a(field, lines, role, is_agent, account, source)
    if option == "F":
        return _option_f(field, lines, role, is_agent, account, source)
    if option in ("B", "C"):
        # B: a location, C: an account only; neither names the party.
        return Party(field.label, role, is_agent, address_lines=tuple(lines), account=account)
    name_lines = tuple(line for line in lines if line.strip())
    if not name_lines:
        raise PaymentParseError(source, field.label, "expected name and address lines")
    return Party(
        field.label,
        role,
        is_agent,
        name=name_lines[0].strip(),
        name_lines=name_lines,
        address_lines=name_lines[1:],
        account=account,
    )


def _option_a(
    field: MtField, lines: list[str], role: str, is_agent: bool, account: str | None, source: str
) -> Party:
    if len(lines) != 1 or not _BIC_LINE.match(lines[0]):
        raise PaymentParseError(source, field.label, "option A: expected [/account] and one BIC")
    bic = valid_bic(lines[0])
    if bic is None:
        raise PaymentParseError(source, field.label, f"invalid BIC {lines[0]!r}")
    return Party(field.label, role, is_agent, bic=bic, account=account)


def _option_f(
    field: MtField, lines: list[str], role: str, is_agent: bool, account: str | None, source: str
) -> Party:
    """50F/59F: a party identifier, then numbered lines 1/ name, 2/ address, 3/ CC/town, ..."""
    identifiers: list[str] = []
    if account is None and lines and not _50F_LINE.match(lines[0]):
        identifiers.append(lines.pop(0))  # 50F "CODE/CC/identifier" form, e.g. NIDN/KP/123
    names: list[str] = []
    address: list[str] = []
    country = None
    for n, line in enumerate(lines, 1):
        found = _50F_LINE.match(line)
        if found is None:
            raise PaymentParseError(
                source, field.label, f"line {n} {line!r}: expected '1/'..'8/' numbered line"
            )
        number, text = found.groups()
        if number == "1":
            names.append(text)
        elif number == "2":
            address.append(text)
        elif number == "3":
            code, _, town = text.partition("/")
            country = country_of(code)
            if country is None:
                raise PaymentParseError(source, field.label, f"line {n}: unknown country {code!r}")
            address.append(town)
        else:
            identifiers.append(text)
    if not names:
        raise PaymentParseError(source, field.label, "option F: missing name line '1/'")
    return Party(
        field.label,
        role,
        is_agent,
        name=" ".join(names),
        name_lines=tuple(names),
        address_lines=tuple(address),
        country=country,
        account=account,
        identifiers=tuple(identifiers),
    )
