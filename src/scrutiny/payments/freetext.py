"""Free-text screening: one Aho-Corasick pass over a message's narrative, then fuzzy confirmation.

Remittance information and instructions are unstructured: a list name, a vessel's IMO number,
a DPRK port or a Chinese commercial code sequence can sit anywhere in them. Looping over every
list name per message would cost tens of thousands of comparisons; instead one automaton
(pyahocorasick) holds, as whole-word patterns over folded text:

- every full list name (exact mentions), and the rare tokens of list names as *seeds*: a seed
  hit proposes the names holding it, the words around it are compared with each such name by
  the matcher, so a misspelt name ("Dandong Hongxiang Industrial Developement") is confirmed
  by the same scorer as a party name;
- the IMO numbers of listed vessels, and the names and IMO numbers of extra vessel entities
  (the UN 1718 designated vessels when the loaded lists lack them: `VesselBook`);
- sanctioned ports and places and country names/codes (data/payments_places.tsv,
  data/payments_countries.tsv);
- the Chinese commercial (telegraph) code sequences of list names written in Han characters.

Digital-currency addresses are found by their shape and matched exactly (crypto.py); MMSI
numbers by their shape (nine digits, a ship MID) against list vessels' MMSI; vessel mentions
("MV NAME FLAG KP", "EX-NAME") are read by vessels.py and their names screened as vessels.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import ahocorasick
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from scrutiny.errors import QueryError
from scrutiny.match import ids
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import Query
from scrutiny.model import EntityType, IdKind
from scrutiny.payments.crypto import ADDRESS_TOKEN, CryptoIndex
from scrutiny.payments.vessels import VesselBook, VesselRef, mmsi_numbers, vessel_mentions
from scrutiny.text.normalize import fold

SEED_MIN_LEN = 4  # shorter tokens propose too many names to confirm
SEED_MAX_NAMES = 40  # a token in more names than this is not distinctive enough to seed
VESSEL_NAME_CACHE = 50_000
NEAR_CACHE = 1 << 18
SANCTIONED_FLAGS = frozenset({"KP"})  # a DPRK-flagged vessel is covered by UNSCR 2321 para 8
SINGLE_NAME_MIN_LEN = 5  # a one-word list name is an exact pattern only when this long
BOOK_GATE = 70  # rapidfuzz ratio of space-free names below which a book name is not scored
PLACE_SCORE = 0.9  # a sanctioned place or country named in a payment: held for review
WORD_CACHE = 1 << 16
_CHUNK = re.compile(r"\S+")
_PIECES = re.compile(r"[^\W\d_]+|\d+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class TextHit:
    """One thing found in a text, before it becomes a located PaymentHit."""

    kind: str  # name, vessel, vessel_flag, imo, mmsi, place, country, ccc, crypto
    matched_text: str  # the words of the message that matched
    score: float
    entity_id: str | None = None
    list_id: str | None = None
    programs: tuple[str, ...] = ()
    list_name: str | None = None
    explanation: dict[str, Any] = field(default_factory=dict)


def words(text: str) -> list[tuple[str, int, int]]:
    """Folded words of a text with their character spans; letters and digits split apart.

    Names and messages go through this same function, so patterns and text agree on
    "People's" -> "peoples" and "IMO9191773" -> "imo", "9191773".
    """
    result: list[tuple[str, int, int]] = []
    for chunk in _CHUNK.finditer(text):
        start, end = chunk.span()
        for piece in _pieces(chunk.group()):
            result.append((piece, start, end))
    return result


@lru_cache(maxsize=WORD_CACHE)
def _pieces(chunk: str) -> tuple[str, ...]:
    """The folded words of one whitespace-free chunk (cached: message words recur)."""
    return tuple(_PIECES.findall(fold(chunk).replace(" ", "")))


@cache
def _table(name: str) -> tuple[tuple[str, ...], ...]:
    raw = files("scrutiny.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(
        tuple(part.strip() for part in line.split("\t"))
        for line in raw.splitlines()
        if line.strip() and not line.startswith("#")
    )


class FreeTextScanner:
    """The automaton over a matcher's list names and the sanctioned-place tables."""

    def __init__(
        self,
        matcher: Matcher,
        crypto: CryptoIndex | None = None,
        threshold: float | None = None,
        vessels: VesselBook | None = None,
    ) -> None:
        self.matcher = matcher
        self.crypto = crypto
        self.vessels = vessels or VesselBook()
        self._vessel_cache: dict[tuple[str, str | None], list[TextHit]] = {}
        self._vessel_ids = frozenset(r.id for r in matcher.index.entities if r.schema == "Vessel")
        # Listed vessel names without spaces: a name written after MV/VSL/EX that equals one
        # is that vessel, however short ("MV GREENLIGHT"); the scorer discounts one-word names.
        self._vessel_exact: dict[str, list[int]] = {}
        for name_id, text in enumerate(matcher.index.name_text):
            if matcher.index.entities[int(matcher.index.name_entity[name_id])].schema == "Vessel":
                self._vessel_exact.setdefault(_squash(text), []).append(name_id)
        self.threshold = matcher.threshold if threshold is None else threshold
        index = matcher.index
        payloads: dict[str, list[tuple[str, Any]]] = {}
        token_names: dict[str, list[int]] = {}
        self._name_words: list[tuple[str, ...]] = []
        for name_id, text in enumerate(index.name_text):
            tokens = tuple(w for w, _, _ in words(text))
            self._name_words.append(tokens)
            for token in set(tokens):
                if len(token) >= SEED_MIN_LEN and token.isalpha():
                    token_names.setdefault(token, []).append(name_id)
        for name_id, tokens in enumerate(self._name_words):
            if len(tokens) > 1 or (tokens and len(tokens[0]) >= SINGLE_NAME_MIN_LEN):
                if len(tokens) == 1 and len(token_names.get(tokens[0], ())) > 3:
                    continue  # a one-word name that is also a word of other names
                payloads.setdefault(" ".join(tokens), []).append(("name", name_id))
            han = "".join(_HAN.findall(index.name_text[name_id]))
            if len(han) >= 2:
                from scrutiny.text.chinese import han_to_telegraph

                codes = han_to_telegraph(han)
                if codes:
                    payloads.setdefault(" ".join(codes), []).append(("ccc", name_id))
        self._seeds = {t: n for t, n in token_names.items() if len(n) <= SEED_MAX_NAMES}
        for token in self._seeds:
            payloads.setdefault(token, []).append(("seed", token))
        for key in index.id_index:
            if key.startswith("imo:"):
                payloads.setdefault(key[4:], []).append(("imo", key))
        for imo in self.vessels.by_imo:
            payloads.setdefault(imo, []).append(("imo", f"imo:{imo}"))
        for ref in self.vessels.names:
            tokens = tuple(w for w, _, _ in words(ref.name))
            if len(tokens) > 1 or (tokens and len(tokens[0]) >= SINGLE_NAME_MIN_LEN):
                payloads.setdefault(" ".join(tokens), []).append(("xvessel", ref))
        for name, country, kind in _table("payments_places.tsv"):
            payloads.setdefault(_pattern(name), []).append(("place", (name, country, kind)))
        for term, country, kind in _table("payments_countries.tsv"):
            payloads.setdefault(_pattern(term), []).append((f"country_{kind}", (term, country)))
        automaton = ahocorasick.Automaton()
        for pattern, items in payloads.items():
            if pattern:
                automaton.add_word(f" {pattern} ", items)
        automaton.make_automaton()
        self._automaton = automaton
        self._seed_vocabulary: dict[str, tuple[str, ...]] = {}  # built per seed on first use
        self._seed_names: dict[str, dict[str, list[int]]] = {}
        self._seed_short: dict[str, tuple[int, ...]] = {}
        self._near_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._compared: dict[tuple[str, int], tuple[float, dict[str, Any]]] = {}

    def scan(self, text: str, *, names: bool = True) -> list[TextHit]:
        """Everything the text mentions; `names=False` skips list names (for party addresses)."""
        found = words(text)
        if not found:
            return []
        joined = " " + " ".join(w for w, _, _ in found) + " "
        starts: list[int] = []
        pos = 1
        for w, _, _ in found:
            starts.append(pos)
            pos += len(w) + 1
        hits: list[TextHit] = []
        seeds: list[tuple[int, str]] = []
        for end, items in self._automaton.iter(joined):
            # The pattern is " a b " ending at `end`; its first word starts after the space.
            for kind, payload in items:
                length = _pattern_length(kind, payload, self)
                first = _word_at(starts, end - length + 1)
                last = _word_at(starts, end - 1)
                span = text[found[first][1] : found[last][2]]
                if kind == "seed":
                    if names:
                        seeds.append((first, payload))
                    continue
                if kind == "imo":
                    hits.extend(self.imo_hits(payload, span))
                    continue
                hit = self._resolve(kind, payload, span, names)
                if hit is not None:
                    hits.append(hit)
        if seeds:
            hits.extend(self._confirm_seeds(text, found, seeds))
        if names:
            hits.extend(self._mmsi(text))
            hits.extend(self._vessel_mentions(text))
        if self.crypto is not None or self.matcher.index.id_index:
            hits.extend(self._crypto(text))
        return _best_per_target(hits)

    # --- resolving automaton hits --------------------------------------------------------

    def _resolve(self, kind: str, payload: Any, span: str, names: bool) -> TextHit | None:
        index = self.matcher.index
        if kind in ("name", "ccc"):
            if not names:
                return None
            record = index.entities[int(index.name_entity[payload])]
            list_name = index.name_text[payload]
            if kind == "ccc":
                explanation = {"reason": "Chinese commercial code sequence of a list name"}
                score = 1.0
            else:
                score, explanation = self._compare(span, payload)
                explanation = {"reason": "list name written in the text", **explanation}
            return TextHit(
                "vessel" if record.schema == "Vessel" and kind == "name" else kind,
                span,
                score,
                record.id,
                record.list_id,
                record.programs,
                list_name,
                explanation,
            )
        if kind == "xvessel":
            if not names:
                return None
            comparison = self.matcher.compare(span, payload.name, schema=EntityType.VESSEL)
            reason = "former name of a listed vessel" if payload.former else "listed vessel name"
            return _ref_hit(
                "vessel",
                span,
                payload,
                comparison.score,
                {"reason": f"{reason} written in the text", **comparison.explanation},
            )
        if kind == "imo":
            # The same vessel is often on several lists (SDN and UN 1718): the first here,
            # the others through `imo_hits`.
            hits = self.imo_hits(payload, span)
            return hits[0] if hits else None
        if kind == "place":
            name, country, place_kind = payload
            return TextHit(
                "place",
                span,
                PLACE_SCORE,
                explanation={"reason": f"{place_kind} in {country}", "country": country},
                list_name=name,
            )
        if kind.startswith("country_"):
            term, country = payload
            if kind == "country_code" and not span.strip(".,;:()/").isupper():
                return None
            return TextHit(
                "country",
                span,
                PLACE_SCORE,
                explanation={"reason": f"sanctioned country {country} named", "country": country},
                list_name=term,
            )
        return None

    def imo_hits(self, key: str, span: str) -> list[TextHit]:
        """One hit per listed vessel carrying this IMO key (``imo:7389704``)."""
        index = self.matcher.index
        return [
            TextHit(
                "imo",
                span,
                1.0,
                record.id,
                record.list_id,
                record.programs,
                record.name,
                {"reason": f"IMO number of a listed vessel ({key})", "identifier": key},
            )
            for record in (index.entities[row] for row in index.id_index.get(key, ()))
        ] + [
            _ref_hit("imo", span, ref, 1.0, {"reason": f"IMO number of a listed vessel ({key})"})
            for ref in self.vessels.by_imo.get(key[4:], ())
        ]

    # --- vessels -------------------------------------------------------------------------

    def _mmsi(self, text: str) -> list[TextHit]:
        """Nine-digit ship MMSIs of the text matched against list vessels' MMSI identifiers."""
        index = self.matcher.index
        hits: list[TextHit] = []
        for mmsi, written in mmsi_numbers(text):
            reason = {"reason": f"MMSI of a listed vessel ({mmsi})", "identifier": f"mmsi:{mmsi}"}
            for row in index.id_index.get(f"id:{mmsi}", ()):
                record = index.entities[row]
                if record.schema == "Vessel":
                    hits.append(
                        TextHit(
                            "mmsi",
                            written,
                            1.0,
                            record.id,
                            record.list_id,
                            record.programs,
                            record.name,
                            reason,
                        )
                    )
            hits.extend(
                _ref_hit("mmsi", written, ref, 1.0, reason)
                for ref in self.vessels.by_mmsi.get(mmsi, ())
            )
        return hits

    def _vessel_mentions(self, text: str) -> list[TextHit]:
        """Vessels named with MV/MT/VSL/EX-: a sanctioned flag, and each name (current or
        former) screened as a vessel by the matcher and against the extra vessel book."""
        hits: list[TextHit] = []
        for mention in vessel_mentions(text):
            if mention.flag in SANCTIONED_FLAGS:
                hits.append(
                    TextHit(
                        "vessel_flag",
                        mention.text,
                        1.0,
                        list_name=mention.name,
                        explanation={
                            "reason": f"vessel flagged {mention.flag}",
                            "vessel": mention.name,
                            "flag": mention.flag,
                        },
                    )
                )
            named = [(mention.name, False)] if mention.name else []
            named += [(former, True) for former in mention.former_names]
            for name, written_as_former in named:
                for hit in self._vessel_name(name, mention.flag):
                    explanation = {**hit.explanation, "mention": mention.text}
                    if written_as_former:
                        explanation["written_as"] = "former name (ex-)"
                    if mention.flag:
                        explanation["flag"] = mention.flag
                    hits.append(dataclasses.replace(hit, explanation=explanation))
        return hits

    def _vessel_name(self, name: str, flag: str | None) -> list[TextHit]:
        """Vessel hits for one name written in a message (cached: ship names recur)."""
        key = (name, flag)
        cached = self._vessel_cache.get(key)
        if cached is not None:
            return cached
        hits: list[TextHit] = []
        folded = _squash(name)
        index = self.matcher.index
        for name_id in self._vessel_exact.get(folded, ()):
            record = index.entities[int(index.name_entity[name_id])]
            hits.append(
                TextHit(
                    "vessel",
                    name,
                    1.0,
                    record.id,
                    record.list_id,
                    record.programs,
                    record.name,
                    {
                        "reason": "name of a listed vessel, written as a vessel's name",
                        "list_name_matched": index.name_text[name_id],
                    },
                )
            )
        query = Query(name, schema=EntityType.VESSEL, countries=(flag,) if flag else ())
        try:
            screened = self.matcher.screen(query, threshold=self.threshold, limit=3)
        except QueryError:  # no name left to match ("MV THE"): nothing to screen
            screened = []
        for hit in screened:
            if hit.entity_id not in self._vessel_ids:
                continue  # a person or company of the same name is not the ship named
            hits.append(
                TextHit(
                    "vessel",
                    name,
                    hit.score,
                    hit.entity_id,
                    hit.list_id,
                    hit.programs,
                    hit.name,
                    {"reason": "vessel named in the text", **hit.explanation},
                )
            )
        for ref in self.vessels.names:
            # Cheap gate before scoring: vessel names are short, spacing varies
            # ("HONG WON 88" / "Hongwon 88"), so compare them without spaces first.
            squashed = _squash(ref.name)
            if squashed == folded:
                reason = "former name of a listed vessel" if ref.former else "listed vessel name"
                hits.append(_ref_hit("vessel", name, ref, 1.0, {"reason": f"{reason} (exact)"}))
                continue
            if fuzz.ratio(folded, squashed) < BOOK_GATE:
                continue
            comparison = self.matcher.compare(name, ref.name, schema=EntityType.VESSEL)
            if comparison.score >= self.threshold:
                reason = "former name of a listed vessel" if ref.former else "listed vessel name"
                hits.append(
                    _ref_hit(
                        "vessel",
                        name,
                        ref,
                        comparison.score,
                        {"reason": reason, **comparison.explanation},
                    )
                )
        if len(self._vessel_cache) >= VESSEL_NAME_CACHE:
            self._vessel_cache.clear()
        self._vessel_cache[key] = hits
        return hits

    def _confirm_seeds(
        self, text: str, found: list[tuple[str, int, int]], seeds: list[tuple[int, str]]
    ) -> list[TextHit]:
        """Compare the words around each seed with every list name holding the seed."""
        index = self.matcher.index
        hits: list[TextHit] = []
        tokens = [w for w, _, _ in found]
        tried: set[tuple[int, int, int]] = set()
        for position, seed in seeds:
            # Where each word of the seed's names occurs in the text, exactly or within the
            # edits its length allows: one pass over the text's words, each looked up once
            # per seed (`_near_words`, cached across messages: remittance words recur).
            where: dict[str, list[int]] = {}
            for i, token in enumerate(tokens):
                for word in self._near_words(seed, token):
                    where.setdefault(word, []).append(i)
            # Only names enough of whose other words occur anywhere in the text are placed
            # (a name needing just the seed always is).
            present = dict.fromkeys(self._seed_short[seed], 0)
            names_with = self._seed_names[seed]
            for word in where:
                if word != seed:
                    for name_id in names_with[word]:
                        present[name_id] = present.get(name_id, 0) + 1
            for name_id, count in present.items():
                name_tokens = self._name_words[name_id]
                if count + 1 < _words_needed(name_tokens):
                    continue
                offset = name_tokens.index(seed)
                size = len(name_tokens)
                lo = max(0, position - offset)
                hi = min(len(tokens), lo + size)
                if (name_id, lo, hi) in tried or not _plausible(name_tokens, where, lo, hi):
                    continue
                tried.add((name_id, lo, hi))
                span = text[found[lo][1] : found[hi - 1][2]]
                list_name = index.name_text[name_id]
                score, explanation = self._compare(span, name_id)
                if score < self.threshold:
                    continue
                record = index.entities[int(index.name_entity[name_id])]
                hits.append(
                    TextHit(
                        "vessel" if record.schema == "Vessel" else "name",
                        span,
                        score,
                        record.id,
                        record.list_id,
                        record.programs,
                        list_name,
                        {"reason": f"fuzzy match around '{seed}'", **explanation},
                    )
                )
        return hits

    def _near_words(self, seed: str, token: str) -> tuple[str, ...]:
        """Words of the names holding `seed` that a text word may be a spelling of."""
        key = (seed, token)
        found = self._near_cache.get(key)
        if found is None:
            vocabulary = self._seed_vocabulary.get(seed)
            if vocabulary is None:
                names_with: dict[str, list[int]] = {}
                for name_id in self._seeds[seed]:
                    for word in dict.fromkeys(self._name_words[name_id]):
                        names_with.setdefault(word, []).append(name_id)
                vocabulary = tuple(sorted(names_with))
                self._seed_vocabulary[seed] = vocabulary
                self._seed_names[seed] = names_with
                self._seed_short[seed] = tuple(
                    n for n in self._seeds[seed] if _words_needed(self._name_words[n]) <= 1
                )
            if token.isdigit():  # letters and digits are separate words: digits only equal
                found = (token,) if token in vocabulary else ()
            else:
                found = tuple(w for w in vocabulary if w == token or _near(w, token))
            if len(self._near_cache) >= NEAR_CACHE:
                self._near_cache.clear()
            self._near_cache[key] = found
        return found

    def _compare(self, span: str, name_id: int) -> tuple[float, dict[str, Any]]:
        """The matcher's score of a span of text against one list name (cached: the same
        remittance phrases recur message after message)."""
        key = (span, name_id)
        cached = self._compared.get(key)
        if cached is None:
            comparison = self.matcher.compare(span, self.matcher.index.name_text[name_id])
            cached = (comparison.score, comparison.explanation)
            if len(self._compared) >= NEAR_CACHE:
                self._compared.clear()
            self._compared[key] = cached
        return cached

    def _crypto(self, text: str) -> list[TextHit]:
        hits: list[TextHit] = []
        for found in ADDRESS_TOKEN.finditer(text):
            address = found.group()
            if self.crypto is not None:
                for item in self.crypto.lookup(address):
                    hits.append(
                        TextHit(
                            "crypto",
                            address,
                            1.0,
                            item.entity_id,
                            "ofac_sdn",
                            item.programs,
                            item.entity_name,
                            {
                                "reason": "designated digital-currency address",
                                "currencies": list(item.currencies),
                                "date_listed": item.date_listed,
                            },
                        )
                    )
            keys = ids.id_keys(IdKind.CRYPTO, address)
            for row, key in self.matcher.index.entities_by_id(keys).items():
                record = self.matcher.index.entities[row]
                hits.append(
                    TextHit(
                        "crypto",
                        address,
                        1.0,
                        record.id,
                        record.list_id,
                        record.programs,
                        record.name,
                        {"reason": "digital-currency address on the list", "identifier": key},
                    )
                )
        return hits


