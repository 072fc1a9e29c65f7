"""calibrate.py's calibration step: held-out logits, Platt / isotonic, the mapped threshold."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import numpy as np
import pytest

from scrutiny.match.calibrate import (
    PairSet,
    calibrated,
    fit_isotonic,
    fit_params,
    fit_platt,
    mix_weights,
    model_from_params,
    pool_adjacent_violators,
    reliability,
)
from scrutiny.match.features import FEATURES
from scrutiny.match.score import Calibration, ScoreModel, sigmoid

_Fit = Callable[[np.ndarray, np.ndarray], Calibration]
_FITS = pytest.mark.parametrize("fit", [fit_platt, fit_isotonic], ids=["platt", "isotonic"])
_LOGITS = np.arange(-30.0, 30.0, 0.125)


def _synthetic(n: int = 6000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Logits of an under-confident model: the true log-odds are 0.75 * logit + 1."""
    rng = np.random.default_rng(seed)
    logit = rng.normal(-2.0, 3.0, size=n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.75 * logit + 1.0)))).astype(np.float64)
    return logit, y


@_FITS
def test_fitted_map_is_strictly_increasing(fit: _Fit) -> None:
    calibration = fit(*_synthetic())
    scores = [calibration.score(v) for v in _LOGITS.tolist()]
    assert all(b > a for a, b in itertools.pairwise(scores))
    assert all(0.0 < s < 1.0 for s in scores)
    # The array form used by the fit is the same map as ScoreModel's.
    assert np.allclose(calibrated(calibration, _LOGITS), scores, rtol=0.0, atol=1e-12)


@_FITS
def test_fitted_map_corrects_an_under_confident_model(fit: _Fit) -> None:
    calibration = fit(*_synthetic(20_000))
    # At logit 0 the truth is sigmoid(1) = 0.73 where the raw sigmoid says 0.5.
    assert calibration.score(0.0) == pytest.approx(sigmoid(1.0), abs=0.05)
    assert calibration.score(-4.0) == pytest.approx(sigmoid(-2.0), abs=0.05)


@_FITS
def test_mapped_threshold_raises_the_same_alerts(fit: _Fit) -> None:
    logit, y = _synthetic()
    calibration = fit(logit, y)
    raw = 1.0 / (1.0 + np.exp(-logit))
    for raw_threshold in (0.3, 0.59, 0.6, 0.85, 0.97):
        threshold = calibration.score(math.log(raw_threshold / (1.0 - raw_threshold)))
        assert np.array_equal(raw >= raw_threshold, calibrated(calibration, logit) >= threshold)


def test_pool_adjacent_violators_matches_scipy() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(5)
    y = rng.random(300) + np.linspace(0.0, 2.0, 300)
    w = rng.random(300) + 0.1
    values, ends = pool_adjacent_violators(y, w)
    fitted = np.repeat(values, np.diff(np.concatenate([[0], ends])))
    assert np.allclose(fitted, optimize.isotonic_regression(y, weights=w).x)
    assert np.all(np.diff(values) > 0)


def test_reliability_weighs_pairs() -> None:
    p = np.array([0.15, 0.15, 0.85, 0.85])
    y = np.array([0.0, 1.0, 1.0, 1.0])
    assert reliability(p, y)[0] == {
        "bin": "0.1-0.2",
        "pairs": 2,
        "mean_score": 0.15,
        "observed_true": 0.5,
    }
    weighted = reliability(p, y, weights=np.array([3.0, 1.0, 1.0, 1.0]))
    assert weighted[0]["observed_true"] == 0.25
    assert weighted[0]["pairs"] == 2


def _pairs(seed: int = 11) -> PairSet:
    """Synthetic pairs shaped like build_pairs' output (designee queries and clean queries)."""
    rng = random.Random(seed)
    pairs = PairSet([], [], [], [])
    n = len(FEATURES)
    for entity in range(900):
        train = entity % 10 < 7
        unit = f"list:{entity}"
        kind = "positive_variant" if entity % 2 else "positive_alias"
        pairs.add([0.3 + 0.7 * rng.random() for _ in range(n)], 1, train, kind, -1, unit)
        for _ in range(3):
            pairs.add([0.6 * rng.random() for _ in range(n)], 0, train, "hard_negative", -1, unit)
    for query in range(1500):
        train = query % 10 < 7
        for _ in range(4):
            values = [0.5 * rng.random() for _ in range(n)]
            pairs.add(values, 0, train, "clean", query, f"clean:{query}")
    return pairs


def test_mix_weights_give_the_test_side_the_train_mix() -> None:
    pairs = PairSet([], [], [], [])
    for i in range(4):  # train: 2 designees, 2 clean queries; test: 2 designees, 1 clean
        pairs.add([0.0], 1, True, "positive_alias", -1, f"list:{i % 2}")
        pairs.add([0.0], 0, True, "clean", i, f"clean:{i % 2}")
    pairs.add([0.0], 1, False, "positive_alias", -1, "list:8")
    pairs.add([0.0], 1, False, "positive_alias", -1, "list:9")
    pairs.add([0.0], 0, False, "clean", 9, "clean:9")
    weights = mix_weights(pairs)
    assert weights.tolist() == [1.0] * 8 + [1.0, 1.0, 2.0]


@pytest.mark.parametrize("method", ["auto", "platt", "isotonic"])
def test_fit_params_maps_the_threshold_and_keeps_every_alert(method: str) -> None:
    pairs = _pairs()
    params = fit_params(pairs, ["test"], method)
    model = model_from_params(params)
    assert model.calibration is not None
    if method != "auto":
        assert model.calibration.method == method
    metrics = params["metrics"]
    raw_threshold = metrics["threshold_uncalibrated"]
    threshold_logit = params["calibration"]["threshold_logit"]
    assert threshold_logit == pytest.approx(math.log(raw_threshold / (1 - raw_threshold)))
    assert params["threshold"] == model.calibration.score(threshold_logit)
    # The shipped (rounded) weights: the sigmoid cutoff and the calibrated one agree everywhere.
    plain = ScoreModel(model.bias, model.weights, raw_threshold)
    for values in pairs.x:
        logit = model.logit(values)
        assert (plain.probability_of_logit(logit) >= raw_threshold) == (
            model.probability_of_logit(logit) >= model.threshold
        )
    # The threshold rule reads the customer variants' recall: a real trade, not the top cutoff.
    assert 0.05 < raw_threshold < 0.99
    selection = metrics["calibration"]["selection"]
    assert set(selection) == {"platt", "isotonic"}
    if method == "auto":
        best = min(selection, key=lambda m: selection[m]["cv_log_loss"])
        assert model.calibration.method == best
    assert metrics["reliability_test"] and metrics["reliability_test_uncalibrated"]
