"""Screening payment messages: every party, agent, identifier and line of free text.

A message passes when nothing in it reaches the alert threshold, and is held otherwise. Each
hit says where it is (MT field tag or ISO element path), what matched, its score and why:

- BICs exactly and branch-insensitively against list BICs (``FTBDKPPYXXX`` = ``FTBDKPPY``),
  and any bank located in a country whose banks are all restricted (KP);
- LEIs and other party identifiers exactly; party names with the matcher, including names
  split across the 35-character lines of an MT field (line 1, lines 1+2 with and without a
  space);
- account numbers read as IBANs: a KP account, or a bank code mapping to a listed BIC;
- countries of structured addresses (50F ``3/KP/...``, ``PstlAdr/Ctry``);
- free text and address lines with the Aho-Corasick scanner (freetext.py), including MMSI
  numbers and vessel mentions ("MV NAME FLAG KP", "EX-NAME") and extra vessel entities.

Party screening results are cached per distinct party (name, role, country): the same
customers and banks recur across a payment stream, and a cached party costs a dict look-up.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from scrutiny.errors import QueryError
from scrutiny.match import ids
from scrutiny.match.explain import names_equal
from scrutiny.match.forms import index_keys, name_forms
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import Hit, Query
from scrutiny.model import Entity, EntityType, IdKind
from scrutiny.payments import parse_message, split_messages
from scrutiny.payments.accounts import read_account
from scrutiny.payments.bic import SANCTIONED_BANK_COUNTRIES, bic_country, institution_code
from scrutiny.payments.crypto import CryptoIndex
from scrutiny.payments.freetext import FreeTextScanner, TextHit
from scrutiny.payments.message import Party, PaymentMessage, PaymentParseError
from scrutiny.payments.vessels import VesselBook
from scrutiny.text.normalize import fold

COUNTRY_SCORE = 0.9
FUZZY_KINDS = frozenset({"name", "vessel"})
PARTY_CACHE_SIZE = 100_000
WORDS_CACHE = 1 << 16


@dataclass(frozen=True, slots=True)
class PaymentHit:
    """One reason to hold a message, located in it."""

    location: str  # ":56A:", "B/:50K:", "/Document/.../UltmtCdtr", ".../RmtInf/Ustrd[1]"
    kind: str  # name, bic, bic_country, lei, identifier, country, place, imo, vessel, ccc, crypto
    matched_text: str
    score: float
    entity_id: str | None = None
    list_id: str | None = None
    programs: tuple[str, ...] = ()
    list_name: str | None = None
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "location": self.location,
            "kind": self.kind,
            "matched_text": self.matched_text,
            "score": round(self.score, 4),
            "entity_id": self.entity_id,
            "list": self.list_id,
            "programs": list(self.programs),
            "list_name": self.list_name,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The verdict on one message: ``pass``, ``hold``, or ``error`` when it could not be read."""

    source: str
    decision: str
    message_type: str | None = None
    reference: str | None = None
    hits: tuple[PaymentHit, ...] = ()
    error: str | None = None
    error_location: str | None = None
    notes: tuple[str, ...] = ()  # what was odd but not a reason to hold (a malformed IBAN)

    @property
    def held(self) -> bool:
        return self.decision == "hold"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the `screen-payment --json` line and the API response)."""
        return {
            "source": self.source,
            "decision": self.decision,
            "message_type": self.message_type,
            "reference": self.reference,
            "hits": [h.to_dict() for h in self.hits],
            "error": self.error,
            "error_location": self.error_location,
            "notes": list(self.notes),
        }


class PaymentScreener:
    """Screens parsed messages against one matcher (and optionally the crypto address list)."""

    def __init__(
        self,
        matcher: Matcher,
        *,
        crypto: CryptoIndex | None = None,
        threshold: float | None = None,
        vessels: Iterable[Entity] | None = None,
    ) -> None:
        """`vessels`: extra vessel entities (e.g. the UN 1718 designated vessels) screened by
        IMO, MMSI and name in free text, whether or not the matcher's lists carry them."""
        self.matcher = matcher
        self.threshold = matcher.threshold if threshold is None else threshold
        self.vessels = VesselBook(vessels or ())
        self.scanner = FreeTextScanner(matcher, crypto, self.threshold, self.vessels)
        self._party_cache: dict[tuple[Any, ...], tuple[PaymentHit, ...]] = {}
        self._name_cache: dict[tuple[Any, ...], list[Hit]] = {}
        self._candidate_cache: dict[tuple[Any, ...], list[str]] = {}
        self._lock = threading.Lock()
        # A party (debtor, creditor, agent) is a person or a company; a ship holds no account.
        # Vessel names reach payments in free text, where the scanner looks for them, so a
        # party's name holds on a listed vessel only when it is that vessel's name exactly:
        # otherwise every customer one letter from a tanker (PERRIN / PERARIN) is held.
        self._vessel_ids = frozenset(
            e.id for e in matcher.index.entities if e.schema == str(EntityType.VESSEL)
        )

    # --- whole messages ------------------------------------------------------------------

    def screen(self, message: PaymentMessage, *, source: str = "<message>") -> PaymentResult:
        """Screen a parsed message."""
        hits: list[PaymentHit] = []
        notes: list[str] = []
        for party in message.parties:
            hits.extend(self._party(party))
            if party.account:
                hits.extend(self._account(party.location, party.account, False, notes))
        for account in message.accounts:
            hits.extend(self._account(account.location, account.value, account.is_iban, notes))
        for text in message.free_texts:
            hits.extend(_located(text.location, self.scanner.scan(text.text)))
        # Exact findings (a listed BIC, IMO or address, a KP bank or place) hold whatever the
        # name model's threshold; fuzzy name findings hold when they reach it.
        hits = [h for h in hits if h.kind not in FUZZY_KINDS or h.score >= self.threshold]
        hits.sort(key=lambda h: (-h.score, h.location))
        return PaymentResult(
            source=source,
            decision="hold" if hits else "pass",
            message_type=message.message_type,
            reference=message.reference,
            hits=tuple(hits),
            notes=tuple(notes),
        )

    def screen_raw(self, raw: bytes | str, *, source: str = "<message>") -> PaymentResult:
        """Parse and screen one message; PaymentParseError if it is malformed."""
        return self.screen(parse_message(raw, source=source), source=source)

    def screen_stream(
        self, raw: bytes | str, *, source: str = "<stream>"
    ) -> Iterator[PaymentResult]:
        """Every message of a file or stream; a malformed one gives an ``error`` result."""
        try:
            texts = split_messages(raw, source=source)
        except PaymentParseError as exc:  # the stream itself is unreadable (not UTF-8)
            yield PaymentResult(source, "error", error=str(exc), error_location=exc.where)
            return
        for n, text in enumerate(texts, 1):
            name = f"{source}#{n}"
            try:
                yield self.screen_raw(text, source=name)
            except PaymentParseError as exc:
                yield PaymentResult(name, "error", error=str(exc), error_location=exc.where)

    # --- parties -------------------------------------------------------------------------

    def _party(self, party: Party) -> tuple[PaymentHit, ...]:
        # Keyed without the location: the same customer as 50K in one message and as Dbtr
        # in the next is one screening; its hits are relocated on the way out.
        key = (
            party.is_agent,
            party.name_lines,
            party.address_lines,
            party.country,
            party.bic,
            party.lei,
            party.identifiers,
        )
        cached = self._party_cache.get(key)
        if cached is None:
            cached = tuple(self._screen_party(dataclasses.replace(party, location="")))
            with self._lock:
                if len(self._party_cache) >= PARTY_CACHE_SIZE:
                    self._party_cache.clear()
                self._party_cache[key] = cached
        return tuple(dataclasses.replace(h, location=party.location) for h in cached)

    def _screen_party(self, party: Party) -> Iterator[PaymentHit]:
        where = party.location
        exact: list[PaymentHit] = []
        if party.bic:
            exact.extend(self._bic(where, party.bic))
        if party.lei:
            exact.extend(self._identifier(where, party.lei, IdKind.LEI, "lei"))
        for value in party.identifiers:
            exact.extend(self._identifier(where, value, None, "identifier"))
        yield from exact
        if party.country in SANCTIONED_BANK_COUNTRIES:
            yield PaymentHit(
                where,
                "country",
                party.country,
                COUNTRY_SCORE,
                explanation={"reason": f"party address in {party.country}"},
            )
        # A party already identified exactly (its BIC or LEI is on the list) is held whatever
        # its name scores: the name would only cost a matcher call to confirm it.
        if not any(h.entity_id is not None and h.score >= 1.0 for h in exact):
            yield from self._names(party)
        if party.address_lines:
            address = " ".join(party.address_lines)
            yield from _located(where, self.scanner.scan(address, names=False))

    def _bic(self, where: str, bic: str) -> Iterator[PaymentHit]:
        index = self.matcher.index
        key = f"bic:{institution_code(bic)}"
        for row in index.id_index.get(key, ()):
            record = index.entities[row]
            yield PaymentHit(
                where,
                "bic",
                bic,
                1.0,
                record.id,
                record.list_id,
                record.programs,
                record.name,
                {
                    "reason": "BIC of a listed bank (branch code ignored)",
                    "identifier": key,
                    "list_version": {
                        "publisher_date": record.publisher_date,
                        "source_file": record.source_file,
                    },
                },
            )
        if bic_country(bic) in SANCTIONED_BANK_COUNTRIES:
            yield PaymentHit(
                where,
                "bic_country",
                bic,
                1.0,
                explanation={"reason": f"bank located in {bic_country(bic)} (BIC country code)"},
            )

    def _account(
        self, where: str, value: str, declared_iban: bool, notes: list[str]
    ) -> Iterator[PaymentHit]:
        """An IBAN of a KP bank, or whose bank code maps to a listed bank's BIC, holds; a
        malformed IBAN is noted (the message is still screened)."""
        reading = read_account(value, declared_iban=declared_iban)
        if reading is None:
            return
        if reading.country in SANCTIONED_BANK_COUNTRIES:
            yield PaymentHit(
                where,
                "iban_country",
                reading.iban,
                1.0,
                explanation={"reason": f"account held in {reading.country} (IBAN country code)"},
            )
        if reading.problem is not None:
            notes.append(
                f"{where}: account {reading.iban!r} is not a valid IBAN: {reading.problem}"
            )
            return
        if reading.bic is None:
            return
        for hit in self._bic(where, reading.bic):
            yield dataclasses.replace(
                hit,
                kind=f"iban_{hit.kind}",
                matched_text=reading.iban,
                explanation={
                    **hit.explanation,
                    "reason": f"IBAN bank code belongs to {reading.bic}: "
                    + str(hit.explanation.get("reason")),
                    "bic": reading.bic,
                },
            )

    def _identifier(
        self, where: str, value: str, kind: IdKind | None, label: str
    ) -> Iterator[PaymentHit]:
        index = self.matcher.index
        keys = ids.id_keys(kind, value)
        for row, key in index.entities_by_id(keys).items():
            record = index.entities[row]
            decisive = ids.is_decisive(key) or key_is_lei(kind)
            yield PaymentHit(
                where,
                label,
                value,
                1.0 if decisive else self.threshold,
                record.id,
                record.list_id,
                record.programs,
                record.name,
                {"reason": f"{label} on the list", "identifier": key},
            )

    def _screen_name(self, text: str, schema: str | None, countries: tuple[str, ...]) -> list[Hit]:
        """Matcher hits for one name, cached: names recur across parties and roles."""
        key = (text, schema, countries)
        cached = self._name_cache.get(key)
        if cached is None:
            query = Query(text, schema=schema, countries=countries)
            try:
                cached = self.matcher.screen(query, threshold=self.threshold, limit=5)
            except QueryError:  # only titles or stop words on the line ("THE"): no name
                cached = []
            with self._lock:
                if len(self._name_cache) >= PARTY_CACHE_SIZE:
                    self._name_cache.clear()
                self._name_cache[key] = cached
        return cached

    def _retrievable(self, text: str) -> bool:
        """Whether any token of `text` (or a one-edit neighbour) is a key of the list index.

        A name none of whose tokens retrieves any list name cannot score against one, so it
        needs no matcher call; the check is a few dict look-ups against the matcher's index
        (exact keys first, typo neighbours only when none is a key).
        """
        forms = name_forms(text)
        if not forms:
            return False
        index = self.matcher.index
        if any(key in index.key_ids for key in index_keys(forms)):
            return True
        return bool(index.query_keys(forms))

    def _list_word(self, word: str) -> bool:
        """Whether a word (a word cut at a line end, glued back) is made of list-name words.

        Every token must be one ("COX-BOND" / "QUEDLINBURG" glues to cox + bondquedlinburg:
        no), exactly: a cut word that is also misspelt is rare, and looking up typo
        neighbours of every glued pair ("SMITHNEW") costs more than the party's screening.
        """
        keys = self.matcher.index.key_ids
        tokens = _mt_words(word)
        return bool(tokens) and all("t:" + token in keys for token in tokens)

    def _word_names(self, text: str, *, core: bool) -> np.ndarray:
        """Ids of the list names holding a word of `text` (or a word one edit from one);
        `core`: the identifying words of the name as matching reads it, not legal forms
        (CO, LTD, SA); otherwise every word as written (an MT line: SWIFT's Latin set)."""
        index = self.matcher.index
        keys: set[int] = set()
        if core:
            tokens: tuple[str, ...] = tuple(t for form in name_forms(text) for t in form.core)
        else:
            tokens = _mt_words(text)
        for token in tokens:
            kid = index.key_ids.get("t:" + token)
            if kid is not None:
                keys.add(kid)
                continue
            keys.update(index.key_ids["t:" + n] for n in index.typo_neighbours(token))
        if not keys:
            return np.empty(0, np.int64)
        offsets, postings = index.offsets, index.postings
        return np.concatenate([postings[offsets[k] : offsets[k + 1]] for k in keys])

    def _shares_list_name(self, first: str, second: str) -> bool:
        """Whether some list name holds a word of each text (an identifying one of the
        first), or the texts joined give a Korean-name key the list has: only then can
        joining them score higher than the first alone."""
        index = self.matcher.index
        for form in name_forms(f"{first} {second}"):
            if form.korean and "k:" + form.korean in index.key_ids:
                return True
        theirs = self._word_names(second, core=False)
        if not len(theirs):
            return False
        ours = self._word_names(first, core=True)
        if not len(ours):
            return False
        mask = np.zeros(len(index.name_text), np.bool_)
        mask[ours] = True
        return bool(mask[theirs].any())

    def _candidates(self, party: Party) -> list[str]:
        """`_name_candidates` of a party, cached by its name lines."""
        key = (party.name, party.name_lines)
        found = self._candidate_cache.get(key)
        if found is None:
            found = _name_candidates(
                party, self._retrievable, self._shares_list_name, self._list_word
            )
            with self._lock:
                if len(self._candidate_cache) >= PARTY_CACHE_SIZE:
                    self._candidate_cache.clear()
                self._candidate_cache[key] = found
        return found

    def _names(self, party: Party) -> Iterator[PaymentHit]:
        candidates = self._candidates(party)
        if not candidates:
            return
        schema = "organization" if party.is_agent else None
        countries = (party.country,) if party.country else ()
        best: dict[str, PaymentHit] = {}
        for text in candidates:
            for hit in self._screen_name(text, schema, countries):
                if hit.entity_id in self._vessel_ids and not names_equal(hit.explanation):
                    continue
                if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                    best[hit.entity_id] = PaymentHit(
                        party.location,
                        "name",
                        text,
                        hit.score,
                        hit.entity_id,
                        hit.list_id,
                        hit.programs,
                        hit.name,
                        hit.explanation,
                    )
        yield from best.values()


