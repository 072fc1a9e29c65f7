"""CLI commands: exposure (ownership, 50 % rule, exposure ranking, graph export)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape

from scrutiny.cli._common import console, err_console, reports_errors
from scrutiny.model import Entity
from scrutiny.network.graph import (
    DEFAULT_GRAPH,
    ExposureGraph,
    build_from_entities,
    exact_name_resolver,
    load_persisted,
    save_persisted,
)
from scrutiny.network.io import (
    PartyResolver,
    add_ownership,
    add_relationships,
    add_transactions,
    is_transaction_file,
    matcher_resolver,
    parse_date,
    read_counterparties,
    read_ownership,
    read_relationships,
    read_transactions,
)
from scrutiny.network.ownership import Derivation, Rule, apply_rule

exposure_app = typer.Typer(
    name="exposure",
    help="Ownership (OFAC 50 % rule, EU/UK test), exposure ranking and network export.",
    no_args_is_help=True,
)

ListsOption = Annotated[
    Path | None,
    typer.Option("--lists", help="Read the lists from this folder instead of the store."),
]
ExactOption = Annotated[
    bool,
    typer.Option("--exact-names", help="Resolve names by exact (folded) match, not the matcher."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Count only stakes held on this date (YYYY-MM-DD).")
]


class ExportFormat(StrEnum):
    GRAPHML = "graphml"
    JSON = "json"
    HTML = "html"


def _list_entities(lists: Path | None) -> list[Entity]:
    if lists is not None:
        from scrutiny.sources.registry import discover

        entities: list[Entity] = []
        for source in discover(lists):
            entities.extend(source.read().entities)
        return entities
    from scrutiny.screening.names import NoListsLoadedError
    from scrutiny.store import connect

    with connect() as store:
        entities = list(store.iter_current_entities())
    if not entities:
        raise NoListsLoadedError()
    return entities


def _parties(
    graph: ExposureGraph, entities: list[Entity], lists: Path | None, exact: bool
) -> PartyResolver:
    if exact:
        return PartyResolver(graph, exact_name_resolver(graph), threshold=1.0)
    resolver, threshold = matcher_resolver(entities if lists is not None else None)
    return PartyResolver(graph, resolver, threshold=threshold)


def _as_of(value: str | None) -> date | None:
    return parse_date(value, where="--as-of") if value else None


def _warn(warnings: list[str]) -> None:
    for warning in dict.fromkeys(warnings):
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def _derivation_dict(d: Derivation) -> dict[str, Any]:
    return {
        "entity_id": d.entity_id,
        "name": d.name,
        "rule": str(d.rule),
        "blocked_share": d.blocked_share,
        "round": d.round,
        "stakes": [
            {
                "owner_id": s.owner_id,
                "owner_name": s.owner_name,
                "share": s.share,
                "relation": str(s.relation),
                "owner_listed": s.owner_listed,
                "source": s.source,
            }
            for s in d.stakes
        ],
        "paths": [list(p) for p in d.paths],
    }


@exposure_app.command("ownership")
@reports_errors
def ownership(
    file: Annotated[Path, typer.Argument(help="Ownership file (CSV or Parquet).")],
    as_of: AsOfOption = None,
    rule: Annotated[
        Rule, typer.Option("--rule", help="ofac_50 (>= 50 %) or eu_uk (> 50 % or control).")
    ] = Rule.OFAC_50,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists: ListsOption = None,
    exact: ExactOption = False,
) -> None:
    """Entities blocked by ownership (the OFAC 50 % rule), with the stakes that add up."""
    data = read_ownership(file)
    entities = _list_entities(lists)
    graph = build_from_entities(entities)
    parties = _parties(graph, entities, lists, exact)
    add_ownership(graph, data, parties)
    result = apply_rule(graph, rule, as_of=_as_of(as_of))
    derivations = list(result.derivations())
    warnings = [*data.warnings, *parties.warnings, *result.warnings]
    if json_out:
        payload = {
            "rule": str(rule),
            "as_of": as_of,
            "blocked": [_derivation_dict(d) for d in derivations],
            "warnings": list(dict.fromkeys(warnings)),
        }
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    _warn(warnings)
    if not derivations:
        console.print("No entity is blocked by ownership.")
    for d in derivations:
        console.print(
            f"[bold red]BLOCKED[/] {escape(d.name)} ({d.entity_id}): "
            f"{d.blocked_share:g}% held by blocked owners",
            highlight=False,
            soft_wrap=True,
        )
        for s in d.stakes:
            held = f"{s.share:g}%" if s.share is not None else str(s.relation)
            status = "listed" if s.owner_listed else "blocked by ownership"
            typer.echo(f"    {held} {s.owner_name} ({s.owner_id}, {status}) [{s.source}]")
        for path in d.paths:
            typer.echo("    path: " + " -> ".join(path))


@exposure_app.command("rank")
@reports_errors
def rank(
    counterparties: Annotated[
        Path,
        typer.Option(
            "--counterparties",
            help="Counterparty list, or a transaction file (payer, payee, amount, date).",
        ),
    ],
    hops: Annotated[
        int, typer.Option("--hops", min=0, max=6, help="Search this many links out.")
    ] = 3,
    ownership_files: Annotated[
        list[Path] | None, typer.Option("--ownership", help="Ownership file(s) to add.")
    ] = None,
    relation_files: Annotated[
        list[Path] | None, typer.Option("--relations", help="Relationship file(s) to add.")
    ] = None,
    as_of: AsOfOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Show the top N (0: all).")] = 50,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists: ListsOption = None,
    exact: ExactOption = False,
) -> None:
    """Rank counterparties by exposure to designated parties within N hops."""
    from scrutiny.network.exposure import exposure_to_dict, rank_exposure, resolve_counterparties
    from scrutiny.network.ownership import fifty_percent_rule

    entities = _list_entities(lists)
    graph = build_from_entities(entities)
    parties = _parties(graph, entities, lists, exact)
    warnings: list[str] = []
    for path in ownership_files or []:
        data = read_ownership(path)
        add_ownership(graph, data, parties)
        warnings.extend(data.warnings)
    for path in relation_files or []:
        add_relationships(graph, read_relationships(path), parties)
    volume: dict[str, float] = {}
    if is_transaction_file(counterparties):
        tx = read_transactions(counterparties)
        volume = add_transactions(graph, tx, parties)
        names = list(dict.fromkeys(p for r in tx.records for p in (r.payer, r.payee)))
    else:
        names = read_counterparties(counterparties).records
    resolved = resolve_counterparties(names, parties, where=counterparties.name)
    blocked = fifty_percent_rule(graph, as_of=_as_of(as_of))
    ranked = rank_exposure(graph, resolved, hops=hops, volume=volume, ownership=blocked)
    shown = ranked[:limit] if limit else ranked
    warnings.extend(parties.warnings)
    if json_out:
        payload = {"hops": hops, "counterparties": [exposure_to_dict(e) for e in shown]}
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    _warn(warnings)
    for position, e in enumerate(shown, start=1):
        flag = " DPRK" if e.dprk else ""
        where = f"{e.hops} hop(s)" if e.hops is not None else f"none within {hops}"
        typer.echo(
            f"{position:>3}. {e.score:.3f}{flag} {e.party} -> {e.node_id} "
            f"({where}, volume {e.volume:g})"
        )
        if e.strongest is not None and e.strongest.hops:
            typer.echo("      " + " -> ".join(e.strongest.names))


@exposure_app.command("build")
@reports_errors
def build(
    ownership_files: Annotated[
        list[Path] | None, typer.Option("--ownership", help="Ownership file(s).")
    ] = None,
    relation_files: Annotated[
        list[Path] | None, typer.Option("--relations", help="Relationship file(s).")
    ] = None,
    transaction_files: Annotated[
        list[Path] | None, typer.Option("--transactions", help="Transaction file(s).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the graph as a JSON file (it is always stored)."),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="Name of the graph in the store.")
    ] = DEFAULT_GRAPH,
    lists: ListsOption = None,
    exact: ExactOption = False,
) -> None:
    """Build the network from the lists and the given files, and save it in the store."""
    entities = _list_entities(lists)
    graph = build_from_entities(entities)
    parties = _parties(graph, entities, lists, exact)
    for path in ownership_files or []:
        add_ownership(graph, read_ownership(path), parties)
    for path in relation_files or []:
        add_relationships(graph, read_relationships(path), parties)
    for path in transaction_files or []:
        add_transactions(graph, read_transactions(path), parties)
    save_persisted(graph, name)
    where = f"the store as graph '{name}'"
    if out is not None:
        graph.save(out)
        where += f" and {out}"
    _warn(parties.warnings)
    console.print(
        f"Saved {len(graph)} parties and {graph.edge_count} relations to {where}", highlight=False
    )


@exposure_app.command("export")
@reports_errors
def export(
    entity_id: Annotated[str, typer.Argument(help="Party id, e.g. ofac_sdn:11581.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="graphml, json or html.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    hops: Annotated[
        int, typer.Option("--hops", min=1, max=6, help="Neighbourhood size in links.")
    ] = 2,
    graph_file: Annotated[
        Path | None, typer.Option("--graph", help="Graph file from `exposure build`.")
    ] = None,
    lists: ListsOption = None,
) -> None:
    """Export an entity's neighbourhood (GraphML, JSON, or an HTML picture for a case file)."""
    from scrutiny.network import export as exporter
    from scrutiny.network.ownership import fifty_percent_rule
    from scrutiny.store.graph import GraphNotFoundError

    if graph_file is not None:
        graph = ExposureGraph.load(graph_file)
    else:
        try:
            graph = load_persisted()  # the graph `exposure build` stored
        except GraphNotFoundError:
            graph = build_from_entities(_list_entities(lists))
    graph.node(entity_id)  # a clear error for an unknown id
    if fmt is ExportFormat.HTML:
        derived = frozenset(fifty_percent_rule(graph).derived_ids)
        exporter.write_html(graph, entity_id, out, hops=hops, derived=derived)
    else:
        sub = graph.neighbourhood(entity_id, hops)
        if fmt is ExportFormat.GRAPHML:
            exporter.write_graphml(sub, out)
        else:
            exporter.write_json(sub, out, center=entity_id)
    console.print(f"Wrote {out}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(exposure_app, name="exposure")
