"""Benchmark of the exposure network: OFAC 50 % rule and exposure ranking on a synthetic graph.

    .venv/bin/python bench/bench_network.py [--edges 1000000] [--counterparties 100000] [--hops 3]

Builds a seeded synthetic ownership graph (5,000 listed parties, companies owned by two to three
owners with random stakes, forward links plus a few back links that make cycles), applies the 50 %
rule, then adds counterparties each paying two or three random companies and ranks them all by
exposure within N hops. Prints timings and peak RSS as a Markdown table row.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date

import numpy as np

from scrutiny.network.exposure import rank_exposure
from scrutiny.network.graph import EdgeType, ExposureGraph, Node
from scrutiny.network.ownership import fifty_percent_rule, propagate_blocking


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_ownership(
    n_edges: int, seed: int
) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(listed count, node count, owner, owned, share, start-year) arrays."""
    rng = np.random.default_rng(seed)
    n_listed = 5_000
    n_companies = n_edges * 2 // 5  # 2.5 owners per company on average
    n = n_listed + n_companies
    owned = np.repeat(np.arange(n_listed, n), rng.integers(2, 4, n_companies))[:n_edges]
    if owned.size < n_edges:
        owned = np.concatenate([owned, rng.integers(n_listed, n, n_edges - owned.size)])
    # Owners: mostly earlier nodes (listed parties or companies higher up), 2 % anywhere: cycles.
    upper = np.maximum(owned, 1)
    owner = (rng.random(n_edges) * upper).astype(np.int64)
    wild = rng.random(n_edges) < 0.02
    owner[wild] = rng.integers(0, n, int(wild.sum()))
    owner[owner == owned] = 0
    share = rng.choice([5.0, 10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0], n_edges)
    start = rng.integers(2000, 2030, n_edges)
    return n_listed, n, owner, owned, share, start


def build_graph(
    n_listed: int,
    n: int,
    owner: np.ndarray,
    owned: np.ndarray,
    share: np.ndarray,
    start: np.ndarray,
) -> ExposureGraph:
    """Nodes as `Node` objects, edges straight from the arrays (no per-edge Python object)."""
    graph = ExposureGraph()
    graph.add_nodes(
        Node(
            f"ofac_sdn:{i}",
            f"Listed {i}",
            designated=True,
            programs=("DPRK3",),
            dprk=i % 2 == 0,
            list_id="ofac_sdn",
        )
        if i < n_listed
        else Node(f"user:c{i}", f"Company {i}")
        for i in range(n)
    )
    # Node indices are 0..n-1 in the order added, so the synthetic ids are the indices.
    graph.add_edge_arrays(
        owner,
        owned,
        EdgeType.OWNS,
        share=share,
        start=(start - 1970).astype("datetime64[Y]").astype("datetime64[D]"),
        source="synthetic",
        rows=np.arange(2, owner.size + 2),
    )
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--counterparties", type=int, default=100_000)
    parser.add_argument("--hops", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240503)
    parser.add_argument(
        "--store", help="also time saving the graph to / loading it from this store URL"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    n_listed, n, owner, owned, share, start = synthetic_ownership(args.edges, args.seed)
    seeds = np.zeros(n, dtype=bool)
    seeds[:n_listed] = True
    t1 = time.perf_counter()
    blocked, _, _ = propagate_blocking(n, owner, owned, share, seeds)
    t_core = time.perf_counter() - t1

    t2 = time.perf_counter()
    graph = build_graph(n_listed, n, owner, owned, share, start)
    t_build = time.perf_counter() - t2

    t3 = time.perf_counter()
    result = fifty_percent_rule(graph, as_of=date(2020, 6, 30))
    derived = len(result.derived_ids)
    t_rule = time.perf_counter() - t3
    t3b = time.perf_counter()
    again = fifty_percent_rule(graph, as_of=date(2020, 6, 30))
    assert again.derived_ids == result.derived_ids
    t_rule_again = time.perf_counter() - t3b
    t4 = time.perf_counter()
    explained = sum(1 for _ in zip(range(1000), result.derivations(), strict=False))
    t_explain = time.perf_counter() - t4

    rng = np.random.default_rng(args.seed + 1)
    counterparties = [f"user:cp{i}" for i in range(args.counterparties)]
    first_cp = graph.index_bound
    graph.add_nodes(Node(c, c) for c in counterparties)
    payees = rng.integers(n_listed, n, (args.counterparties, 3))
    degree = rng.integers(2, 4, args.counterparties)
    payer_idx = np.repeat(np.arange(first_cp, first_cp + args.counterparties), degree)
    payee_idx = payees[np.arange(3)[None, :] < degree[:, None]]
    graph.add_edge_arrays(
        payer_idx, payee_idx, EdgeType.TRANSACTS, amount=np.full(payer_idx.size, 100.0)
    )
    volume = {c: 100.0 * float(degree[i]) for i, c in enumerate(counterparties)}
    t5 = time.perf_counter()
    ranked = rank_exposure(
        graph,
        [(c, c, None) for c in counterparties],
        hops=args.hops,
        volume=volume,
        ownership=result,
    )
    t_rank = time.perf_counter() - t5
    exposed = sum(1 for e in ranked if e.score > 0)
    store_rows = []
    if args.store:
        from scrutiny.store import connect

        with connect(args.store) as store:
            t6 = time.perf_counter()
            graph.save_to_store(store, "bench")
            store_rows.append((f"save the graph to the store ({store.engine.dialect.name})", t6))
            t7 = time.perf_counter()
            loaded = ExposureGraph.from_store(store, "bench")
            assert loaded.edge_count == graph.edge_count
            store_rows.append(("load it back", t7))

    print(
        f"graph: {n:,} parties, {args.edges:,} ownership edges, {n_listed:,} listed; "
        f"+{args.counterparties:,} counterparties, {graph.edge_count:,} edges in all",
        file=sys.stderr,
    )
    print(
        f"50% rule: {int(blocked.sum()) - n_listed:,} derived (all dates), {derived:,} derived as of 2020-06-30; "
        f"{exposed:,} of {args.counterparties:,} counterparties exposed within {args.hops} hops",
        file=sys.stderr,
    )
    print("| step | seconds |\n|---|---|")
    print(f"| 50 % rule, numpy core on arrays ({args.edges:,} edges) | {t_core:.2f} |")
    print(
        f"| build ExposureGraph (Node objects, edges as arrays, rustworkx bulk) | {t_build:.2f} |"
    )
    print(
        f"| 50 % rule on the graph, as of a date (arrays + fixed point + cycle/over-100 % checks) | {t_rule:.2f} |"
    )
    print(f"| same rule again (extraction and cycle check cached) | {t_rule_again:.2f} |")
    print(f"| build + rule | {t_build + t_rule:.2f} |")
    print(f"| explain the first {explained:,} derived entities | {t_explain:.2f} |")
    print(
        f"| rank {args.counterparties:,} counterparties at {args.hops} hops (search + paths) | {t_rank:.2f} |"
    )
    ends = [t for _, t in store_rows[1:]] + [time.perf_counter()]
    for (label, began), ended in zip(store_rows, ends, strict=True):
        print(f"| {label} | {ended - began:.2f} |")
    print(f"| total incl. synthetic data | {time.perf_counter() - t0:.2f} |")
    print(f"| peak RSS | {_rss_mb():,.0f} MB |")


if __name__ == "__main__":
    main()