def _pattern(text: str) -> str:
    return " ".join(w for w, _, _ in words(text))


def _pattern_length(kind: str, payload: Any, scanner: FreeTextScanner) -> int:
    # The automaton reports only the end of a match; the pattern's length gives its start.
    if kind in ("name", "ccc"):
        tokens = scanner._name_words[payload]
        if kind == "ccc":
            han = "".join(_HAN.findall(scanner.matcher.index.name_text[payload]))
            return len(han) * 5 - 1
        return len(" ".join(tokens))
    if kind == "seed":
        return len(payload)
    if kind == "xvessel":
        return len(_pattern(payload.name))
    if kind == "imo":
        return 7
    if kind == "place":
        return len(_pattern(payload[0]))
    return len(_pattern(payload[0]))


def _ref_hit(kind: str, span: str, ref: VesselRef, score: float, why: dict[str, Any]) -> TextHit:
    explanation = {**why, "list_name_matched": ref.name}
    if ref.imo:
        explanation["imo"] = ref.imo
    return TextHit(
        kind, span, score, ref.entity_id, ref.list_id, ref.programs, ref.primary_name, explanation
    )


def _squash(name: str) -> str:
    return "".join(w for w, _, _ in words(name))


def _word_at(starts: list[int], offset: int) -> int:
    import bisect

    return max(0, bisect.bisect_right(starts, offset) - 1)