def key_is_lei(kind: IdKind | None) -> bool:
    """An LEI is unique worldwide: an exact match identifies the entity."""
    return kind is IdKind.LEI


def _name_candidates(
    party: Party,
    retrievable: Callable[[str], bool],
    shares_list_name: Callable[[str, str], bool],
    list_word: Callable[[str], bool],
) -> list[str]:
    """The name, and for multi-line MT names the first lines joined (names wrap at 35 chars).

    Only texts that can retrieve a list name are kept (`retrievable`). Line 2 is joined to
    line 1 with a space when some list name holds words of both (`shares_list_name`: "PAEK
    CHANG" / "HO"), and without one when the word cut at the line end is a list word on its
    own (`list_word`: "KWANGSON BAN" / "KING CORP" -> BANKING); either way also when the
    join completes a legal form ("AL KHALDI COMPA" / "NY LLC", "FAM HOLDING LIMITED
    LIABILITY" / "COMPANY"), since list names keep their legal forms apart. A city on line 2
    ("LAKE CHRISTOPHER", "NEW KRISTENPORT") adds neither unless a list name holds words of
    both lines, which saves a matcher call per multi-line party.
    """
    found: list[str] = []
    if party.name and retrievable(party.name):
        found.append(party.name)
    lines = [line.strip() for line in party.name_lines if line.strip()]
    if len(lines) >= 2 and _continues_name(lines[1]):
        first = _legal_words(lines[0])
        spaced = f"{lines[0]} {lines[1]}"
        if _legal_words(spaced) - first or shares_list_name(lines[0], lines[1]):
            found.append(spaced)
        head, tail = lines[0].split(), lines[1].split()
        cut = lines[0][-1:].isalpha() and lines[1][:1].isalpha()
        glued = f"{lines[0]}{lines[1]}"  # a word cut at the line end
        if cut and (_legal_words(glued) - first or list_word(head[-1] + tail[0])):
            found.append(glued)
    return list(dict.fromkeys(found))


