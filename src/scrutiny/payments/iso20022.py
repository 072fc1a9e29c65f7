"""ISO 20022 pacs.008, pacs.009 and pain.001 (XML) reduced to a PaymentMessage, with lxml.

The namespace is checked against the three message definitions (any version), the mandatory
elements screening relies on are required, and every party and agent is read wherever it
appears: customer parties (Nm, PstlAdr, Id/OrgId with AnyBIC and LEI, CtryOfRes) and agents
(FinInstnId with BICFI, LEI, Nm, PstlAdr). Business-application-header envelopes are accepted:
the Document is found inside them. The parser resolves no entities and fetches nothing.
"""

from __future__ import annotations

import re

from lxml import etree

from scrutiny.payments.bic import country_of, valid_bic
from scrutiny.payments.message import Account, FreeText, Party, PaymentMessage, PaymentParseError

_NAMESPACE = re.compile(
    r"^urn:iso:std:iso:20022:tech:xsd:(pacs\.008|pacs\.009|pain\.001)\.\d{3}\.\d{2}$"
)
_ROOTS = {"pacs.008": "FIToFICstmrCdtTrf", "pacs.009": "FICdtTrf", "pain.001": "CstmrCdtTrfInitn"}
_PARTIES = frozenset({"Dbtr", "Cdtr", "UltmtDbtr", "UltmtCdtr", "InitgPty"})
_AGENTS = frozenset(
    {
        "DbtrAgt",
        "CdtrAgt",
        "IntrmyAgt1",
        "IntrmyAgt2",
        "IntrmyAgt3",
        "InstgAgt",
        "InstdAgt",
        "PrvsInstgAgt1",
        "PrvsInstgAgt2",
        "PrvsInstgAgt3",
    }
)
# Free text: element name -> the child elements whose text is read.
_FREE_TEXT = {
    "RmtInf": ("Ustrd", "AddtlRmtInf", "Nm"),
    "Purp": ("Cd", "Prtry"),
    "InstrForCdtrAgt": ("InstrInf",),
    "InstrForNxtAgt": ("InstrInf",),
}
# Mandatory elements per transaction (relative to the transaction element).
_TX = {"pacs.008": "CdtTrfTxInf", "pacs.009": "CdtTrfTxInf", "pain.001": "PmtInf"}
_TX_MANDATORY = {
    "pacs.008": ("PmtId", "IntrBkSttlmAmt", "Dbtr", "DbtrAgt", "CdtrAgt", "Cdtr"),
    "pacs.009": ("PmtId", "IntrBkSttlmAmt", "Dbtr", "Cdtr"),
    "pain.001": ("PmtInfId", "Dbtr", "DbtrAgt", "CdtTrfTxInf"),
}
_TX_NAMES = frozenset(_TX.values())
_LOCAL_NAMES: dict[str, str] = {}
_LOCAL_NAMES_MAX = 4096
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)


