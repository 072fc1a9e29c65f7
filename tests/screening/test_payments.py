"""Payment screening on the corpus in tests/data/payments against the real lists.

Clean messages must pass; every planted North Korean party must be found at its location
(EXPECTED.tsv); malformed messages in a batch give errors while the batch goes on.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scrutiny.match import Matcher
from scrutiny.payments.message import PaymentParseError
from scrutiny.screening.payments import PaymentScreener

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"


@pytest.fixture(scope="module")
def screener(lists_dir: Path) -> PaymentScreener:
    from scrutiny.payments.crypto import CryptoIndex
    from scrutiny.sources.ofac_crypto import read_ofac_crypto
    from scrutiny.sources.ofac_csv import read_sdn_csv
    from scrutiny.sources.un_vessels import read_1718_vessels

    sdn = read_sdn_csv(
        lists_dir / "mirror" / "ofac" / "SDN.CSV",
        alt=lists_dir / "archive" / "ofac" / "ofac_sdn_alt_2025-12-24.csv",
    )
    vessels = read_1718_vessels(
        lists_dir / "archive" / "dprk" / "un_1718_designated_vessels_2020-06-04_extracted.csv"
    )
    matcher = Matcher.from_entities(itertools.chain(sdn.entities, vessels.entities))
    crypto_file = sorted((lists_dir / "archive" / "ofac").glob("*digital_currency*.json"))[0]
    return PaymentScreener(matcher, crypto=CryptoIndex.build(read_ofac_crypto(crypto_file)))


def _expected() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (DATA / "planted" / "EXPECTED.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            file, location, kind, entity = line.split("\t")
            rows.append((file, location, kind, entity))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((DATA / "clean").iterdir()), ids=lambda p: p.name)
def test_clean_messages_pass(screener: PaymentScreener, path: Path) -> None:
    result = screener.screen_raw(path.read_bytes(), source=path.name)
    assert result.decision == "pass", [h.to_dict() for h in result.hits]


@pytest.mark.slow
@pytest.mark.parametrize(("file", "location", "kind", "entity"), _expected())
def test_planted_party_found_where_it_is(
    screener: PaymentScreener, file: str, location: str, kind: str, entity: str
) -> None:
    result = screener.screen_raw((DATA / "planted" / file).read_bytes(), source=file)
    assert result.decision == "hold"
    found = [
        h
        for h in result.hits
        if h.location == location
        and h.kind == kind
        and (h.entity_id == entity if entity != "-" else h.entity_id is None)
    ]
    assert found, [h.to_dict() for h in result.hits]
    hit = found[0]
    if kind in ("name", "vessel"):  # fuzzy findings hold at the threshold; exact ones always
        assert hit.score >= screener.threshold
    else:
        assert hit.score > 0
    assert hit.explanation  # every hit says why
    assert hit.to_dict()["location"] == location


@pytest.mark.slow
def test_every_planted_file_is_held(screener: PaymentScreener) -> None:
    files = sorted(p for p in (DATA / "planted").iterdir() if p.suffix in (".fin", ".xml"))
    assert {f.name for f in files} == {row[0] for row in _expected()}
    assert all(screener.screen_raw(f.read_bytes()).held for f in files)


@pytest.mark.slow
def test_batch_continues_past_malformed(screener: PaymentScreener) -> None:
    raw = (DATA / "batch" / "mixed_mt_stream.fin").read_bytes()
    results = list(screener.screen_stream(raw, source="mixed"))
    assert [r.decision for r in results] == ["pass", "error", "hold", "pass"]
    assert results[1].error_location == ":59a:"
    assert "mixed#2" in (results[1].error or "")


@pytest.mark.slow
def test_malformed_raise_from_screen_raw(screener: PaymentScreener) -> None:
    for path in sorted((DATA / "malformed").iterdir()):
        with pytest.raises(PaymentParseError):
            screener.screen_raw(path.read_bytes(), source=path.name)


@pytest.mark.slow
def test_lazarus_wallet_in_remittance_is_held(screener: PaymentScreener) -> None:
    # An address of a DPRK-program entity from the 2026 extract, written in mixed case
    # (EIP-55) in the message while the list may write it otherwise.
    crypto = screener.scanner.crypto
    assert crypto is not None
    address, designations = next(
        (a, d)
        for a, d in crypto.by_address.items()
        if a.startswith("0x") and any("DPRK" in p for x in d for p in x.programs)
    )
    text = f"Settlement to wallet {address.upper().replace('0X', '0x')} ref 22"
    hits = screener.scanner.scan(text)
    assert any(h.kind == "crypto" and h.entity_id == designations[0].entity_id for h in hits)
