"""Account numbers of payment parties read as IBANs (ISO 13616), validated with schwifty.

An IBAN names its bank: the country code (characters 1-2) says where the account is held and
the national bank code maps, through schwifty's bank registry, to the bank's BIC. So an
account line of 50K/59 or an ISO DbtrAcct/CdtrAcct can reveal a designated or North Korean
bank even when the message gives no BIC for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import InvalidCountryCode, SchwiftyException

# Shortest IBAN is 15 characters (Norway), longest 34; shorter local account numbers that
# happen to start with two letters and two digits ("SG0011223344") are not IBANs.
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")


@dataclass(frozen=True, slots=True)
class AccountReading:
    """What an IBAN-shaped account says: its country, its bank's BIC, or why it is invalid."""

    iban: str  # compact, upper case
    country: str  # the IBAN's country code (characters 1-2), valid or not
    bic: str | None = None  # the bank's BIC from the bank code, when schwifty's registry has it
    problem: str | None = None  # why the IBAN is invalid (None when valid)


def read_account(value: str, *, declared_iban: bool = False) -> AccountReading | None:
    """Read an account as an IBAN; None when it is not IBAN-shaped (a local account number).

    `declared_iban` (ISO ``Id/IBAN``): the sender says it is an IBAN, so any string is read
    as one and a malformed one is reported rather than passed over.
    """
    compact = "".join(value.split()).upper()
    if not compact or (not declared_iban and not _IBAN_SHAPE.match(compact)):
        return None
    try:
        iban = IBAN(compact)
    except InvalidCountryCode as exc:
        # A country without IBANs (CN, SG, KP ...): a local account number unless the sender
        # declared it an IBAN; its country prefix still says KP when it says KP.
        if declared_iban or compact[:2] == "KP":
            return AccountReading(compact, compact[:2], problem=str(exc))
        return None
    except (SchwiftyException, ValueError) as exc:
        return AccountReading(compact, compact[:2], problem=str(exc) or type(exc).__name__)
    try:
        bic = iban.bic
    except (SchwiftyException, ValueError):
        bic = None  # the bank code is not in the registry: no BIC to compare
    return AccountReading(compact, iban.country_code, str(bic) if bic else None)
