"""Vessels in payment text (MMSI, MV ... FLAG, ex-names, extra vessel entities) and IBANs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from schwifty import IBAN

from scrutiny.match import Matcher
from scrutiny.model import Entity, EntityType, Identifier, IdKind, Name, NameKind, Provenance, seal
from scrutiny.payments import parse_message
from scrutiny.payments.accounts import read_account
from scrutiny.payments.vessels import VesselBook, mmsi_numbers, vessel_mentions
from scrutiny.screening.payments import PaymentScreener
from scrutiny.sources.un_vessels import read_1718_vessels

VESSELS_CSV = Path("dprk") / "un_1718_designated_vessels_2020-06-04_extracted.csv"


def _org(rid: str, name: str, *ids: Identifier) -> Entity:
    return seal(
        Entity(
            id=f"test:{rid}",
            schema=EntityType.ORGANIZATION,
            names=(Name(name),),
            provenance=Provenance("test", "test.csv", rid),
            programs=("IRAN",),
            identifiers=ids,
        )
    )


def _vessel(rid: str, names: tuple[str, ...], mmsi: str) -> Entity:
    return seal(
        Entity(
            id=f"test:{rid}",
            schema=EntityType.VESSEL,
            names=tuple(
                Name(n, kind=NameKind.PRIMARY if i == 0 else NameKind.FORMER)
                for i, n in enumerate(names)
            ),
            provenance=Provenance("test", "test.csv", rid),
            programs=("DPRK",),
            identifiers=(Identifier(IdKind.MMSI, mmsi),),
        )
    )


# A bank whose German bank code schwifty maps to its BIC, and an indexed vessel with an MMSI.
LISTED = [
    _org("eih", "Europaeisch-Iranische Handelsbank", Identifier(IdKind.BIC, "EIHBDEHH")),
    _vessel("v1", ("Golden Lark", "Silver Finch"), "352001234"),
]


@pytest.fixture(scope="module")
def screener() -> PaymentScreener:
    return PaymentScreener(Matcher.from_entities(LISTED))


@pytest.fixture(scope="module")
def un_vessels(archive_dir: Path) -> list[Entity]:
    return list(read_1718_vessels(archive_dir / VESSELS_CSV).entities)


def _mt103(field70: str, beneficiary_account: str = "FR7630006000011234567890189") -> str:
    return (
        "{1:F01DEUTDEFFAXXX0000123456}{2:I103BNPAFRPPXXXXN}{4:\n:20:REF1\n:23B:CRED\n"
        ":32A:240611EUR100,00\n:50K:/DE89370400440532013000\nMUELLER GMBH\nSTUTTGART\n"
        f":59:/{beneficiary_account}\nDUPONT SARL\nLYON\n:70:{_lines(field70)}\n:71A:SHA\n-}}"
    )


def _lines(text: str) -> str:
    # Field 70 is 4 lines of 35 characters; a vessel mention may wrap like any other text.
    return "\n".join(textwrap.wrap(text, 35))


def _pacs008(creditor_account: str, remittance: str = "Invoice 1") -> str:
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">'
        "<FIToFICstmrCdtTrf><GrpHdr><MsgId>M1</MsgId></GrpHdr><CdtTrfTxInf>"
        "<PmtId><EndToEndId>E1</EndToEndId></PmtId>"
        '<IntrBkSttlmAmt Ccy="EUR">1.00</IntrBkSttlmAmt>'
        "<Dbtr><Nm>Van der Berg BV</Nm></Dbtr>"
        "<DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>"
        "<DbtrAgt><FinInstnId><BICFI>INGBNL2A</BICFI></FinInstnId></DbtrAgt>"
        "<CdtrAgt><FinInstnId><BICFI>BNPAFRPP</BICFI></FinInstnId></CdtrAgt>"
        "<Cdtr><Nm>Lefevre SA</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{creditor_account}</IBAN></Id></CdtrAcct>"
        f"<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>"
        "</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    )


# --- reading vessel mentions -----------------------------------------------------------------


def test_mention_with_flag_and_former_name() -> None:
    [mention] = vessel_mentions("Charter hire M/T OCEAN STAR (EX-HONGWON 88) FLAG KP")
    assert mention.name == "OCEAN STAR"
    assert mention.former_names == ("HONGWON 88",)
    assert mention.flag == "KP"


def test_flag_without_name_and_flag_by_country_name() -> None:
    [mention] = vessel_mentions("freight, vessel flagged DPRK")
    assert (mention.name, mention.flag) == (None, "KP")
    [other] = vessel_mentions("MV SEA LION flag: Panama")
    assert (other.name, other.flag) == ("SEA LION", "PA")


def test_name_stops_at_identifiers() -> None:
    [mention] = vessel_mentions("DELIVERED TO MV HAO FAN 6 IMO 8628597 AT PORT")
    assert mention.name == "HAO FAN 6"
    assert vessel_mentions("INVOICE 12 SPARE PARTS FOR PUMPS") == []
    assert vessel_mentions("Refund to Ms Jones, SS contributions") == []


def test_mmsi_numbers_need_a_ship_mid() -> None:
    assert [m for m, _ in mmsi_numbers("MMSI 445 114 000, ref 123456789")] == ["445114000"]
    assert list(mmsi_numbers("order 1234567890")) == []  # ten digits: not an MMSI


# --- screening vessels -----------------------------------------------------------------------


def test_indexed_vessel_mmsi_in_field_70_holds(screener: PaymentScreener) -> None:
    result = screener.screen_raw(_mt103("BUNKERS VSL MMSI 352001234"))
    hits = [h for h in result.hits if h.kind == "mmsi"]
    assert result.held and hits[0].location == ":70:"
    assert hits[0].entity_id == "test:v1"


def test_former_name_of_indexed_vessel_holds(screener: PaymentScreener) -> None:
    result = screener.screen_raw(_mt103("FREIGHT MV BLUE SKY EX SILVER FINCH"))
    hits = [h for h in result.hits if h.kind == "vessel" and h.entity_id == "test:v1"]
    assert hits and hits[0].score >= screener.threshold
    assert hits[0].explanation.get("written_as") == "former name (ex-)"


def test_kp_flag_holds_without_a_listed_name(screener: PaymentScreener) -> None:
    result = screener.screen_raw(_mt103("FREIGHT MV MORNING CALM FLAG KP"))
    flags = [h for h in result.hits if h.kind == "vessel_flag"]
    assert result.held and flags[0].location == ":70:"
    assert flags[0].explanation["vessel"] == "MORNING CALM"


def test_extra_un_vessels_by_mmsi_and_former_name(un_vessels: list[Entity]) -> None:
    book = VesselBook(un_vessels)
    # Pick a vessel with an MMSI and a former name from the list itself.
    ref = next(r for r in book.names if r.former and r.mmsis and len(r.name) >= 6)
    screener = PaymentScreener(Matcher.from_entities(LISTED), vessels=un_vessels)
    by_mmsi = screener.screen_raw(_pacs008("FR1420041010050500013M02606", f"MMSI {ref.mmsis[0]}"))
    found = [h for h in by_mmsi.hits if h.kind == "mmsi"]
    assert by_mmsi.held and found[0].entity_id == ref.entity_id
    assert found[0].location.endswith("/RmtInf/Ustrd[1]")
    by_name = screener.screen_raw(_mt103(f"CHARTER MV NEW DAWN EX {ref.name.upper()}"))
    assert any(h.kind == "vessel" and h.entity_id == ref.entity_id for h in by_name.hits)


def test_clean_vessel_text_passes(screener: PaymentScreener) -> None:
    result = screener.screen_raw(_mt103("FREIGHT MV NORDIC STAR FLAG NO IMO 9074729"))
    assert result.decision == "pass", [h.to_dict() for h in result.hits]


# --- accounts --------------------------------------------------------------------------------


def test_read_account() -> None:
    assert read_account("SG0011223344") is None  # a local account number, not IBAN-shaped
    assert read_account("CN7712345678901") is None  # CN has no IBANs
    valid = read_account("DE89 3704 0044 0532 0130 00")
    assert valid is not None and valid.problem is None and valid.bic == "COBADEFFXXX"
    broken = read_account("DE00370400440532013000")
    assert broken is not None and broken.problem
    kp = read_account("KP12345678901234567")
    assert kp is not None and kp.country == "KP" and kp.problem


def test_iban_of_listed_bank_holds_at_59(screener: PaymentScreener) -> None:
    iban = IBAN.generate("DE", bank_code="20310300", account_code="4471902300").compact
    result = screener.screen_raw(_mt103("INVOICE 4", beneficiary_account=iban))
    hits = [h for h in result.hits if h.kind == "iban_bic"]
    assert result.held and hits[0].location == ":59:" and hits[0].entity_id == "test:eih"


def test_iso_creditor_account_kp_holds_and_bad_iban_is_a_note(
    screener: PaymentScreener,
) -> None:
    message = parse_message(_pacs008("KP12345678901234567"))
    assert [a.location.rsplit("/", 3)[-3] for a in message.accounts] == ["DbtrAcct", "CdtrAcct"]
    held = screener.screen(message)
    assert any(h.kind == "iban_country" and "CdtrAcct" in h.location for h in held.hits)
    noted = screener.screen_raw(_pacs008("FR0000000000000000000000000"))
    assert noted.decision == "pass"
    assert any("CdtrAcct" in n and "not a valid IBAN" in n for n in noted.notes)


@pytest.mark.parametrize(
    ("file", "location", "kind", "entity"),
    [
        ("mt103_vessel_mmsi_70.fin", ":70:", "mmsi", "un_1718_vessels:8628597"),
        (
            "pacs008_former_vessel_name.xml",
            "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/RmtInf/Ustrd[1]",
            "vessel",
            "un_1718_vessels:8133530",
        ),
    ],
)
def test_planted_vessels_found_through_extra_vessels(
    un_vessels: list[Entity], file: str, location: str, kind: str, entity: str
) -> None:
    # The matcher's lists lack the 1718 vessels; the screener's extra vessels supply them.
    screener = PaymentScreener(Matcher.from_entities(LISTED), vessels=un_vessels)
    raw = (Path(__file__).resolve().parents[1] / "data/payments/planted" / file).read_bytes()
    result = screener.screen_raw(raw, source=file)
    found = [
        h for h in result.hits if (h.location, h.kind, h.entity_id) == (location, kind, entity)
    ]
    assert result.held and found, [h.to_dict() for h in result.hits]
    assert found[0].score >= screener.threshold and found[0].explanation