def _edits_allowed(word: str) -> int:
    """Edits a written word may be away from a list-name word of this length and still be
    worth scoring: none for up to three letters ("rb" is not "q2"), one up to five, else two."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 5 else 2


def _near(word: str, token: str) -> bool:
    """`token` (from the text) is within the edits `word` (of a list name) allows."""
    allowed = _edits_allowed(word)
    if allowed == 0 or abs(len(word) - len(token)) > allowed:
        return False
    return OSA.distance(word, token, score_cutoff=allowed) <= allowed


def _words_needed(name_tokens: tuple[str, ...]) -> int:
    """Distinct words of a list name a text must hold for `_plausible` to accept it."""
    return len(set(name_tokens)) - (1 if len(name_tokens) > 2 else 0)


def _plausible(name_tokens: tuple[str, ...], where: dict[str, list[int]], lo: int, hi: int) -> bool:
    """Cheap check before scoring: all but one of the name's words are in the window
    tokens[lo:hi], each exactly or within the edits its length allows (names of one or two
    words: all). `where`: the text positions of each such word."""
    if lo >= hi:
        return False
    allowed = 1 if len(name_tokens) > 2 else 0
    for token in name_tokens:
        if any(lo <= i < hi for i in where.get(token, ())):
            continue
        allowed -= 1
        if allowed < 0:
            return False
    return True


def _best_per_target(hits: Iterable[TextHit]) -> list[TextHit]:
    """One hit per kind and list entity (or place/country), the best scoring one; what a
    vessel mention adds (how the name was written, the flag) is kept on it."""
    best: dict[tuple[str, str], TextHit] = {}
    context: dict[tuple[str, str], dict[str, Any]] = {}
    for hit in hits:
        key = (hit.kind, hit.entity_id or str(hit.list_name))
        if key not in best or hit.score > best[key].score:
            best[key] = hit
        extra = {k: hit.explanation[k] for k in _MENTION_KEYS if k in hit.explanation}
        if extra:
            context.setdefault(key, {}).update(extra)
    for key, extra in context.items():
        kept = best[key]
        best[key] = dataclasses.replace(kept, explanation={**kept.explanation, **extra})
    return sorted(best.values(), key=lambda h: -h.score)


_MENTION_KEYS = ("mention", "written_as", "flag")
