"""The peers scrutiny is measured against, run in-process on the same inputs.

- nomenklatura `logic-v2`: the scorer behind OpenSanctions yente (`LogicV2.compare(query, result,
  config)` on followthemoney proxies). yente's `/match` endpoint calls a result a match at
  `SCORE_THRESHOLD = 0.70` (yente/settings.py); that is the peer's default threshold here.
  yente first retrieves candidates from Elasticsearch (name tokens, name parts, phonetic keys,
  fuzzy terms) and only then scores them; `PeerIndex` stands in for that with an in-memory
  inverted index over ASCII-folded name tokens and their 4-letter prefixes, ranked by summed IDF,
  top `PEER_CANDIDATES` scored with logic-v2. This is a fair, simple approximation of yente, not
  yente itself (no Elasticsearch fuzziness, no phonetic field).
- A Watchman-like scorer: per query token, the best Jaro-Winkler similarity among list-name tokens
  that share its first letter (Watchman's first-letter filter), averaged with length weights.
  Watchman's own code differs in details (it also penalises unmatched index tokens); this is a
  baseline of its idea, not Watchman. Default threshold 0.85 (an assumption: Watchman has no
  documented alert threshold; callers pick one, 0.85 is a common choice in its docs' examples).
- Brute-force rapidfuzz: WRatio of the query against every list name (speed comparison only).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from scrutiny.model import Entity, EntityType, IdKind, NameKind

LOGIC_V2_THRESHOLD = 0.70
WATCHMAN_THRESHOLD = 0.85
PEER_CANDIDATES = 30

_FTM_SCHEMA = {
    "person": "Person",
    "organization": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "any": "LegalEntity",
    EntityType.PERSON: "Person",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
}
_NAME_PROP = {
    NameKind.PRIMARY: "name",
    NameKind.STRONG_ALIAS: "alias",
    NameKind.WEAK_ALIAS: "weakAlias",
    NameKind.FORMER: "previousName",
}
_ID_PROP: Mapping[tuple[str, IdKind], str] = {
    ("Vessel", IdKind.IMO): "imoNumber",
    ("Vessel", IdKind.MMSI): "mmsi",
    ("Person", IdKind.PASSPORT): "passportNumber",
    ("Organization", IdKind.BIC): "swiftBic",
    ("Organization", IdKind.LEI): "leiCode",
    ("Organization", IdKind.TAX_ID): "taxNumber",
    ("Organization", IdKind.REGISTRATION): "registrationNumber",
}
_counter = 0


def _fresh_id(prefix: str) -> str:
    # logic-v2 returns 0 when both proxies have the same id, so every proxy gets its own.
    global _counter
    _counter += 1
    return f"{prefix}{_counter}"


def _logic_v2() -> tuple[Any, Any]:
    from nomenklatura.matching import LogicV2

    return LogicV2, LogicV2.default_config()


def make_proxy(
    schema: str | EntityType, name: str, props: Mapping[str, Iterable[str]] | None = None
) -> Any:
    """A followthemoney proxy for a query: `schema` is person/organization/vessel/any."""
    from followthemoney import model

    proxy = model.make_entity(_FTM_SCHEMA.get(schema, "LegalEntity"))
    proxy.id = _fresh_id("q")
    proxy.add("name", name)
    for prop, values in (props or {}).items():
        proxy.add(prop, list(values), quiet=True)
    return proxy


def entity_proxy(entity: Entity) -> Any:
    """Our `Entity` as a followthemoney proxy, with the properties logic-v2 reads."""
    from followthemoney import model

    schema = _FTM_SCHEMA[entity.schema]
    proxy = model.make_entity(schema)
    proxy.id = entity.id
    for name in entity.names:
        proxy.add(_NAME_PROP[name.kind], name.full, quiet=True)
    if schema == "Person":
        proxy.add("birthDate", [b.date for b in entity.birth_dates], quiet=True)
        proxy.add("nationality", list(entity.nationalities), quiet=True)
        proxy.add("gender", entity.gender, quiet=True)
    else:
        proxy.add("country", list(entity.nationalities), quiet=True)
    for ident in entity.identifiers:
        prop = _ID_PROP.get((schema, ident.kind), "idNumber")
        if schema == "Organization" and ident.kind is IdKind.IMO:
            prop = "imoNumber"
        proxy.add(prop, ident.value, quiet=True)
    return proxy


def peer_score(
    schema: str, name1: str, name2: str, props: Mapping[str, Iterable[str]] | None = None
) -> float:
    """logic-v2 score of two names of the same `schema` (person/organization/vessel)."""
    algorithm, config = _logic_v2()
    query = make_proxy(schema, name1, props)
    result = make_proxy(schema, name2)
    return float(algorithm.compare(query, result, config).score)


def logic_v2_compare(query: Any, result: Any) -> float:
    """logic-v2 on two ready proxies."""
    algorithm, config = _logic_v2()
    return float(algorithm.compare(query, result, config).score)


# --- yente-like candidate retrieval + logic-v2 --------------------------------------------


def _fold(text: str) -> list[str]:
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", anyascii(text))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _keys(text: str) -> set[str]:
    keys: set[str] = set()
    for token in _fold(text):
        keys.add(token)
        if len(token) >= 5:
            keys.add("^" + token[:4])
    return keys


@dataclass
class PeerHit:
    entity_id: str
    score: float


class PeerIndex:
    """yente-like screening: token candidate retrieval, then logic-v2 on the top candidates."""

    def __init__(self, entities: Sequence[Entity], candidates: int = PEER_CANDIDATES) -> None:
        self.entities = list(entities)
        self.proxies = [entity_proxy(e) for e in self.entities]
        self.candidates = candidates
        postings: dict[str, list[int]] = defaultdict(list)
        for i, entity in enumerate(self.entities):
            keys: set[str] = set()
            for name in entity.names:
                keys |= _keys(name.full)
            for key in keys:
                postings[key].append(i)
        total = len(self.entities)
        self.postings = dict(postings)
        self.idf = {k: math.log(total / len(v)) for k, v in postings.items()}

    def candidate_ids(self, name: str, schema: str = "any") -> list[int]:
        """Indexes of the top candidates by summed IDF of shared keys (schema-compatible)."""
        scores: dict[int, float] = defaultdict(float)
        for key in _keys(name):
            weight = self.idf.get(key, 0.0)
            for i in self.postings.get(key, ()):
                scores[i] += weight
        want = _FTM_SCHEMA.get(schema, "LegalEntity")
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        out: list[int] = []
        for i, _ in ranked:
            # yente filters candidates by schema compatibility before scoring.
            if want != "LegalEntity" and self.proxies[i].schema.name != want:
                continue
            out.append(i)
            if len(out) >= self.candidates:
                break
        return out

    def screen(
        self,
        name: str,
        schema: str = "any",
        props: Mapping[str, Iterable[str]] | None = None,
        threshold: float = LOGIC_V2_THRESHOLD,
    ) -> list[PeerHit]:
        """Hits at or above `threshold`, best first."""
        query = make_proxy(schema, name, props)
        hits = []
        for i in self.candidate_ids(name, schema):
            score = logic_v2_compare(query, self.proxies[i])
            if score >= threshold:
                hits.append(PeerHit(self.entities[i].id, score))
        hits.sort(key=lambda h: -h.score)
        return hits


# --- Watchman-like baseline ----------------------------------------------------------------


def watchman_score(name1: str, name2: str) -> float:
    """Per-token Jaro-Winkler with a first-letter filter, length-weighted over query tokens."""
    q = _fold(name1)
    r = _fold(name2)
    if not q or not r:
        return 0.0
    total = 0.0
    weight = 0.0
    for token in q:
        best = 0.0
        for other in r:
            if other[0] != token[0]:
                continue
            best = max(best, JaroWinkler.similarity(token, other))
        total += best * len(token)
        weight += len(token)
    # Watchman penalises index names much longer than the query (unmatched tokens).
    coverage = min(1.0, sum(len(t) for t in q) / sum(len(t) for t in r))
    return total / weight * (0.9 + 0.1 * coverage)


# --- brute-force rapidfuzz ---------------------------------------------------------------


class BruteForce:
    """WRatio of the query against every folded list name (the naive way to screen)."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.names: list[str] = []
        self.owner: list[str] = []
        for entity in entities:
            for name in entity.names:
                self.names.append(" ".join(_fold(name.full)))
                self.owner.append(entity.id)

    def screen(self, name: str, cutoff: float = 88.0, limit: int = 10) -> list[tuple[str, float]]:
        query = " ".join(_fold(name))
        found = process.extract(
            query, self.names, scorer=fuzz.WRatio, score_cutoff=cutoff, limit=limit
        )
        return [(self.owner[i], score / 100.0) for _, score, i in found]