def parse_iso20022(raw: bytes | str, *, source: str = "<message>") -> PaymentMessage:
    """Parse one pacs.008 / pacs.009 / pain.001 document; PaymentParseError if malformed."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PaymentParseError(source, f"line {exc.lineno}", f"invalid XML: {exc.msg}") from None
    document = root if _local(root) == "Document" else _find_document(root)
    if document is None:
        raise PaymentParseError(source, f"/{_local(root)}", "no ISO 20022 Document element")
    namespace = etree.QName(document).namespace or ""
    found = _NAMESPACE.match(namespace)
    if found is None:
        raise PaymentParseError(
            source,
            "/Document",
            f"namespace {namespace!r} is not pacs.008, pacs.009 or pain.001 "
            "(urn:iso:std:iso:20022:tech:xsd:<message>.<variant>.<version>)",
        )
    family = found.group(1)
    message_type = namespace.rsplit(":", 1)[1]
    body = _child(document, _ROOTS[family])
    if body is None:
        raise PaymentParseError(source, "/Document", f"missing {_ROOTS[family]} for {family}")
    base = f"/Document/{_ROOTS[family]}"
    reference = _text(_child(_child(body, "GrpHdr"), "MsgId"))
    if reference is None:
        raise PaymentParseError(source, f"{base}/GrpHdr/MsgId", "missing mandatory element")
    transactions = [c for c in body if _local(c) == _TX[family]]
    if not transactions:
        raise PaymentParseError(source, f"{base}/{_TX[family]}", "missing mandatory element")
    for n, tx in enumerate(transactions, 1):
        present = _children(tx)
        for name in _TX_MANDATORY[family]:
            if name not in present:
                raise PaymentParseError(
                    source, f"{base}/{_TX[family]}[{n}]/{name}", "missing mandatory element"
                )
        if family == "pain.001":
            for m, item in enumerate((c for c in tx if _local(c) == "CdtTrfTxInf"), 1):
                for name in ("Amt", "Cdtr"):
                    if _child(item, name) is None:
                        raise PaymentParseError(
                            source,
                            f"{base}/PmtInf[{n}]/CdtTrfTxInf[{m}]/{name}",
                            "missing mandatory element",
                        )
    parties: list[Party] = []
    free: list[FreeText] = []
    accounts: list[Account] = []
    _walk(body, base, parties, free, source, accounts)
    return PaymentMessage(
        "iso20022", message_type, reference, tuple(parties), tuple(free), tuple(accounts)
    )


def _walk(
    element: etree._Element,
    path: str,
    parties: list[Party],
    free: list[FreeText],
    source: str,
    accounts: list[Account],
) -> None:
    children = [(c, name) for c in element if (name := _local(c))]
    totals: dict[str, int] = {}
    for _, name in children:
        totals[name] = totals.get(name, 0) + 1
    counts: dict[str, int] = {}
    for child, name in children:
        counts[name] = counts.get(name, 0) + 1
        step = f"{name}[{counts[name]}]" if totals[name] > 1 or name in _TX_NAMES else name
        if name in _PARTIES or name in _AGENTS:
            parties.append(_party(child, f"{path}/{step}", name, source))
        elif name in _FREE_TEXT:
            _free_text(child, f"{path}/{step}", name, free)
        elif name.endswith("Acct"):
            account = _account(child, f"{path}/{step}")
            if account is not None:
                accounts.append(account)
        elif len(child):  # an element without children holds no party
            _walk(child, f"{path}/{step}", parties, free, source, accounts)


def _account(element: etree._Element, path: str) -> Account | None:
    """DbtrAcct, CdtrAcct, IntrmyAgt1Acct ...: Id/IBAN or Id/Othr/Id."""
    identification = _child(element, "Id")
    iban = _text(_child(identification, "IBAN"))
    if iban:
        return Account(f"{path}/Id/IBAN", iban, True)
    other = _text(_child(_child(identification, "Othr"), "Id"))
    if other:
        return Account(f"{path}/Id/Othr/Id", other, False)
    return None


def _party(element: etree._Element, path: str, role: str, source: str) -> Party:
    kids = _children(element)
    institution = kids.get("FinInstnId")
    if institution is None and role in _AGENTS:
        raise PaymentParseError(source, f"{path}/FinInstnId", "missing mandatory element")
    holder = institution if institution is not None else element
    wrapped = kids.get("Pty")  # pacs.008 .09+: UltmtDbtr/Pty, InitgPty/Pty
    if institution is None and wrapped is not None:
        holder = wrapped
    held = kids if holder is element else _children(holder)
    bic_text = _text(held.get("BICFI")) or _text(held.get("BIC"))
    lei = _text(held.get("LEI"))
    identifiers: list[str] = []
    identification = held.get("Id")
    org = _child(identification, "OrgId")
    if org is not None:
        bic_text = bic_text or _text(_child(org, "AnyBIC")) or _text(_child(org, "BICOrBEI"))
        lei = lei or _text(_child(org, "LEI"))
        identifiers += [t for o in org.iter() if _local(o) == "Id" and (t := _text(o))]
    private = _child(identification, "PrvtId")
    if private is not None:
        identifiers += [t for o in private.iter() if _local(o) == "Id" and (t := _text(o))]
    bic = None
    if bic_text is not None:
        bic = valid_bic(bic_text)
        if bic is None:
            raise PaymentParseError(source, f"{path}", f"invalid BIC {bic_text!r}")
    name = _text(held.get("Nm"))
    address: list[str] = []
    country = None
    postal = held.get("PstlAdr")
    if postal is not None:
        for part in postal:
            local = _local(part)
            if not local:
                continue
            value = _text(part)
            if value is None:
                continue
            if local == "Ctry":
                country = country_of(value)
                if country is None:
                    raise PaymentParseError(
                        source, f"{path}/PstlAdr/Ctry", f"unknown country code {value!r}"
                    )
            else:
                address.append(value)
    residence = _text(held.get("CtryOfRes"))
    if country is None and residence:
        country = country_of(residence)
    return Party(
        location=path,
        role=role,
        is_agent=role in _AGENTS or institution is not None,
        name=name,
        name_lines=(name,) if name else (),
        address_lines=tuple(address),
        country=country,
        bic=bic,
        lei=lei,
        identifiers=tuple(dict.fromkeys(identifiers)),
    )


def _free_text(element: etree._Element, path: str, name: str, free: list[FreeText]) -> None:
    wanted = _FREE_TEXT[name]
    counts: dict[str, int] = {}
    for node in element.iter():
        if not isinstance(node.tag, str) or node is element:
            continue
        local = _local(node)
        if local in wanted and (value := _text(node)):
            counts[local] = counts.get(local, 0) + 1
            free.append(FreeText(f"{path}/{local}[{counts[local]}]", value))


def _find_document(root: etree._Element) -> etree._Element | None:
    for node in root.iter():
        if isinstance(node.tag, str) and _local(node) == "Document":
            return node
    return None


def _local(element: etree._Element) -> str:
    """The tag without its namespace ("" for comments and processing instructions).

    A dict of the tags seen (ISO messages use a few dozen): etree.QName built an object per
    call, which dominated parse time, and slicing each tag anew came next.
    """
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    local = _LOCAL_NAMES.get(tag)
    if local is None:
        local = tag[tag.find("}") + 1 :]
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:  # bounded: tags come from untrusted input
            _LOCAL_NAMES[tag] = local
    return local


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """The first child element of each local name."""
    found: dict[str, etree._Element] = {}
    for child in element:
        local = _local(child)
        if local and local not in found:
            found[local] = child
    return found


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None