@lru_cache(maxsize=WORDS_CACHE)
def _mt_words(text: str) -> tuple[str, ...]:
    """The folded words of an MT line ("PROSTROYMOST-SANKT-PETERBURG'" -> prostroymost,
    sankt, peterburg): the matcher's tokens for the Latin text MT allows, for a fraction of
    the cost of reading the line as a name; cached, as lines recur."""
    return tuple(fold(text).split())


def _legal_words(text: str) -> set[str]:
    """The legal-form words of a name as matching reads them (LIMITED -> ltd)."""
    return {word for form in name_forms(text) for word in form.legal}


def _continues_name(line: str) -> bool:
    """Whether an MT name/address line may continue the name on the line before it.

    Addresses carry numbers (house, postcode, room); a short line without digits may be the
    rest of a name wrapped at 35 characters ("PAEK CHANG" / "HO").
    """
    return not any(ch.isdigit() for ch in line) and len(line.split()) <= 3


def _located(where: str, hits: Iterable[TextHit]) -> Iterator[PaymentHit]:
    for hit in hits:
        yield PaymentHit(
            where,
            hit.kind,
            hit.matched_text,
            hit.score,
            hit.entity_id,
            hit.list_id,
            hit.programs,
            hit.list_name,
            hit.explanation,
        )


