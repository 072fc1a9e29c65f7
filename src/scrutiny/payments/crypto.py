"""Digital-currency addresses: per-currency normalisation and exact matching against the SDN.

Case rules differ by address family, so a naive lower-casing would merge distinct addresses:
- hex addresses (Ethereum and other EVM chains, ``0x`` + 40 hex digits) are case-insensitive;
  the mixed case of EIP-55 is only a checksum, so they compare lower-cased;
- bech32/bech32m (``bc1``, ``ltc1``, ``tb1`` ...) are case-insensitive but never mixed-case;
  they compare lower-cased;
- Base58 (Bitcoin legacy and P2SH, Tron, Litecoin legacy, Dash, Zcash t-addresses, Monero,
  Solana, XRP) is case-sensitive: an address compares exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scrutiny.sources.ofac_crypto import CryptoDesignation

_HEX = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BECH32 = re.compile(r"^(bc|ltc|tb|bcrt)1[02-9ac-hj-np-z]{6,87}$", re.IGNORECASE)
_BASE58 = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{25,110}$")
# Candidate address tokens in free text: long runs of letters and digits.
ADDRESS_TOKEN = re.compile(r"\b(?:0x[0-9a-fA-F]{40}|[0-9A-Za-z]{25,110})\b")


def address_family(address: str) -> str | None:
    """``hex``, ``bech32`` or ``base58`` for a syntactically valid address, else None."""
    if _HEX.match(address):
        return "hex"
    if _BECH32.match(address) and (address.islower() or address.isupper()):
        return "bech32"
    if _BASE58.match(address):
        return "base58"
    return None


def normalize_address(address: str) -> str | None:
    """The comparison form of an address (see the module docstring), None if not an address."""
    address = address.strip()
    family = address_family(address)
    if family is None:
        return None
    return address if family == "base58" else address.lower()


@dataclass
class CryptoIndex:
    """Designated addresses by normalised form, for exact matching."""

    by_address: dict[str, list[CryptoDesignation]]

    @classmethod
    def build(cls, designations: Iterable[CryptoDesignation]) -> CryptoIndex:
        """Index designations; addresses that fail every syntax rule are kept exact."""
        table: dict[str, list[CryptoDesignation]] = {}
        for item in designations:
            key = normalize_address(item.address) or item.address
            table.setdefault(key, []).append(item)
        return cls(table)

    def lookup(self, address: str) -> list[CryptoDesignation]:
        """Designations of this address (normalised per its family), empty if none."""
        key = normalize_address(address)
        return list(self.by_address.get(key, ())) if key else []

    def __len__(self) -> int:
        return len(self.by_address)
