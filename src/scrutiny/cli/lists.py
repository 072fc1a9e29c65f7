"""CLI commands: `scrutiny lists load|status|diff` and `scrutiny entity ID`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from scrutiny.cli._common import console, err_console, fail, reports_errors
from scrutiny.errors import ScrutinyError
from scrutiny.model import Entity, to_dict
from scrutiny.store import ListVersion, LoadResult, connect

lists_app = typer.Typer(help="Load the official sanctions lists and inspect their versions.")


def _counts_text(counts: dict[str, int], limit: int | None = None) -> str:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:limit] if limit else ranked
    text = ", ".join(f"{key} {value:,}" for key, value in shown)
    if limit and len(ranked) > limit:
        text += f", … ({len(ranked) - limit} more)"
    return text


@lists_app.command("load")
@reports_errors
def load(
    lists: Annotated[
        list[str] | None, typer.Argument(help="List ids to load (default: every list found).")
    ] = None,
    from_dir: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Local mirror folder (default: SCRUTINY_LISTS_DIR, else download the "
            "official files).",
        ),
    ] = None,
) -> None:
    """Load lists into the store; each list is its own transaction (a failed list stores
    nothing and keeps its previous version; the others still load). Exits 1 if any failed."""
    from scrutiny.sources.fetch import resolve_lists_folder
    from scrutiny.sources.registry import scan

    wanted = list(dict.fromkeys(lists or []))
    fetched = resolve_lists_folder(from_dir, wanted or None)
    errors = [str(failure) for failure in fetched.failures]
    for list_id in fetched.from_cache:
        err_console.print(
            f"[yellow]warning:[/] {list_id}: publisher unreachable, using the "
            f"verified copy downloaded earlier into {fetched.folder}"
        )
    failed_fetch = set(fetched.failed)
    found = scan(fetched.folder)
    sources = [s for s in found.sources if s.list_id not in failed_fetch]
    # Problems with files of lists the user did not ask for are not theirs to fix now.
    if not wanted:
        errors.extend(str(problem) for problem in found.problems)
    else:
        sources = [s for s in sources if s.list_id in wanted]
        available = {s.list_id for s in found.sources} | failed_fetch
        errors.extend(
            f"list {list_id} not found in {fetched.folder}"
            for list_id in wanted
            if list_id not in available
        )
    for message in errors:
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)

    results: list[tuple[str, LoadResult | None]] = []
    if sources:
        store = connect()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TextColumn("{task.completed:,} entities"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            for source in sources:
                task = progress.add_task(source.list_id, total=None)

                def advance(count: int, task: TaskID = task) -> None:
                    progress.update(task, completed=count)

                try:
                    result = store.load_list(source.read(), on_progress=advance)
                except ScrutinyError as exc:
                    progress.update(task, total=1, completed=0, description=f"{source.list_id} ✗")
                    progress.console.print(
                        f"[bold red]error:[/] {source.list_id}: {exc}",
                        highlight=False,
                        soft_wrap=True,
                    )
                    results.append((source.list_id, None))
                    errors.append(str(exc))
                    continue
                count = result.version.entity_count
                progress.update(task, total=max(count, 1), completed=count)
                results.append((source.list_id, result))
        store.close()
    if results:
        console.print(_load_table(results))
    if errors:
        raise typer.Exit(1)


def _load_table(results: list[tuple[str, LoadResult | None]]) -> Table:
    table = Table(title="Lists loaded")
    for column in ("list", "version", "status", "entities", "delta", "warnings"):
        table.add_column(
            column, justify="right" if column in ("version", "entities", "warnings") else "left"
        )
    for list_id, result in results:
        if result is None:
            table.add_row(list_id, "", "[red]failed[/]", "", "", "")
            continue
        version = result.version
        table.add_row(
            list_id,
            str(version.number),
            "[green]created[/]" if result.created else "unchanged",
            f"{version.entity_count:,}",
            str(result.delta.summary) if result.delta else "",
            str(len(result.warnings)),
        )
    return table


@lists_app.command("status")
@reports_errors
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The current version of each list: publisher date, load time, counts by type and program."""
    with connect() as store:
        versions = store.current_versions()
    if as_json:
        typer.echo(json.dumps([v.to_dict() for v in versions], indent=2, ensure_ascii=False))
        return
    if not versions:
        console.print("No lists loaded yet: run `scrutiny lists load --from DIR`.")
        return
    table = Table(title="Current list versions")
    for column in ("list", "version", "publisher date", "loaded at (UTC)", "entities", "by type"):
        table.add_column(column, overflow="fold")
    for version in versions:
        table.add_row(
            version.list_id,
            str(version.number),
            version.publisher_date or "—",
            version.loaded_at.strftime("%Y-%m-%d %H:%M"),
            f"{version.entity_count:,}",
            _counts_text(version.counts.get("by_schema", {})),
        )
    console.print(table)
    programs = Table(title="Entities by program (largest first)")
    programs.add_column("list")
    programs.add_column("programs", overflow="fold")
    for version in versions:
        programs.add_row(version.list_id, _counts_text(version.counts.get("by_program", {}), 15))
    console.print(programs)