# --- the process-wide screener -----------------------------------------------------------

_default_lock = threading.Lock()
_default: PaymentScreener | None = None


def default_screener() -> PaymentScreener:
    """A screener over the default matcher (the loaded lists), built on first use."""
    global _default
    from scrutiny.screening.names import default_matcher

    matcher = default_matcher()
    with _default_lock:
        if _default is None or _default.matcher is not matcher:
            _default = PaymentScreener(
                matcher, crypto=configured_crypto(), vessels=configured_vessels()
            )
        return _default


def set_default_screener(screener: PaymentScreener | None) -> None:
    """Replace the process-wide screener (None: rebuild from the default matcher on next use)."""
    global _default
    with _default_lock:
        _default = screener


def configured_vessels() -> list[Entity] | None:
    """The UN 1718 designated vessels from SCRUTINY_VESSELS_FILE or the lists folder, if any."""
    import os

    from scrutiny.settings import load_settings
    from scrutiny.sources.un_vessels import read_1718_vessels

    configured = os.environ.get("SCRUTINY_VESSELS_FILE")
    path = Path(configured) if configured else None
    if path is None:
        lists_dir = load_settings().lists_dir
        if lists_dir is not None:
            candidates = sorted((lists_dir / "archive" / "dprk").glob("un_1718_*vessels*.csv"))
            path = candidates[-1] if candidates else None
    if path is None or not path.exists():
        return None
    return list(read_1718_vessels(path).entities)


def configured_crypto() -> CryptoIndex | None:
    """The crypto extract from SCRUTINY_CRYPTO_FILE, or the one in the lists folder if present."""
    import os

    from scrutiny.settings import load_settings
    from scrutiny.sources.ofac_crypto import read_ofac_crypto

    configured = os.environ.get("SCRUTINY_CRYPTO_FILE")
    path = Path(configured) if configured else None
    if path is None:
        lists_dir = load_settings().lists_dir
        if lists_dir is not None:
            candidates = sorted((lists_dir / "archive" / "ofac").glob("*digital_currency*.json"))
            path = candidates[-1] if candidates else None
    if path is None or not path.exists():
        return None
    return CryptoIndex.build(read_ofac_crypto(path))


def screen_message(raw: bytes | str, *, source: str = "<message>") -> PaymentResult:
    """Screen one raw message (MT or ISO 20022) with the default screener.

    Raises PaymentParseError (naming the field or element) when the message is malformed.
    """
    return default_screener().screen_raw(raw, source=source)
