"""Calibration helpers: the split, the logistic fit and the clean-alert threshold rule."""

from __future__ import annotations

import hashlib

import numpy as np

from scrutiny.match.calibrate import (
    choose_threshold,
    clean_alert_rate,
    fit_logistic,
    is_train,
)
from scrutiny.match.features import FEATURES
from scrutiny.match.score import default_model


def test_split_follows_eval_rule() -> None:
    for i in range(200):
        entity_id = f"ofac_sdn:{i}"
        digest = hashlib.sha1(entity_id.encode()).digest()
        if int.from_bytes(digest[:8], "big") % 10 >= 7:
            assert not is_train(entity_id)
    share = sum(is_train(f"un_sc:{i}") for i in range(2000)) / 2000
    assert 0.6 < share < 0.75


def test_logistic_fit_separates_a_separable_feature() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] > 0).astype(float)
    w = fit_logistic(x, y)
    assert w[1] > 1.0
    assert abs(w[2]) < abs(w[1])


def test_threshold_keeps_clean_alerts_within_budget() -> None:
    # 2,000 clean queries, 2 candidates each; three queries carry a high-scoring candidate.
    groups = np.repeat(np.arange(2000), 2)
    p = np.full(4000, 0.1)
    p[[10, 500, 3001]] = [0.95, 0.62, 0.41]
    t = choose_threshold(p, groups, 2000, rate=0.001)
    assert clean_alert_rate(p, groups, 2000, t) <= 0.001
    assert t == 0.42  # the lowest step above the third-highest clean query
    assert choose_threshold(p, groups, 2000, rate=0.01) == 0.3


def test_shipped_model_has_a_weight_for_every_feature() -> None:
    model = default_model()
    assert len(model.weights) == len(FEATURES)
    assert 0.0 < model.threshold < 1.0
