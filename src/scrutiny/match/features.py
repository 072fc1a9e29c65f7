"""Features of a (query, list entity) pair; score.py combines them with fitted weights.

Name features come from aligning the query's name parts with the list name's parts: a
token-similarity matrix (Jaro-Winkler, raised to phonetic equality), greedy one-to-one
assignment in order of similarity (names have at most a dozen parts, where greedy and the
optimal assignment almost never differ and greedy costs a fraction), and IDF weights so that
rare parts count and "Trading", "Co", "Ltd" barely do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from scrutiny.match import _text
from scrutiny.match.forms import Form
from scrutiny.match.index import EntityRecord

NAME_FEATURES = (
    "query_coverage",  # IDF-weighted share of the query's name parts matched
    "list_coverage",  # IDF-weighted share of the list name's parts matched
    "coverage_product",
    "exact",  # same parts (any order), or the same Korean name however romanised
    "information",  # summed IDF of matched query parts / 10, capped: rare parts are evidence
    "single_part",  # the query has one identifying part
    "weak_alias",  # the list name is a weak alias (OFAC weak a.k.a., UN low quality)
    "legal_mismatch",  # both sides carry legal forms and they differ
)
ENTITY_FEATURES = (
    "dob_exact",
    "dob_partial",  # same year (or within a listed range) at the precision both sides have
    "dob_near",  # one year apart
    "dob_conflict",
    "country_match",
    "country_conflict",
    "gender_conflict",
    "schema_conflict",
)
FEATURES = NAME_FEATURES + ENTITY_FEATURES
_SIM_FLOOR = 0.7  # Jaro-Winkler below this is noise between unrelated name parts


@dataclass
class NameAlignment:
    """How one query form lines up with one list-name form."""

    values: list[float]
    pairs: list[tuple[str, str, float, float]] = field(default_factory=list)
    # (query part, list part, similarity 0..1, weight) for the explanation


def _part_similarity(a: str, b: str, raw: float) -> float:
    """Similarity of two name parts in [0, 1] from their Jaro-Winkler similarity."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0  # numbers in names (vessel "No. 2", "7") must match exactly
    if raw < 0.9 and len(a) > 1 and len(b) > 1:
        code = _text.phonetic(a)
        if code and code == _text.phonetic(b):
            raw = 0.9
    return max(0.0, (raw - _SIM_FLOOR) / (1.0 - _SIM_FLOOR))


def _merge_joined(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...]:
    """Join neighbouring parts of `left` that `right` writes as one ("jong un" vs "jongun")."""
    if len(left) < 2:
        return left
    right_set = set(right)
    merged: list[str] = []
    i = 0
    while i < len(left):
        if i + 1 < len(left) and left[i] + left[i + 1] in right_set:
            merged.append(left[i] + left[i + 1])
            i += 2
        else:
            merged.append(left[i])
            i += 1
    return tuple(merged)


