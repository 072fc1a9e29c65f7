"""Digital-currency addresses: per-currency normalisation and exact matching against the SDN.

Addresses compare in the per-family form of `scrutiny.ids.normalize_crypto_address` (hex and
bech32 case-insensitive, Base58 exact).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scrutiny.ids import normalize_crypto_address
from scrutiny.sources.ofac_crypto import CryptoDesignation

# Candidate address tokens in free text: long runs of letters and digits.
ADDRESS_TOKEN = re.compile(r"\b(?:0x[0-9a-fA-F]{40}|[0-9A-Za-z]{25,110})\b")


@dataclass
class CryptoIndex:
    """Designated addresses by normalised form, for exact matching."""

    by_address: dict[str, list[CryptoDesignation]]

    @classmethod
    def build(cls, designations: Iterable[CryptoDesignation]) -> CryptoIndex:
        """Index designations; addresses that fail every syntax rule are kept exact."""
        table: dict[str, list[CryptoDesignation]] = {}
        for item in designations:
            key = normalize_crypto_address(item.address) or item.address
            table.setdefault(key, []).append(item)
        return cls(table)

    def lookup(self, address: str) -> list[CryptoDesignation]:
        """Designations of this address (normalised per its family), empty if none."""
        key = normalize_crypto_address(address)
        return list(self.by_address.get(key, ())) if key else []

    def __len__(self) -> int:
        return len(self.by_address)
