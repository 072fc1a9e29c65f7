"""One calibrated score in [0, 1] from the features: a logistic model fitted by calibrate.py.

The fitted weights live in data/match_params.json together with the default alert threshold
and the precision / recall measured for it on the held-out split; until a fit exists the
prior weights below (set by hand from what each feature means) are used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

from scrutiny.match.features import FEATURES

PARAMS_FILE = "match_params.json"
TOKEN_STATS_FILE = "match_token_stats.json"
_PRIOR = {
    "bias": -9.0,
    "query_coverage": 4.0,
    "list_coverage": 3.0,
    "coverage_product": 3.0,
    "exact": 1.0,
    "information": 2.0,
    "single_part": -2.0,
    "weak_alias": -1.0,
    "legal_mismatch": -0.5,
    "min_coverage": 3.0,
    "strong_parts": 2.0,
    "fuzzy_share": -1.0,
    "syllabic": -1.0,
    "unmatched_list": -1.0,
    "rarest_part": 2.0,
    "korean_inexact": -1.0,
    "matched_letters": 1.0,
    "single_exact": -1.0,
    "dob_exact": 2.0,
    "dob_partial": 1.0,
    "dob_near": 0.3,
    "dob_conflict": -2.5,
    "country_match": 0.7,
    "country_conflict": -0.7,
    "gender_conflict": -2.0,
    "schema_conflict": -3.0,
}
# Exact, validated identifiers. IMO/BIC/crypto are unique worldwide; passport and other
# numbers collide across issuers, so they raise the odds rather than settle the question.
DECISIVE_ID_SCORE = 0.99
OTHER_ID_ODDS = 20.0


@dataclass(frozen=True)
class ScoreModel:
    """Weights of the logistic model, in the order of `FEATURES`."""

    bias: float
    weights: tuple[float, ...]
    threshold: float
    metrics: dict[str, Any] = field(default_factory=dict)

    def logit(self, values: list[float]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))

    def name_logit(self, name_values: list[float]) -> float:
        """The logit's name part alone (to pick an entity's best-matching name)."""
        return sum(w * x for w, x in zip(self.weights, name_values, strict=False))

    def probability(self, values: list[float]) -> float:
        return self.probability_of_logit(self.logit(values))

    def probability_of_logit(self, logit: float) -> float:
        """The calibrated score of a logit (every path from features to a score goes here)."""
        return sigmoid(logit)

    def contributions(self, values: list[float]) -> dict[str, float]:
        """Each non-zero feature's share of the logit, for explanations."""
        return {
            name: round(w * x, 3)
            for name, w, x in zip(FEATURES, self.weights, values, strict=True)
            if x and w
        }


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def with_identifier(probability: float, decisive: bool) -> float:
    """Combine a name score with an exact identifier match."""
    if decisive:
        return max(probability, DECISIVE_ID_SCORE)
    odds = probability / max(1e-9, 1.0 - probability) * OTHER_ID_ODDS
    return odds / (1.0 + odds)


@cache
def default_model() -> ScoreModel:
    """The fitted model shipped in data/match_params.json (prior weights if absent)."""
    resource = files("scrutiny.data").joinpath(PARAMS_FILE)
    if resource.is_file():
        params = orjson.loads(resource.read_bytes())
        weights = params["weights"]
        return ScoreModel(
            bias=float(params["bias"]),
            weights=tuple(float(weights.get(f, 0.0)) for f in FEATURES),
            threshold=float(params["threshold"]),
            metrics=params.get("metrics", {}),
        )
    return ScoreModel(
        bias=_PRIOR["bias"], weights=tuple(_PRIOR[f] for f in FEATURES), threshold=0.7
    )


@cache
def _token_stats() -> tuple[dict[str, float], float]:
    resource = files("scrutiny.data").joinpath(TOKEN_STATS_FILE)
    if not resource.is_file():
        return {}, 10.0
    stats = orjson.loads(resource.read_bytes())
    return {k: float(v) for k, v in stats["idf"].items()}, float(stats["max_idf"])


def shipped_idf() -> Callable[[str], float]:
    """Token rarity from the lists as of the last calibration (for `compare` without an index).

    The shipped table holds the tokens common enough to matter; any other token is rare.
    """
    table, rare = _token_stats()

    def idf(token: str) -> float:
        return table.get(token, rare)

    return idf