def align(query: Form, name: Form, idf: Callable[[str], float], weak: bool) -> NameAlignment:
    """Name features of one query form against one list-name form."""
    q = _merge_joined(query.core, name.core)
    c = _merge_joined(name.core, q)
    korean_equal = query.korean is not None and query.korean == name.korean
    q_sim = [0.0] * len(q)
    c_sim = [0.0] * len(c)
    pairs: list[tuple[str, str, float, float]] = []
    used_q: set[int] = set()
    if q == c or korean_equal:  # the common case of an exact or Korean-equivalent name
        q_sim = [1.0] * len(q)
        c_sim = [1.0] * len(c)
        used_q = set(range(len(q)))
        pairs = [(a, b, 1.0, idf(a)) for a, b in zip(q, c, strict=False)]
    elif q and c:
        matrix = process.cdist(q, c, scorer=JaroWinkler.normalized_similarity).tolist()
        # Greedy one-to-one assignment, most similar parts first.
        ranked = sorted(
            ((row[j], i, j) for i, row in enumerate(matrix) for j in range(len(c))),
            reverse=True,
        )
        used_c: set[int] = set()
        for raw, i, j in ranked:
            if i in used_q or j in used_c:
                continue
            sim = _part_similarity(q[i], c[j], raw)
            used_q.add(i)
            used_c.add(j)
            q_sim[i] = c_sim[j] = sim
            pairs.append((q[i], c[j], sim, idf(q[i])))
            if len(used_q) == len(q) or len(used_c) == len(c):
                break
    q_w = [idf(t) for t in q]
    c_w = [idf(t) for t in c]
    q_cov = sum(w * s for w, s in zip(q_w, q_sim, strict=True)) / (sum(q_w) or 1.0)
    c_cov = sum(w * s for w, s in zip(c_w, c_sim, strict=True)) / (sum(c_w) or 1.0)
    info = min(2.0, sum(w * s for w, s in zip(q_w, q_sim, strict=True)) / 10.0)
    exact = korean_equal or sorted(q) == sorted(c)
    legal_mismatch = bool(query.legal and name.legal and not set(query.legal) & set(name.legal))
    values = [
        q_cov,
        c_cov,
        q_cov * c_cov,
        1.0 if exact else 0.0,
        info,
        1.0 if len(query.core) == 1 else 0.0,
        1.0 if weak else 0.0,
        1.0 if legal_mismatch else 0.0,
    ]
    for i, part in enumerate(q):
        if i not in used_q:
            pairs.append((part, "", 0.0, idf(part)))
    return NameAlignment(values, pairs)


# --- entity features -------------------------------------------------------------------------


def _year(value: str) -> int:
    return int(value[:4])


def dob_relation(query_dob: str | None, listed: tuple[tuple[str, str | None], ...]) -> str | None:
    """The best relation between a query date of birth and the listed ones.

    'exact' (same full date), 'partial' (agree at the precision both give, or inside a
    listed range), 'near' (one year apart: lists and customers often disagree by a year),
    'conflict', or None when either side has no date.
    """
    if not query_dob or not listed:
        return None
    rank = {"exact": 3, "partial": 2, "near": 1, "conflict": 0}
    best = "conflict"
    qy = _year(query_dob)
    for start, until in listed:
        if not start[:4].isdigit():
            continue
        if until and until[:4].isdigit():
            if _year(start) <= qy <= _year(until):
                relation = "partial"
            elif _year(start) - 1 <= qy <= _year(until) + 1:
                relation = "near"
            else:
                relation = "conflict"
        elif start == query_dob and len(start) == 10:
            relation = "exact"
        elif _year(start) == qy:
            shared = min(len(start), len(query_dob))
            relation = "partial" if start[:shared] == query_dob[:shared] or shared == 4 else "near"
        elif abs(_year(start) - qy) == 1:
            relation = "near"
        else:
            relation = "conflict"
        if rank[relation] > rank[best]:
            best = relation
    return best


def entity_features(
    entity: EntityRecord,
    birth_date: str | None,
    countries: tuple[str, ...],
    gender: str | None,
    schema: str | None,
) -> list[float]:
    """Features of the query's other facts against the entity's."""
    relation = dob_relation(birth_date, entity.birth_dates)
    shared = set(countries) & set(entity.countries)
    country_conflict = bool(countries and entity.countries and not shared)
    gender_conflict = bool(gender and entity.gender and gender != entity.gender)
    schema_conflict = bool(schema and schema != entity.schema)
    return [
        1.0 if relation == "exact" else 0.0,
        1.0 if relation == "partial" else 0.0,
        1.0 if relation == "near" else 0.0,
        1.0 if relation == "conflict" else 0.0,
        1.0 if shared else 0.0,
        1.0 if country_conflict else 0.0,
        1.0 if gender_conflict else 0.0,
        1.0 if schema_conflict else 0.0,
    ]