@lists_app.command("diff")
@reports_errors
def diff(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. ofac_sdn.")],
    from_version: Annotated[
        int | None, typer.Option("--from-version", help="Default: the version before --to-version.")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to-version", help="Default: the current version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every entity).")] = False,
    limit: Annotated[int, typer.Option(help="Rows shown per section (not for --json).")] = 50,
) -> None:
    """Entities added, removed and changed (with the fields that changed) between versions."""
    with connect() as store:
        delta = store.diff(list_id, from_version, to_version)
        if as_json:
            typer.echo(json.dumps(delta.to_dict(), indent=2, ensure_ascii=False))
            return
        shown = [
            *delta.added[:limit],
            *delta.removed[:limit],
            *(e for e, _ in delta.changed[:limit]),
        ]
        names = store.entity_names(shown)
    source = delta.from_version.number if delta.from_version else "(empty)"
    target = delta.to_version.number if delta.to_version else "(empty)"
    console.print(f"[bold]{list_id}[/] version {source} → {target}: {delta.summary}")
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("added", [(eid, "") for eid in delta.added]),
        ("removed", [(eid, "") for eid in delta.removed]),
        ("changed", [(eid, ", ".join(fields)) for eid, fields in delta.changed]),
    ]
    for title, rows in sections:
        if not rows:
            continue
        table = Table(title=f"{title} ({len(rows):,})", title_justify="left")
        table.add_column("entity")
        table.add_column("name")
        if title == "changed":
            table.add_column("fields")
        for eid, fields in rows[:limit]:
            table.add_row(eid, names.get(eid, ""), *([fields] if title == "changed" else []))
        if len(rows) > limit:
            table.caption = f"{len(rows) - limit:,} more; use --limit or --json"
        console.print(table)


def _version_line(version: ListVersion) -> str:
    date = version.publisher_date or "no publisher date"
    current = " (current)" if version.is_current else ""
    return f"{version.list_id} v{version.number}{current}, {date}, loaded {version.loaded_at:%Y-%m-%d %H:%M}"


def _entity_table(entity: Entity) -> Table:
    data = to_dict(entity)
    provenance = data.pop("provenance")
    table = Table(
        show_header=False, title=f"{entity.id}: {entity.primary_name}", title_justify="left"
    )
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        if key == "id":
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            text = "\n".join(", ".join(f"{k}={v}" for k, v in item.items()) for item in value)
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            text = ", ".join(f"{k}={v}" for k, v in value.items())
        else:
            text = str(value)
        table.add_row(key, text)
    table.add_row("provenance", ", ".join(f"{k}={v}" for k, v in provenance.items()))
    return table


def entity(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac_sdn:36")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One list entry with its provenance and the list versions it appears in."""
    with connect() as store:
        record, versions = store.get_entity(entity_id)
    if as_json:
        payload = {"entity": to_dict(record), "versions": [v.to_dict() for v in versions]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console.print(_entity_table(record))
    console.print("[bold]appears in:[/]")
    for version in versions:
        console.print(f"  {_version_line(version)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(lists_app, name="lists")
    app.command("entity")(reports_errors(entity))


__all__ = ["fail", "register"]
