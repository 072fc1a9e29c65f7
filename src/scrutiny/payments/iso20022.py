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

from scrutiny.countries import country_code
from scrutiny.payments.bic import normalize_bic
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
        for name in _TX_MANDATORY[family]:
            if _child(tx, name) is None:
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
    counts: dict[str, int] = {}
    children = [c for c in element if isinstance(c.tag, str)]
    totals: dict[str, int] = {}
    for child in children:
        totals[_local(child)] = totals.get(_local(child), 0) + 1
    for child in children:
        name = _local(child)
        counts[name] = counts.get(name, 0) + 1
        step = f"{name}[{counts[name]}]" if totals[name] > 1 or name in _TX.values() else name
        child_path = f"{path}/{step}"
        if name in _PARTIES or name in _AGENTS:
            parties.append(_party(child, child_path, name, source))
            continue
        elif name in _FREE_TEXT:
            _free_text(child, child_path, name, free)
            continue
        elif name.endswith("Acct"):
            account = _account(child, child_path)
            if account is not None:
                accounts.append(account)
            continue
        _walk(child, child_path, parties, free, source, accounts)


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
    institution = _child(element, "FinInstnId")
    if institution is None and role in _AGENTS:
        raise PaymentParseError(source, f"{path}/FinInstnId", "missing mandatory element")
    holder = institution if institution is not None else element
    wrapped = _child(element, "Pty")  # pacs.008 .09+: UltmtDbtr/Pty, InitgPty/Pty
    if institution is None and wrapped is not None:
        holder = wrapped
    bic_text = _text(_child(holder, "BICFI")) or _text(_child(holder, "BIC"))
    lei = _text(_child(holder, "LEI"))
    identifiers: list[str] = []
    org = _child(_child(holder, "Id"), "OrgId")
    if org is not None:
        bic_text = bic_text or _text(_child(org, "AnyBIC")) or _text(_child(org, "BICOrBEI"))
        lei = lei or _text(_child(org, "LEI"))
        identifiers += [t for o in org.iter() if _local(o) == "Id" and (t := _text(o))]
    private = _child(_child(holder, "Id"), "PrvtId")
    if private is not None:
        identifiers += [t for o in private.iter() if _local(o) == "Id" and (t := _text(o))]
    bic = None
    if bic_text is not None:
        bic = normalize_bic(bic_text)
        if bic is None:
            raise PaymentParseError(source, f"{path}", f"invalid BIC {bic_text!r}")
    name = _text(_child(holder, "Nm"))
    address: list[str] = []
    country = None
    postal = _child(holder, "PstlAdr")
    if postal is not None:
        for part in postal:
            if not isinstance(part.tag, str):
                continue
            value = _text(part)
            if value is None:
                continue
            if _local(part) == "Ctry":
                country = country_code(value)
                if country is None:
                    raise PaymentParseError(
                        source, f"{path}/PstlAdr/Ctry", f"unknown country code {value!r}"
                    )
            else:
                address.append(value)
    residence = _text(_child(holder, "CtryOfRes"))
    if country is None and residence:
        country = country_code(residence)
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
    # String slicing: etree.QName builds an object per call, which dominated parse time.
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.find("}") + 1 :]


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for child in element:
        if isinstance(child.tag, str) and _local(child) == name:
            return child
    return None


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None
