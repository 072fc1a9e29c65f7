"""What a parsed payment message is, whatever its format: parties, agents and free text.

Both parsers (SWIFT MT in `mt.py`, ISO 20022 in `iso20022.py`) reduce a message to a
`PaymentMessage`, so screening knows one shape. Every part keeps its location in the message
(an MT field tag such as ``:50K:`` or an ISO element path such as
``/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/UltmtCdtr``) so a hit can be shown where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.errors import ScrutinyError


class PaymentParseError(ScrutinyError):
    """A payment message is malformed; names the message, the field or element, and the problem."""

    def __init__(self, source: str, where: str | None, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        place = f"{source}:{where}" if where else source
        super().__init__(f"{place}: {problem}")


@dataclass(frozen=True, slots=True)
class Party:
    """A party or agent of a payment as the message gives it (any part may be missing)."""

    location: str  # ":50K:", ":56A:", "B/:59:", or an ISO element path
    role: str  # ordering_customer, beneficiary, intermediary, Dbtr, UltmtCdtr, ...
    is_agent: bool  # a financial institution (agent) rather than a customer
    name: str | None = None
    # Lines of name and address exactly as written (MT 4*35 lines), for split-name screening
    name_lines: tuple[str, ...] = ()
    address_lines: tuple[str, ...] = ()
    country: str | None = None  # ISO alpha-2 from a structured field (50F 3/, PstlAdr/Ctry)
    bic: str | None = None
    account: str | None = None
    lei: str | None = None
    identifiers: tuple[str, ...] = ()  # other party identifiers (national ids, 50F 6/ ...)


@dataclass(frozen=True, slots=True)
class FreeText:
    """Unstructured text of a message: remittance information, instructions, purpose."""

    location: str
    text: str


@dataclass(frozen=True, slots=True)
class Account:
    """An account of a party given apart from it (ISO DbtrAcct, CdtrAcct, ...Acct)."""

    location: str  # ISO element path of the ...Acct element
    value: str  # the IBAN (Id/IBAN) or other account number (Id/Othr/Id)
    is_iban: bool  # given as an IBAN element rather than a proprietary number


@dataclass(frozen=True, slots=True)
class PaymentMessage:
    """One payment message reduced to what screening reads."""

    format: str  # "mt" | "iso20022"
    message_type: str  # "MT103", "MT202", "MT202COV", "pacs.008.001.08", ...
    reference: str | None  # MT :20:, ISO GrpHdr/MsgId
    parties: tuple[Party, ...]
    free_texts: tuple[FreeText, ...]
    accounts: tuple[Account, ...] = ()  # ISO accounts; MT accounts are on their Party
