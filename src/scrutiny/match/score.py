"""One calibrated score in [0, 1] from the features: a logistic model fitted by calibrate.py.

The fitted weights live in data/match_params.json together with the default alert threshold
and the precision / recall measured for it on the held-out split; until a fit exists the
prior weights below (set by hand from what each feature means) are used.

The logistic fit weighs clean-name pairs heavily (to meet the clean-alert budget), so its
sigmoid is not a probability; when the params carry a "calibration" entry, a monotone map
fitted afterwards on held-out pairs turns the logit into the score (`Calibration`), and the
threshold is on that scale. Without one the score is the plain sigmoid of the logit.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
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
    "single_match": -1.0,
    "common_words": -2.0,
    "single_match_typed": 1.0,
    "query_contained": 0.5,
    "gender_forms": -1.0,
    "all_fuzzy": 0.0,
    "dob_exact": 2.0,
    "dob_partial": 1.0,
    "dob_near": 0.3,
    "dob_conflict": -2.5,
    "country_match": 0.7,
    "country_conflict": -0.7,
    "gender_conflict": -2.0,
    "schema_conflict": -3.0,
    "vessel_match": 1.0,
    "dob_far": -2.0,
}
# Exact, validated identifiers. IMO/BIC/crypto are unique worldwide; passport and other
# numbers collide across issuers, so they raise the odds rather than settle the question.
DECISIVE_ID_SCORE = 0.99
OTHER_ID_ODDS = 20.0


@dataclass(frozen=True)
class Calibration:
    """A strictly increasing map from the model's logit to the score (fitted by calibrate.py).

    - "platt": score = sigmoid(slope * logit + intercept), slope > 0;
    - "isotonic": an isotonic fit interpolated linearly between breakpoints (`logits`,
      `scores`, both strictly increasing; constant beyond the ends), with a share `blend` of
      the Platt map mixed in: score = (1 - blend) * isotonic + blend * Platt. The Platt share
      keeps the map strictly increasing beyond the breakpoints too, so hits keep the order of
      their logits (no ties) and no score is exactly 0 or 1.
    """

    method: str
    slope: float = 1.0
    intercept: float = 0.0
    logits: tuple[float, ...] = ()
    scores: tuple[float, ...] = ()
    blend: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in ("platt", "isotonic"):
            raise ValueError(f"unknown calibration method {self.method!r}")
        if not self.slope > 0.0:
            raise ValueError("the Platt part of a calibration needs a positive slope")
        if self.method == "isotonic":
            points = list(zip(self.logits, self.scores, strict=True))
            if not points or any(
                b[0] <= a[0] or b[1] <= a[1] for a, b in itertools.pairwise(points)
            ):
                raise ValueError("isotonic breakpoints must be strictly increasing")
            if not 0.0 < self.blend < 1.0:
                raise ValueError("an isotonic calibration needs a Platt share in (0, 1)")

    def score(self, logit: float) -> float:
        """The calibrated score of a logit."""
        platt = sigmoid(self.slope * logit + self.intercept)
        if self.method == "platt":
            return platt
        xs, ys = self.logits, self.scores
        if logit <= xs[0]:
            iso = ys[0]
        elif logit >= xs[-1]:
            iso = ys[-1]
        else:
            i = bisect.bisect_right(xs, logit)
            iso = ys[i - 1] + (logit - xs[i - 1]) / (xs[i] - xs[i - 1]) * (ys[i] - ys[i - 1])
        return (1.0 - self.blend) * iso + self.blend * platt

    def logit_at(self, score: float) -> float:
        """The lowest logit whose calibrated score reaches `score` (±inf: every / no logit)."""
        if self.method == "platt":
            if score <= 0.0:
                return -math.inf
            if score >= 1.0:
                return math.inf
            return (math.log(score / (1.0 - score)) - self.intercept) / self.slope
        return _isotonic_logit_at(self, score)

    def to_params(self) -> dict[str, Any]:
        platt = {"slope": self.slope, "intercept": self.intercept}
        if self.method == "platt":
            return {"method": "platt", **platt}
        return {
            "method": "isotonic",
            "logits": list(self.logits),
            "scores": list(self.scores),
            "blend": self.blend,
            **platt,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Calibration:
        return cls(
            method=str(params["method"]),
            slope=float(params.get("slope", 1.0)),
            intercept=float(params.get("intercept", 0.0)),
            logits=tuple(float(v) for v in params.get("logits", ())),
            scores=tuple(float(v) for v in params.get("scores", ())),
            blend=float(params.get("blend", 0.0)),
        )


@lru_cache(maxsize=64)
def _isotonic_logit_at(calibration: Calibration, score: float) -> float:
    """`Calibration.logit_at` for the isotonic map, by bisection (cached: few cutoffs are used).

    The map is strictly increasing and continuous, from (1 - blend) * scores[0] at -inf to
    (1 - blend) * scores[-1] + blend at +inf (neither reached).
    """
    low_limit = (1.0 - calibration.blend) * calibration.scores[0]
    high_limit = (1.0 - calibration.blend) * calibration.scores[-1] + calibration.blend
    if score <= low_limit:
        return -math.inf
    if score >= high_limit:
        return math.inf
    lo, hi = calibration.logits[0], calibration.logits[-1]
    while calibration.score(lo) >= score:
        lo = 2.0 * lo - 1.0 if lo < 0 else -1.0
        if lo < -1e4:
            return -math.inf  # below any logit a model produces
    while calibration.score(hi) < score:
        hi = 2.0 * hi + 1.0 if hi > 0 else 1.0
        if hi > 1e4:
            return math.inf
    for _ in range(200):  # score(lo) < score <= score(hi)
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if calibration.score(mid) >= score:
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True)
class ScoreModel:
    """Weights of the logistic model, in the order of `FEATURES`.

    `threshold` is on the score's scale: calibrated when `calibration` is set.
    """

    bias: float
    weights: tuple[float, ...]
    threshold: float
    metrics: dict[str, Any] = field(default_factory=dict)
    calibration: Calibration | None = None

    def logit(self, values: list[float]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))

    def probability(self, values: list[float]) -> float:
        return self.probability_of_logit(self.logit(values))

    def probability_of_logit(self, logit: float) -> float:
        """The calibrated score of a logit (every path from features to a score goes here)."""
        if self.calibration is None:
            return sigmoid(logit)
        return self.calibration.score(logit)

    def cutoff_logit(self, cutoff: float) -> float:
        """The lowest logit whose score reaches `cutoff` (-inf: no bound, as for 0 and 1)."""
        if not 0.0 < cutoff < 1.0:
            return -math.inf
        if self.calibration is None:
            return math.log(cutoff / (1.0 - cutoff))
        return self.calibration.logit_at(cutoff)

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


def model_from_params(params: dict[str, Any]) -> ScoreModel:
    """A ScoreModel from a params dict as calibrate.py writes it (no "calibration": sigmoid)."""
    weights = params["weights"]
    calibration = params.get("calibration")
    return ScoreModel(
        bias=float(params["bias"]),
        weights=tuple(float(weights.get(f, 0.0)) for f in FEATURES),
        threshold=float(params["threshold"]),
        metrics=params.get("metrics", {}),
        calibration=Calibration.from_params(calibration) if calibration else None,
    )


@cache
def default_model() -> ScoreModel:
    """The fitted model shipped in data/match_params.json (prior weights if absent)."""
    resource = files("scrutiny.data").joinpath(PARAMS_FILE)
    if resource.is_file():
        return model_from_params(orjson.loads(resource.read_bytes()))
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
