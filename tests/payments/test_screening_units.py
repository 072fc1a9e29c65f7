"""Screening pieces on a small hand-made list: BICs, crypto, free-text automaton, decisions."""

from __future__ import annotations

import pytest

from scrutiny.ids import crypto_address_family, normalize_crypto_address
from scrutiny.match import Matcher
from scrutiny.model import (
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Name,
    Provenance,
    VesselDetails,
    seal,
)
from scrutiny.payments.bic import (
    institution_code,
    located_in_sanctioned_country,
    normalize_bic,
    same_institution,
)
from scrutiny.payments.crypto import CryptoIndex
from scrutiny.screening.payments import PaymentScreener
from scrutiny.sources.ofac_crypto import CryptoDesignation


def _entity(
    rid: str, name: str, schema: EntityType, *ids: Identifier, names: tuple[str, ...] = ()
) -> Entity:
    return seal(
        Entity(
            id=f"test:{rid}",
            schema=schema,
            names=(Name(name), *(Name(n) for n in names)),
            provenance=Provenance("test", "test.csv", rid),
            programs=("DPRK3",),
            identifiers=ids,
            vessel=VesselDetails(flag="KP") if schema is EntityType.VESSEL else None,
        )
    )


ENTITIES = [
    _entity("1", "Sea Lark Maritime Holdings", EntityType.ORGANIZATION),
    _entity("2", "Chon Ma San", EntityType.VESSEL, Identifier(IdKind.IMO, "8660313")),
    _entity(
        "3",
        "Daesong Credit Development Bank",
        EntityType.ORGANIZATION,
        Identifier(IdKind.BIC, "DCDBKPPY"),
    ),
    _entity("4", "Pak Yong Sik", EntityType.PERSON, names=("朴永植",)),
]
ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
BTC = "1QGqZuR2vaWtVakG8JPSR6wEnbvdbMnGAt"


@pytest.fixture(scope="module")
def screener() -> PaymentScreener:
    designations = [
        CryptoDesignation(ETH, ("ETH",), "ethereum", "ofac_sdn:1", "Lazarus", ("DPRK3",), None),
        CryptoDesignation(BTC, ("XBT",), "bitcoin", "ofac_sdn:2", "Someone", ("CYBER2",), None),
    ]
    matcher = Matcher.from_entities(ENTITIES)
    # Four entities give no token-rarity statistics, so the threshold calibrated on the real
    # lists says little here; these tests check the plumbing at a fixed threshold instead.
    return PaymentScreener(matcher, crypto=CryptoIndex.build(designations), threshold=0.9)


def test_bic_rules() -> None:
    assert normalize_bic("ftbd kppy xxx") == "FTBDKPPYXXX"
    assert normalize_bic("FTBDKPP") is None
    assert normalize_bic("FTBDQQPY") is None  # QQ is no country
    assert same_institution("FTBDKPPY", "FTBDKPPYXXX")
    assert not same_institution("FTBDKPPY", "FTBDKPP2")
    assert institution_code("DCDBKPPY123") == "DCDBKPPY"
    assert located_in_sanctioned_country("ABCDKPPY")
    assert not located_in_sanctioned_country("DEUTDEFF")


def test_crypto_case_rules() -> None:
    assert crypto_address_family(ETH) == "hex"
    assert normalize_crypto_address(ETH) == ETH.lower()
    assert normalize_crypto_address(BTC) == BTC  # base58 keeps its case
    assert normalize_crypto_address(BTC.lower()) != BTC
    assert normalize_crypto_address("BC1QXY2KGDYGJRSQTZQ2N0YRF2493P83KKFJHX0WLH") == (
        "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
    )
    assert (
        normalize_crypto_address("bc1QXY2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh") is None
    )  # mixed case
    assert normalize_crypto_address("hello") is None


def test_crypto_lookup(screener: PaymentScreener) -> None:
    crypto = screener.scanner.crypto
    assert crypto is not None
    assert crypto.lookup(ETH.lower())[0].entity_id == "ofac_sdn:1"
    assert crypto.lookup(BTC)[0].entity_id == "ofac_sdn:2"
    assert crypto.lookup(BTC.swapcase()) == []


def test_scan_finds_each_kind(screener: PaymentScreener) -> None:
    text = (
        "Freight for MV CHON MA SAN IMO8660313 loading at Chongjin, North Korea; "
        f"fees to {ETH.lower()} via Sea Lark Maritme Holdings; 2613 3057 2784"
    )
    hits = screener.scanner.scan(text)
    kinds = {(h.kind, h.entity_id) for h in hits}
    assert ("imo", "test:2") in kinds
    assert ("vessel", "test:2") in kinds
    assert ("place", None) in kinds
    assert ("country", None) in kinds
    assert ("crypto", "ofac_sdn:1") in kinds
    assert ("name", "test:1") in kinds  # misspelt, confirmed by the matcher
    assert ("ccc", "test:4") in kinds  # 朴永植 in Chinese commercial code


