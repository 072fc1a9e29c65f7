"""Payment message parsers: MT block/field strictness, ISO 20022 namespaces, party extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.payments import parse_message, split_messages
from scrutiny.payments.message import PaymentParseError

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_mt103_parties_and_free_text() -> None:
    message = parse_message(_read("clean/mt103_machinery.fin"))
    assert message.message_type == "MT103"
    assert message.reference == "DE240611000123"
    by_location = {p.location: p for p in message.parties}
    assert set(by_location) == {":50K:", ":52A:", ":57A:", ":59:"}
    ordering = by_location[":50K:"]
    assert ordering.account == "DE89370400440532013000"
    assert ordering.name == "MUELLER MASCHINENBAU GMBH"
    assert ordering.address_lines[-1] == "DE"
    assert by_location[":52A:"].bic == "DEUTDEFF"
    assert by_location[":52A:"].is_agent
    assert [t.location for t in message.free_texts] == [":70:"]
    assert "HYDRAULIC PUMPS" in message.free_texts[0].text


def test_mt103_option_f_structured_lines() -> None:
    message = parse_message(_read("clean/mt103_50f.fin"))
    ordering = next(p for p in message.parties if p.location == ":50F:")
    assert ordering.name == "SCHNEIDER ANNA MARIA"
    assert ordering.country == "DE"
    assert ordering.address_lines == ("KOENIGSALLEE 22", "DUESSELDORF")
    beneficiary = next(p for p in message.parties if p.location == ":59F:")
    assert beneficiary.country == "HK"


def test_mt202cov_sequence_b_is_located() -> None:
    message = parse_message(_read("clean/mt202_cover.fin"))
    assert message.message_type == "MT202COV"
    locations = [p.location for p in message.parties]
    assert ":58A:" in locations and "B/:50K:" in locations and "B/:59:" in locations
    assert [t.location for t in message.free_texts] == ["B/:70:"]


def test_iso_parties_agents_and_paths() -> None:
    message = parse_message(_read("clean/pacs008_invoice.xml"))
    assert message.message_type == "pacs.008.001.08"
    assert message.reference == "NLB-20240615-0001"
    base = "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]"
    by_location = {p.location: p for p in message.parties}
    assert by_location[f"{base}/Dbtr"].name == "Van der Berg Logistics B.V."
    assert by_location[f"{base}/Dbtr"].country == "NL"
    assert by_location[f"{base}/DbtrAgt"].bic == "INGBNL2A"
    assert by_location[f"{base}/InstdAgt"].is_agent
    texts = {t.location: t.text for t in message.free_texts}
    assert texts[f"{base}/RmtInf/Ustrd[1]"].startswith("Invoice 2024-3381")
    assert texts[f"{base}/Purp/Cd[1]"] == "SUPP"


def test_pacs009_agents_and_lei() -> None:
    message = parse_message(_read("clean/pacs009_interbank.xml"))
    debtor = next(p for p in message.parties if p.role == "Dbtr")
    assert debtor.bic == "BARCGB22" and debtor.lei == "G5GSEF7VJP5I7OUK5573"
    assert any(t.location.endswith("InstrForNxtAgt/InstrInf[1]") for t in message.free_texts)


def test_pain001_every_transaction() -> None:
    message = parse_message(_read("clean/pain001_payroll.xml"))
    creditors = [p for p in message.parties if p.role == "Cdtr"]
    assert [c.name for c in creditors] == ["Sarah Whitfield", "Thomas Oakley"]
    assert creditors[1].location.endswith("PmtInf[1]/CdtTrfTxInf[2]/Cdtr")
    assert any(p.role == "InitgPty" for p in message.parties)


@pytest.mark.parametrize(
    ("name", "where", "problem"),
    [
        ("malformed/mt103_unclosed_block4.fin", "{4:}", "not closed"),
        ("malformed/mt103_missing_59.fin", ":59a:", "missing mandatory field"),
        ("malformed/pacs008_invalid_xml.xml", "line", "invalid XML"),
        ("malformed/pacs008_wrong_namespace.xml", "/Document", "camt.053"),
    ],
)
def test_malformed_messages_name_the_place(name: str, where: str, problem: str) -> None:
    with pytest.raises(PaymentParseError) as caught:
        parse_message(_read(name), source=name)
    assert caught.value.where is not None and caught.value.where.startswith(where)
    assert problem in caught.value.problem
    assert name in str(caught.value)


def _mt103(block4: str) -> str:
    return "{1:F01DEUTDEFFAXXX0000123456}{2:I103BNPAFRPPXXXXN}{4:\n" + block4 + "\n-}"


_BASE = ":20:REF1\n:23B:CRED\n:32A:240611EUR100,00\n:50K:A B\n:59:C D\n:71A:SHA"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (_mt103(_BASE.replace(":23B:CRED", ":23B:XXXX")), ":23B:"),
        (_mt103(_BASE.replace("240611EUR100,00", "240611EUR100.00")), ":32A:"),
        (_mt103(_BASE + "\n:58A:DEUTDEFF"), ":58A:"),  # not an MT103 field
        (_mt103(_BASE.replace(":50K:", ":50D:")), ":50D:"),  # no option D for 50 in MT103
        (_mt103(_BASE + "\n:56A:N0TABIC1"), ":56A:"),
        (_mt103(_BASE + "\n:70:" + "X" * 36), ":70:"),
        (_mt103(_BASE.replace(":50K:A B", ":50K:A\nB\nC\nD\nE")), ":50K:"),
        (_mt103(_BASE).replace("{2:I103", "{2:I999"), "{2:}"),
        (_mt103(_BASE).replace("{1:F01DEUTDEFFAXXX", "{1:F01DEUT"), "{1:}"),
        (
            _mt103(_BASE).replace("{2:I103BNPAFRPPXXXXN}", "{3:{108:X}}{2:I103BNPAFRPPXXXXN}"),
            "{2:}",
        ),
        (_mt103(_BASE).replace("{1:", "x{1:", 1).replace("x{1:", "{1:"), None),
    ],
)
def test_mt_strictness(text: str, where: str | None) -> None:
    if where is None:  # the control: the base message itself is valid
        assert parse_message(text).message_type == "MT103"
        return
    with pytest.raises(PaymentParseError) as caught:
        parse_message(text)
    assert caught.value.where == where


def test_iso_missing_mandatory_element_named() -> None:
    raw = (
        _read("clean/pacs008_invoice.xml")
        .replace(b"<Cdtr>", b"<Cdtr2>")
        .replace(b"</Cdtr>", b"</Cdtr2>")
    )
    with pytest.raises(PaymentParseError) as caught:
        parse_message(raw)
    assert caught.value.where == "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr"


def test_iso_does_not_resolve_entities() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">'
        b"<FIToFICstmrCdtTrf><GrpHdr><MsgId>&x;</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>"
    )
    with pytest.raises(PaymentParseError):
        parse_message(raw)


def test_split_stream_keeps_every_message() -> None:
    parts = split_messages(_read("batch/mixed_mt_stream.fin"))
    assert len(parts) == 4
    assert all(p.startswith("{1:") for p in parts)
    xml_parts = split_messages(
        _read("clean/pacs008_invoice.xml") + _read("clean/pain001_payroll.xml")
    )
    assert len(xml_parts) == 2


def test_neither_format() -> None:
    with pytest.raises(PaymentParseError, match="neither"):
        parse_message("hello")
