"""ScoreModel's calibration: a strictly increasing logit -> score map, or the plain sigmoid."""

from __future__ import annotations

import itertools
import math

import pytest

from scrutiny.match import Matcher
from scrutiny.match.features import FEATURES
from scrutiny.match.score import Calibration, ScoreModel, model_from_params, sigmoid

_LOGITS = [x / 8.0 for x in range(-400, 401)]  # -50 .. 50, beyond any breakpoint
_PLATT = Calibration("platt", slope=0.77, intercept=0.7)
_ISOTONIC = Calibration(
    "isotonic",
    slope=0.77,
    intercept=0.7,
    logits=(-9.0, -4.0, -1.5, 0.0, 0.3, 2.0, 5.0),
    scores=(0.0, 0.05, 0.3, 0.6, 0.79, 0.93, 1.0),
    blend=0.01,
)
_MAPS = pytest.mark.parametrize("calibration", [_PLATT, _ISOTONIC], ids=["platt", "isotonic"])


def _params(calibration: dict[str, object] | None = None) -> dict[str, object]:
    params: dict[str, object] = {
        "bias": -3.0,
        "weights": {f: 0.5 * (i % 5) - 0.7 for i, f in enumerate(FEATURES)},
        "threshold": 0.6,
    }
    if calibration is not None:
        params["calibration"] = calibration
    return params


def test_params_without_calibration_give_the_plain_sigmoid() -> None:
    model = model_from_params(_params())
    assert model.calibration is None
    assert model.threshold == 0.6
    for logit in _LOGITS:
        assert model.probability_of_logit(logit) == sigmoid(logit)
    values = [0.3 * (i % 4) for i in range(len(FEATURES))]
    assert model.probability(values) == sigmoid(model.logit(values))
    for cutoff in (0.05, 0.5, 0.6, 0.97):
        assert model.cutoff_logit(cutoff) == math.log(cutoff / (1.0 - cutoff))
    assert model.cutoff_logit(0.0) == model.cutoff_logit(1.0) == -math.inf


@_MAPS
def test_calibration_is_strictly_increasing_and_inside_0_1(calibration: Calibration) -> None:
    # |logit| <= 30: beyond, doubles cannot tell the scores from 0 or 1 (as with the sigmoid).
    scores = [calibration.score(logit) for logit in _LOGITS[160:-160]]
    assert all(b > a for a, b in itertools.pairwise(scores))
    assert all(0.0 < s < 1.0 for s in scores)


@_MAPS
def test_threshold_maps_to_the_same_alerts(calibration: Calibration) -> None:
    for raw_threshold in (0.3, 0.59, 0.6, 0.85, 0.97):
        threshold_logit = math.log(raw_threshold / (1.0 - raw_threshold))
        model = ScoreModel(0.0, (), calibration.score(threshold_logit), calibration=calibration)
        for logit in _LOGITS:
            alert = model.probability_of_logit(logit) >= model.threshold
            assert alert == (sigmoid(logit) >= raw_threshold), (raw_threshold, logit)


@_MAPS
def test_cutoff_logit_inverts_the_map(calibration: Calibration) -> None:
    model = ScoreModel(0.0, (), 0.5, calibration=calibration)
    for cutoff in (0.02, 0.1, 0.5, 0.79, 0.9, 0.99):
        cut = model.cutoff_logit(cutoff)
        assert math.isfinite(cut)
        assert model.probability_of_logit(cut) >= cutoff - 1e-12
        assert model.probability_of_logit(cut - 1e-6) < cutoff
    assert model.cutoff_logit(0.0) == -math.inf


def test_isotonic_is_interpolated_and_blended_with_platt() -> None:
    iso = 0.6 + (0.79 - 0.6) * 0.5  # halfway between the breakpoints at 0.0 and 0.3
    assert _ISOTONIC.score(0.15) == pytest.approx(0.99 * iso + 0.01 * _PLATT.score(0.15))
    assert _ISOTONIC.score(-20.0) == pytest.approx(0.01 * _PLATT.score(-20.0))  # not 0
    assert 0.99 < _ISOTONIC.score(20.0) < 1.0  # not 1: the strongest hits keep their order
    assert _ISOTONIC.score(20.0) < _ISOTONIC.score(21.0)


@_MAPS
def test_calibration_round_trips_through_params(calibration: Calibration) -> None:
    assert Calibration.from_params(calibration.to_params()) == calibration
    extra = {**calibration.to_params(), "threshold_logit": 0.4}  # extra keys are ignored
    model = model_from_params(_params(extra))
    assert model.calibration == calibration
    assert model.probability_of_logit(0.4) == calibration.score(0.4)


def test_calibration_rejects_a_map_that_is_not_increasing() -> None:
    with pytest.raises(ValueError):
        Calibration("platt", slope=-1.0)
    with pytest.raises(ValueError):
        Calibration("isotonic", logits=(0.0, 1.0), scores=(0.5, 0.5), blend=0.01)
    with pytest.raises(ValueError):
        Calibration("isotonic", logits=(0.0, 1.0), scores=(0.2, 0.5), blend=0.0)
    with pytest.raises(ValueError):
        Calibration("spline")


def test_matcher_pruning_follows_the_calibrated_scale(sdn_matcher: Matcher) -> None:
    # A calibration that lifts every score a lot (true log-odds = logit + 6): the logit an
    # alert needs is far below the sigmoid's inverse of the threshold, so a matcher that
    # prunes with the sigmoid's inverse would lose hits.
    base = sdn_matcher.model
    calibration = Calibration("platt", slope=1.0, intercept=6.0)
    model = ScoreModel(base.bias, base.weights, 0.7, calibration=calibration)
    matcher = Matcher(sdn_matcher.index, model)
    for name in ("Bank Melli Iran", "Ali Hassan", "Mohammed Ahmed", "Petrov Ivan"):
        pruned = [(h.entity_id, h.score) for h in matcher.screen(name, limit=50)]
        full = [
            (h.entity_id, h.score)
            for h in matcher.screen(name, threshold=0.0, limit=500)
            if h.score >= model.threshold
        ][:50]
        assert pruned == full, name
