"""OFAC SDN digital-currency addresses from the JSON extract (``all_addresses.json`` shape).

The extract lists every address OFAC published in SDN remarks ("Digital Currency Address -
XBT 1Q1p...") with the entity number, name, programs, chain and OFAC currency tickers. It is
fuller and newer than the remarks of an older SDN.CSV, so payment screening reads it beside
the list. Entity ids are the SDN's own (``ofac_sdn:<ent_num>``) so a hit links to the SDN entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from scrutiny.errors import ListParseError
from scrutiny.model import entity_id
from scrutiny.sources import open_source


class OfacCryptoParseError(ListParseError):
    """The digital-currency address extract is not in the expected shape."""


@dataclass(frozen=True, slots=True)
class CryptoDesignation:
    """One designated address and the SDN entry it belongs to."""

    address: str
    currencies: tuple[str, ...]  # OFAC tickers: XBT, ETH, USDT, TRX ...
    chain: str | None
    entity_id: str
    entity_name: str
    programs: tuple[str, ...]
    date_listed: str | None


def read_ofac_crypto(path: Path) -> list[CryptoDesignation]:
    """Read the extract (plain or gzip); raises OfacCryptoParseError naming the bad record."""
    with open_source(path) as handle:
        raw = handle.read()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise OfacCryptoParseError(path.name, None, f"invalid JSON: {exc}") from None
    records = data.get("addresses") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise OfacCryptoParseError(path.name, None, "expected an object with an 'addresses' list")
    found = []
    for n, record in enumerate(records):
        where = f"addresses[{n}]"
        if not isinstance(record, dict):
            raise OfacCryptoParseError(path.name, where, "expected an object")
        address = record.get("address")
        ent = record.get("entity_id")
        if not isinstance(address, str) or not address.strip():
            raise OfacCryptoParseError(path.name, where, "missing 'address'")
        if not isinstance(ent, int | str) or not str(ent).strip():
            raise OfacCryptoParseError(path.name, where, "missing 'entity_id'")
        found.append(
            CryptoDesignation(
                address=address.strip(),
                currencies=tuple(str(t).upper() for t in record.get("ofac_tickers") or ()),
                chain=record.get("chain"),
                entity_id=entity_id("ofac_sdn", str(ent).strip()),
                entity_name=str(record.get("entity_name") or ""),
                programs=tuple(record.get("programs") or ()),
                date_listed=record.get("date_listed"),
            )
        )
    return found
