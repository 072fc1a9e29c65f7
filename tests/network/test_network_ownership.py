"""OFAC 50 % rule and the EU/UK test on planted ownership chains (tests/data/network)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from scrutiny.model import Entity
from scrutiny.network.graph import ExposureGraph, build_from_entities
from scrutiny.network.io import PartyResolver, add_ownership, read_ownership
from scrutiny.network.ownership import (
    Rule,
    eu_uk_test,
    fifty_percent_rule,
    propagate_blocking,
)


def _graph(entities: list[Entity], path: Path) -> ExposureGraph:
    graph = build_from_entities(entities)
    add_ownership(graph, read_ownership(path), PartyResolver(graph))
    return graph


def test_two_blocked_owners_at_30_and_25_percent_block_the_company(
    planted: list[Entity], network_data: Path
) -> None:
    graph = _graph(planted, network_data / "ownership_planted.csv")
    result = fifty_percent_rule(graph)
    assert result.is_blocked("user:alpha trading llc")
    derivation = result.explain("user:alpha trading llc")
    assert derivation is not None
    assert derivation.blocked_share == pytest.approx(55.0)
    assert {(s.owner_id, s.share) for s in derivation.stakes} == {
        ("ofac_sdn:1", 30.0),
        ("ofac_sdn:2", 25.0),
    }
    # The unlisted 45 % holder is not part of the explanation.
    assert sorted(derivation.paths) == [
        ("ofac_sdn:1", "user:alpha trading llc"),
        ("ofac_sdn:2", "user:alpha trading llc"),
    ]


def test_chain_of_60_percent_blocks_both_without_multiplying(
    planted: list[Entity], network_data: Path
) -> None:
    graph = _graph(planted, network_data / "ownership_planted.csv")
    result = fifty_percent_rule(graph)
    assert result.is_blocked("user:beta shipping co")
    assert result.is_blocked("user:beta maritime ltd")
    derivation = result.explain("user:beta maritime ltd")
    assert derivation is not None
    # 60 % x 60 % = 36 % would not block; the blocked parent counts with its full 60 %.
    assert derivation.blocked_share == pytest.approx(60.0)
    assert derivation.paths == (("ofac_sdn:3", "user:beta shipping co", "user:beta maritime ltd"),)
    assert derivation.round == 2
    assert derivation.stakes[0].owner_listed is False


def test_40_percent_of_a_parent_owning_100_percent_blocks_neither(
    planted: list[Entity], network_data: Path
) -> None:
    result = fifty_percent_rule(_graph(planted, network_data / "ownership_planted.csv"))
    assert not result.is_blocked("user:gamma metals")
    assert not result.is_blocked("user:gamma mining")
    assert result.explain("user:gamma mining") is None


def test_ownership_ended_before_as_of_does_not_count(
    planted: list[Entity], network_data: Path
) -> None:
    graph = _graph(planted, network_data / "ownership_planted.csv")
    during = fifty_percent_rule(graph, as_of=date(2015, 6, 1))
    after = fifty_percent_rule(graph, as_of=date(2020, 1, 1))
    assert during.is_blocked("user:delta ventures")
    assert during.is_blocked("user:delta subsidiary")
    assert not after.is_blocked("user:delta ventures")
    assert not after.is_blocked("user:delta subsidiary")
    # The end date is the last day held.
    assert fifty_percent_rule(graph, as_of=date(2019, 12, 31)).is_blocked("user:delta ventures")
    # Beta's stake starts in 2015, its subsidiary's in 2016.
    early = fifty_percent_rule(graph, as_of=date(2015, 6, 1))
    assert early.is_blocked("user:beta shipping co")
    assert not early.is_blocked("user:beta maritime ltd")


def test_listed_parties_are_not_derived(planted: list[Entity], network_data: Path) -> None:
    result = fifty_percent_rule(_graph(planted, network_data / "ownership_planted.csv"))
    assert result.is_blocked("ofac_sdn:1")
    assert result.explain("ofac_sdn:1") is None
    assert "ofac_sdn:1" not in result.derived_ids
    assert set(result.derived_ids) == {
        "user:alpha trading llc",
        "user:beta shipping co",
        "user:beta maritime ltd",
        "user:delta ventures",
        "user:delta subsidiary",
    }
    rounds = [d.round for d in result.derivations()]
    assert rounds == sorted(rounds)


def test_cycles_terminate_and_are_reported(planted: list[Entity], network_data: Path) -> None:
    graph = _graph(planted, network_data / "ownership_cycle.csv")
    result = fifty_percent_rule(graph)
    # 50 % from the listed party blocks A, then B, then C (50 % from B); D holds only 49 %.
    assert result.is_blocked("user:cycle a")
    assert result.is_blocked("user:cycle b")
    assert result.is_blocked("user:cycle c")
    assert not result.is_blocked("user:cycle d")
    # C's 30 % back into A came after A was blocked: it is not in A's explanation.
    explanation = result.explain("user:cycle a")
    assert explanation is not None
    assert [s.owner_id for s in explanation.stakes] == ["ofac_sdn:1"]
    assert any("ownership cycle" in w and "user:cycle a" in w for w in result.warnings)


def test_pure_cycle_without_listed_owner_blocks_nothing() -> None:
    # Three companies owning each other 100 % in a ring, no seed: nothing is blocked, no hang.
    owner = np.array([0, 1, 2], dtype=np.int64)
    owned = np.array([1, 2, 0], dtype=np.int64)
    blocked, rounds, _ = propagate_blocking(
        3, owner, owned, np.full(3, 100.0), np.zeros(3, dtype=bool)
    )
    assert not blocked.any()
    assert (rounds == -1).all()


def test_fixed_point_matches_naive_iteration_on_random_graphs() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        n, m = 60, 150
        owner = rng.integers(0, n, m)
        owned = rng.integers(0, n, m)
        share = rng.choice([10.0, 20.0, 25.0, 30.0, 50.0, 60.0], m)
        seeds = rng.random(n) < 0.1
        blocked, _, _ = propagate_blocking(n, owner, owned, share, seeds)
        naive = seeds.copy()
        while True:
            stake = np.bincount(owned[naive[owner]], weights=share[naive[owner]], minlength=n)
            grown = naive | (stake >= 50.0)
            if (grown == naive).all():
                break
            naive = grown
        assert (blocked == naive).all()


def test_eu_uk_test_needs_more_than_half_or_control(
    planted: list[Entity], network_data: Path
) -> None:
    graph = _graph(planted, network_data / "ownership_control.csv")
    ofac = fifty_percent_rule(graph)
    eu = eu_uk_test(graph)
    assert eu.rule is Rule.EU_UK
    # Exactly 50 %: blocked under OFAC, not "more than 50 %" under EU/UK.
    assert ofac.is_blocked("user:epsilon bank")
    assert not eu.is_blocked("user:epsilon bank")
    # Control by a listed party: caught under EU/UK, and what it owns > 50 % as well.
    assert not ofac.is_blocked("user:zeta leasing")
    assert eu.is_blocked("user:zeta leasing")
    assert eu.is_blocked("user:eta services")
    zeta = eu.explain("user:zeta leasing")
    assert zeta is not None
    assert zeta.stakes[0].share is None
    assert str(zeta.stakes[0].relation) == "controls"


def test_lists_filter_limits_the_seeds(planted: list[Entity], network_data: Path) -> None:
    graph = _graph(planted, network_data / "ownership_planted.csv")
    result = fifty_percent_rule(graph, lists={"un_sc"})
    assert result.derived_ids == []