def test_scan_clean_text_finds_nothing(screener: PaymentScreener) -> None:
    assert screener.scanner.scan("Invoice 4471 hydraulic pumps, Rotterdam to Lyon, 7389704") == []


def test_country_code_only_in_capitals(screener: PaymentScreener) -> None:
    assert any(h.kind == "country" for h in screener.scanner.scan("BENEFICIARY BANK IN KP"))
    assert not screener.scanner.scan("kp ref 123")


def _mt103(fields: str) -> str:
    return (
        "{1:F01DEUTDEFFAXXX0000123456}{2:I103BNPAFRPPXXXXN}{4:\n:20:R1\n:23B:CRED\n"
        ":32A:240611EUR100,00\n" + fields + "\n:71A:SHA\n-}"
    )


def test_message_decisions(screener: PaymentScreener) -> None:
    clean = screener.screen_raw(_mt103(":50K:JOHN SMITH\n:59:JANE DOE"))
    assert clean.decision == "pass" and clean.hits == ()
    held = screener.screen_raw(_mt103(":50K:JOHN SMITH\n:56A:DCDBKPPYXXX\n:59:JANE DOE"))
    assert held.decision == "hold"
    locations = {(h.location, h.kind, h.entity_id) for h in held.hits}
    assert (":56A:", "bic", "test:3") in locations
    assert (":56A:", "bic_country", None) in locations
    split = screener.screen_raw(
        _mt103(":50K:/123\nSEA LARK MARITIME\nHOLDINGS\nBUSAN\n:59:JANE DOE")
    )
    assert any(h.location == ":50K:" and h.entity_id == "test:1" for h in split.hits)
    structured = screener.screen_raw(
        _mt103(":50F:/123\n1/JOHN SMITH\n3/KP/PYONGYANG\n:59:JANE DOE")
    )
    assert {h.kind for h in structured.hits} >= {"country", "place"}
    assert structured.to_dict()["decision"] == "hold"


def test_a_party_holds_on_a_vessel_only_by_its_exact_name() -> None:
    entities = [
        _entity("v", "Perarin", EntityType.VESSEL, Identifier(IdKind.IMO, "9187629")),
        _entity("p", "Perarin Holdings", EntityType.ORGANIZATION),
    ]
    screener = PaymentScreener(Matcher.from_entities(entities), threshold=0.05)
    # A name one letter from the ship's scores above this threshold, as a name alone...
    assert any(h.entity_id == "test:v" for h in screener._screen_name("PERRIN", None, ()))
    # ...but a party is a person or a company: no hold on the ship unless it is its name.
    near = screener.screen_raw(_mt103(":50K:PERRIN\n:59:JANE DOE"))
    assert not any(h.entity_id == "test:v" for h in near.hits)
    exact = screener.screen_raw(_mt103(":50K:PERARIN\n:59:JANE DOE"))
    assert any(h.location == ":50K:" and h.entity_id == "test:v" for h in exact.hits)
    # Parties still hold on companies by near names.
    company = screener.screen_raw(_mt103(":50K:PERRARIN HOLDINGS\n:59:JANE DOE"))
    assert any(h.entity_id == "test:p" for h in company.hits)


def test_near_words_allow_edits_by_length() -> None:
    from scrutiny.payments.freetext import _near

    assert not _near("rb", "q2")  # two-letter list words are matched exactly only
    assert not _near("oy", "0")
    assert _near("lark", "lrak") and not _near("lark", "lake")  # one edit up to five letters
    assert _near("holdings", "holdnigs") and _near("maritime", "maritme")


def test_mt_name_lines_joined_only_when_a_list_name_holds_both(
    screener: PaymentScreener,
) -> None:
    from scrutiny.payments.message import Party

    def candidates(*lines: str) -> list[str]:
        return screener._candidates(
            Party(":50K:", "ordering_customer", False, name=lines[0], name_lines=lines)
        )

    assert candidates("SEA LARK", "MARITIME HOLDINGS")[:2] == [
        "SEA LARK",
        "SEA LARK MARITIME HOLDINGS",
    ]
    assert candidates("SEA LARK MARITIME HOLDINGS", "HAMBURG") == ["SEA LARK MARITIME HOLDINGS"]
    assert candidates("SEA LARK MARITIME HOLD", "INGS") == [
        "SEA LARK MARITIME HOLD",
        "SEA LARK MARITIME HOLDINGS",
    ]
    assert candidates("PAK YONG", "SIK")[:2] == ["PAK YONG", "PAK YONG SIK"]
    assert candidates("JOHN SMITH", "NEW YORK") == []


def test_a_name_of_stop_words_only_is_not_an_error(screener: PaymentScreener) -> None:
    assert screener.scanner.scan("CARGO ON MV THE EX-THE") == []
    result = screener.screen_raw(_mt103(":50K:/123\nTHE\nHAMBURG\n:59:JANE DOE"))
    assert result.decision == "pass"
