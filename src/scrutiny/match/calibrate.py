"""Fit the score model on labelled pairs built from the lists' own data.

Pairs (all from the TRAIN split of entities, `sha1(entity_id) % 10 < 7`; the rest is held
out for the reported metrics and for eval/):
- positives: an alias of an entity screened against that entity's other names, and
  realistic customer variants of its primary name (a typo, reordered parts), sometimes with
  the designee's date of birth as a customer file would give it (exact, year only, a year off);
- hard negatives: the same queries against the other entities of the same list that the
  index retrieves for them (same-list, so one designee listed twice on two lists is never
  labelled a negative);
- clean negatives: Faker names in many locales (people, companies, single names) against
  whatever the index retrieves for them.
The logistic regression is fitted by Newton's method with a small L2 penalty (numpy only).
The threshold is the lowest at which clean names raise at most one alert per 1,000 and
F1 on training pairs is near its best. Run: `python -m scrutiny.match.calibrate`.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass
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
)
MAX_CLEAN_ALERT_RATE = 0.001
_CLEAN_PAIRS_PER_QUERY = 5


def is_train(entity_id: str) -> bool:
    """The train/test split by entity: 70% train, stable across runs and lists."""
    return int(hashlib.sha1(entity_id.encode()).hexdigest(), 16) % 10 < 7


@dataclass
class PairSet:
    """Feature rows with labels and where each came from."""

    x: list[list[float]]
    y: list[int]
    train: list[bool]
    kind: list[str]  # positive_alias, positive_variant, hard_negative, clean

    def add(self, values: list[float] | None, label: int, train: bool, kind: str) -> None:
        if values is not None:
            self.x.append(values)
            self.y.append(label)
            self.train.append(train)
            self.kind.append(kind)


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
    for query in _clean_queries(rng):
        for other in matcher.candidate_rows(query)[:_CLEAN_PAIRS_PER_QUERY]:
            entity_id = matcher.index.entities[other].id
            pairs.add(matcher.pair_values(query, other), 0, is_train(entity_id), "clean")
    return pairs


def _clean_queries(rng: random.Random, per_locale: int = 250) -> Iterable[CheckedQuery]:
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


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights (bias first) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
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


def calibrate(entities: list[Entity], out_dir: Path | None = None) -> dict[str, Any]:
    """Build pairs, fit, choose the threshold, and write data/match_*.json."""
    matcher = Matcher.from_entities(entities)
    pairs = build_pairs(entities, matcher)
    x = np.asarray(pairs.x, dtype=np.float64)
    y = np.asarray(pairs.y, dtype=np.float64)
    train = np.asarray(pairs.train)
    kinds = np.asarray(pairs.kind)
    w = fit_logistic(x[train], y[train])
    unseen = ~x[train].any(axis=0)  # a feature never set in training keeps its prior weight
    for i in np.flatnonzero(unseen):
        w[i + 1] = _PRIOR[FEATURES[i]]
    p = 1.0 / (1.0 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
    # Threshold: best training F1, raised if needed so clean names alert at most 1 in 1,000.
    grid = np.round(np.arange(0.30, 0.96, 0.01), 2)
    f1s = [_metrics(p[train], y[train], t)["f1"] for t in grid]
    threshold = float(grid[int(np.argmax(f1s))])
    clean = kinds == "clean"
    for t in grid:
        # Each clean query yields up to 5 pairs, so a pair rate of rate/5 bounds the query rate.
        pair_rate = float((p[clean & train] >= t).mean())
        if t >= threshold and pair_rate * _CLEAN_PAIRS_PER_QUERY <= MAX_CLEAN_ALERT_RATE:
            threshold = float(t)
            break
    test = ~train
    metrics = {
        "test": _metrics(p[test], y[test], threshold),
        "train": _metrics(p[train], y[train], threshold),
        "test_clean_pair_alert_rate": round(float((p[clean & test] >= threshold).mean()), 5),
        "test_by_kind": {
            kind: _metrics(p[test & (kinds == kind)], y[test & (kinds == kind)], threshold)
            for kind in sorted(set(pairs.kind))
        },
        "reliability_test": reliability(p[test], y[test]),
        "lists": sorted({e.provenance.list_id for e in entities}),
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
