"""Fit the score model on labelled pairs built from the lists' own data.

Pairs (the model is fitted on the TRAIN split of entities only: the first 8 bytes of
sha1(entity_id) modulo 10 below 7, the rule of eval/split.py, and no designee that eval/
lists in eval/out/test_entities.txt; the rest is held out for the reported metrics):
- positives: an alias of an entity screened against that entity's other names, and
  realistic customer variants of its primary name (a typo, reordered parts), sometimes with
  the designee's date of birth as a customer file would give it (exact, year only, a year off);
- hard negatives: the same queries against the other entities of the same list that the
  index retrieves for them (same-list, so one designee listed twice on two lists is never
  labelled a negative);
- clean negatives: Faker names in many locales (people, companies, single names) against
  whatever the index retrieves for them. The seeds here are not eval/'s, so eval's clean
  names are other draws (from the same Faker vocabularies: that is the customer population
  being modelled), and the clean queries themselves are split 70/30 by position.
The logistic regression is fitted by Newton's method with a small L2 penalty (numpy only).
Clean pairs weigh CLEAN_PAIR_WEIGHT each in the fit; a clean query whose whole name is a
listed name (a namesake) is a name match, left out of the fit and of the threshold rule and
reported apart (`clean_alerts_per_1000_with_namesakes`).
The threshold is the lowest at which the train-side clean queries raise at most one alert
per 1,000 (an alert: any candidate at or above it), which maximises recall under that
constraint. Run: `python -m scrutiny.match.calibrate`.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from scrutiny.match.features import FEATURES
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import CheckedQuery, Query, check_query
from scrutiny.match.score import _PRIOR, PARAMS_FILE, TOKEN_STATS_FILE, ScoreModel
from scrutiny.model import Entity, NameKind

_FAKER_LOCALES = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "ru_RU",
    "ko_KR",
    "zh_CN",
    "ar_AA",
    "tr_TR",
    "it_IT",
    "pt_BR",
    "ja_JP",
)
MAX_CLEAN_ALERT_RATE = 0.001
CLEAN_PAIR_WEIGHT = 20.0
_CLEAN_PAIRS_PER_QUERY = 8
_CLEAN_PER_LOCALE = 400
_EXACT = FEATURES.index("exact")
_SINGLE = FEATURES.index("single_part")
_TEST_BUCKETS = frozenset({7, 8, 9})  # as eval/split.py
_EVAL_TEST_IDS = Path(__file__).resolve().parents[3] / "eval" / "out" / "test_entities.txt"


def _held_out_designees() -> frozenset[str]:
    """Entity ids eval/ holds out as a whole designee (all lists), when eval has been built."""
    if not _EVAL_TEST_IDS.is_file():
        return frozenset()
    return frozenset(_EVAL_TEST_IDS.read_text(encoding="utf-8").split())


def is_train(entity_id: str) -> bool:
    """The train/test split by entity (eval/split.py's rule): 70% train, stable everywhere."""
    digest = hashlib.sha1(entity_id.encode("utf-8")).digest()
    if int.from_bytes(digest[:8], "big") % 10 in _TEST_BUCKETS:
        return False
    return entity_id not in _held_out_designees()


@dataclass
class PairSet:
    """Feature rows with labels and where each came from."""

    x: list[list[float]]
    y: list[int]
    train: list[bool]
    kind: list[str]  # positive_alias, positive_variant, hard_negative, clean
    group: list[int] = field(default_factory=list)  # clean query number (-1 otherwise)

    def add(
        self, values: list[float] | None, label: int, train: bool, kind: str, group: int = -1
    ) -> None:
        if values is not None:
            self.x.append(values)
            self.y.append(label)
            self.train.append(train)
            self.kind.append(kind)
            self.group.append(group)


def _variant(name: str, rng: random.Random) -> str:
    """A customer-style spelling of a list name: one typo, or parts reordered."""
    parts = name.replace(",", " ").split()
    if len(parts) > 1 and rng.random() < 0.3:
        rng.shuffle(parts)
        return " ".join(parts)
    long_parts = [i for i, p in enumerate(parts) if len(p) >= 5]
    if not long_parts:
        return " ".join(parts)
    i = rng.choice(long_parts)
    word = parts[i]
    j = rng.randrange(1, len(word) - 1)
    action = rng.random()
    if action < 0.4:
        word = word[:j] + word[j + 1 :]
    elif action < 0.7:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        word = word[:j] + rng.choice("aeiouy") + word[j + 1 :]
    parts[i] = word
    return " ".join(parts)


def _with_facts(name: str, entity: Entity, rng: random.Random) -> Query:
    """A query with the designee's date of birth / country as a customer record may give them."""
    dob = None
    if entity.birth_dates and rng.random() < 0.5:
        listed = entity.birth_dates[0].date
        roll = rng.random()
        if roll < 0.4:
            dob = listed
        elif roll < 0.8:
            dob = listed[:4]
        elif listed[:4].isdigit():
            dob = str(int(listed[:4]) + rng.choice((-1, 1)))
    countries = entity.nationalities[:1] if rng.random() < 0.3 else ()
    gender = entity.gender if rng.random() < 0.3 else None
    return Query(
        name, schema=str(entity.schema), birth_date=dob, countries=countries, gender=gender
    )


def _checked(query: Query) -> CheckedQuery | None:
    try:
        return check_query(query)
    except ValueError:
        return None


def build_pairs(
    entities: list[Entity], matcher: Matcher, seed: int = 7, sample: int = 12_000
) -> PairSet:
    """Labelled feature rows from (a sample of) the entities (see the module docstring)."""
    rng = random.Random(seed)
    if len(entities) > sample:
        entities = rng.sample(entities, sample)
    rows = {e.id: i for i, e in enumerate(matcher.index.entities)}
    pairs = PairSet([], [], [], [])
    for entity in entities:
        row = rows.get(entity.id)
        if row is None:
            continue
        train = is_train(entity.id)
        queries: list[tuple[CheckedQuery | None, str | None, str]] = []
        aliases = [n for n in entity.names if n.kind is not NameKind.PRIMARY]
        if aliases:
            alias = rng.choice(aliases)
            q = _checked(_with_facts(alias.full, entity, rng))
            queries.append((q, alias.full.strip().casefold(), "positive_alias"))
        if rng.random() < 0.5:
            q = _checked(_with_facts(_variant(entity.primary_name, rng), entity, rng))
            queries.append((q, None, "positive_variant"))
        for query, exclude, kind in queries:
            if query is None or not query.name:
                continue
            values = matcher.pair_values(query, row, exclude_name=exclude)
            # An alias sharing no name part with the entity's other names ("a.k.a. SHIPCO")
            # cannot be found by name at all; as a positive it would only teach noise.
            if values is None or values[FEATURES.index("query_coverage")] == 0.0:
                continue
            pairs.add(values, 1, train, kind)
            for other in matcher.candidate_rows(query)[:6]:
                other_entity = matcher.index.entities[other]
                if other == row or other_entity.list_id != entity.provenance.list_id:
                    continue
                values = matcher.pair_values(query, other)
                # The same name on two entries of one list is a name match, not a negative.
                if values is not None and values[FEATURES.index("exact")] == 0.0:
                    pairs.add(values, 0, train, "hard_negative")
    for number, query in enumerate(_clean_queries(rng)):
        clean_train = number % 10 < 7
        for other in matcher.candidate_rows(query)[:_CLEAN_PAIRS_PER_QUERY]:
            values = matcher.pair_values(query, other)
            # A customer whose whole name is a listed name (김성훈 = KIM Song Hun) is a
            # namesake: a name match the screen must raise, not a negative of the name model,
            # as with exact names in the hard negatives. Kept apart and reported apart.
            kind = "clean"
            if values is not None and values[_EXACT] and not values[_SINGLE]:
                kind = "clean_namesake"
            pairs.add(values, 0, clean_train, kind, number)
    return pairs


def _clean_queries(
    rng: random.Random, per_locale: int = _CLEAN_PER_LOCALE
) -> Iterable[CheckedQuery]:
    from faker import Faker

    for locale in _FAKER_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(1 << 30))
        for i in range(per_locale):
            roll = i % 5
            if roll < 3:
                query = Query(
                    fake.name(),
                    schema="person",
                    birth_date=fake.date_of_birth().isoformat() if roll == 0 else None,
                )
            elif roll == 3:
                query = Query(fake.company(), schema="organization")
            else:
                query = Query(fake.last_name() if i % 2 else fake.first_name())
            checked = _checked(query)
            if checked is not None:
                yield checked


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    steps: int = 50,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Weights (bias first) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack([np.ones((len(x), 1)), x])
    sw = np.ones(len(x)) if sample_weight is None else sample_weight
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (sw * (p - y)) + penalty * w
        hessian = (design * (sw * p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Predicted vs observed rate per score bin: how well the score is calibrated."""
    table = []
    edges = np.linspace(0.0, 1.0, bins + 1)
    for lo, hi in itertools.pairwise(edges.tolist()):
        mask = (p >= lo) & ((p < hi) if hi < 1.0 else (p <= hi))
        if mask.any():
            table.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "pairs": int(mask.sum()),
                    "mean_score": round(float(p[mask].mean()), 3),
                    "observed_true": round(float(y[mask].mean()), 3),
                }
            )
    return table


def _metrics(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = p >= threshold
    tp = int((predicted & (y == 1)).sum())
    fp = int((predicted & (y == 0)).sum())
    fn = int((~predicted & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "pairs": len(y),
    }


def clean_queries(pairs: PairSet, train: bool) -> int:
    """How many clean queries of one side had at least one candidate pair."""
    return len(
        {
            g
            for g, t, k in zip(pairs.group, pairs.train, pairs.kind, strict=True)
            if k.startswith("clean") and t == train
        }
    )


def clean_alert_rate(p: np.ndarray, groups: np.ndarray, queries: int, threshold: float) -> float:
    """Share of clean queries with any candidate at or above `threshold` (an alert)."""
    if not queries:
        return 0.0
    return len(set(groups[p >= threshold].tolist())) / queries


def choose_threshold(
    p: np.ndarray, groups: np.ndarray, queries: int, rate: float = MAX_CLEAN_ALERT_RATE
) -> float:
    """The lowest threshold (0.01 steps) at which clean queries alert at most `rate`.

    The score is calibrated, so the lowest admissible threshold is the one that keeps the
    most true hits: recall is maximised under the clean-alert budget.
    """
    for t in np.round(np.arange(0.30, 0.991, 0.01), 2).tolist():
        if clean_alert_rate(p, groups, queries, t) <= rate:
            return float(t)
    return 0.99


def calibrate(entities: list[Entity], out_dir: Path | None = None) -> dict[str, Any]:
    """Build pairs, fit, choose the threshold, and write data/match_*.json."""
    matcher = Matcher.from_entities(entities)
    pairs = build_pairs(entities, matcher)
    x = np.asarray(pairs.x, dtype=np.float64)
    y = np.asarray(pairs.y, dtype=np.float64)
    train = np.asarray(pairs.train)
    kinds = np.asarray(pairs.kind)
    # Clean pairs stand for the bulk of a real customer file, where nearly every name is
    # clean: weighting them tells the fit that a clean alert costs more than one missed
    # alias pair, so it leans on the features that separate namesakes from designees.
    weight = np.where(kinds == "clean", CLEAN_PAIR_WEIGHT, 1.0)
    fit = train & (kinds != "clean_namesake")
    w = fit_logistic(x[fit], y[fit], sample_weight=weight[fit])
    unseen = ~x[fit].any(axis=0)  # a feature never set in training keeps its prior weight
    for i in np.flatnonzero(unseen):
        w[i + 1] = _PRIOR[FEATURES[i]]
    p = 1.0 / (1.0 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
    clean = kinds == "clean"
    any_clean = clean | (kinds == "clean_namesake")
    groups = np.asarray(pairs.group)
    threshold = choose_threshold(
        p[clean & train], groups[clean & train], clean_queries(pairs, True)
    )
    test = ~train
    metrics = {
        "test": _metrics(p[test], y[test], threshold),
        "train": _metrics(p[train], y[train], threshold),
        "test_clean_pair_alert_rate": round(float((p[clean & test] >= threshold).mean()), 5),
        "clean_alerts_per_1000": {
            side: round(
                1000.0
                * clean_alert_rate(
                    p[clean & mask],
                    groups[clean & mask],
                    clean_queries(pairs, side == "train"),
                    threshold,
                ),
                2,
            )
            for side, mask in (("train", train), ("test", test))
        },
        "clean_alerts_per_1000_with_namesakes": {
            side: round(
                1000.0
                * clean_alert_rate(
                    p[any_clean & mask],
                    groups[any_clean & mask],
                    clean_queries(pairs, side == "train"),
                    threshold,
                ),
                2,
            )
            for side, mask in (("train", train), ("test", test))
        },
        "test_by_kind": {
            kind: _metrics(p[test & (kinds == kind)], y[test & (kinds == kind)], threshold)
            for kind in sorted(set(pairs.kind))
        },
        "reliability_test": reliability(p[test], y[test]),
        "lists": sorted({e.provenance.list_id for e in entities}),
        "clean_pair_weight": CLEAN_PAIR_WEIGHT,
        "rule": "threshold = lowest score at which train-side clean queries alert <= 1/1000",
    }
    params = {
        "features": list(FEATURES),
        "bias": round(float(w[0]), 5),
        "weights": {f: round(float(v), 5) for f, v in zip(FEATURES, w[1:], strict=True)},
        "threshold": threshold,
        "metrics": metrics,
    }
    out_dir = out_dir or Path(__file__).resolve().parents[1] / "data"
    (out_dir / PARAMS_FILE).write_bytes(orjson.dumps(params, option=orjson.OPT_INDENT_2))
    index = matcher.index
    common = {t: round(w_, 3) for t, w_ in index.token_idf.items() if w_ < index.max_idf - 4.0}
    stats = {"max_idf": round(index.max_idf, 3), "idf": dict(sorted(common.items()))}
    (out_dir / TOKEN_STATS_FILE).write_bytes(orjson.dumps(stats))
    return params


def model_from_params(params: dict[str, Any]) -> ScoreModel:
    """A ScoreModel from a params dict as `calibrate` writes it."""
    return ScoreModel(
        bias=float(params["bias"]),
        weights=tuple(float(params["weights"][f]) for f in FEATURES),
        threshold=float(params["threshold"]),
        metrics=params.get("metrics", {}),
    )


def _all_list_entities(mirror: Path) -> list[Entity]:
    from scrutiny.sources.ofac_csv import read_sdn_csv

    alt = mirror.parent / "archive" / "ofac" / "ofac_sdn_alt_2025-12-24.csv"
    entities = list(
        read_sdn_csv(mirror / "ofac" / "SDN.CSV", alt=alt if alt.exists() else None).entities
    )
    readers = (
        ("scrutiny.sources.un", "read_un_xml", "un/consolidated.xml"),
        ("scrutiny.sources.eu", "read_eu_xml", "eu/xmlFullSanctionsList_1_1.xml.gz"),
        ("scrutiny.sources.uk", "read_uk_conlist", "uk/ConList.xlsx"),
    )
    import importlib

    for module, function, path in readers:
        try:
            reader = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            print(f"skipping {path}: no parser yet")
            continue
        entities.extend(reader(mirror / path).entities)
    return entities


if __name__ == "__main__":  # pragma: no cover - developer tool
    import sys

    mirror_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/lists/mirror")
    result = calibrate(_all_list_entities(mirror_dir))
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
