"""CLI commands for the screening service: `serve`, `keys create`, `audit verify`,
`monitor run`."""

from __future__ import annotations

from typing import Annotated

import typer

from scrutiny.cli._common import console, fail, reports_errors

keys_app = typer.Typer(help="API keys for the screening service.")
audit_app = typer.Typer(help="The hash-chained audit log.")
monitor_app = typer.Typer(help="Re-screen stored records when lists change.")


def _app_factory() -> object:
    """uvicorn factory: each worker process builds its own app (and store connection)."""
    from scrutiny.api.app import create_app

    return create_app()


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import os

    import uvicorn

    # Workers split each key's rate limit between them (api/limits.py).
    os.environ["SCRUTINY_WORKERS"] = str(workers)
    uvicorn.run(
        "scrutiny.cli.service:_app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@keys_app.command("create")
@reports_errors
def keys_create(
    role: Annotated[str, typer.Option(help="screener, analyst or admin.")],
    label: Annotated[str, typer.Option(help="Who the key is for (shown in decisions).")] = "",
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from scrutiny.store import connect, keys

    parsed = keys.parse_role(role)
    with connect() as store, store.transaction(write=True) as conn:
        plain, key = keys.create_key(conn, parsed, label)
    console.print(f"key {key.id} ({key.role}) — store it now, it is not shown again:")
    typer.echo(plain)


@audit_app.command("verify")
@reports_errors
def audit_verify() -> None:
    """Check the audit chain; exit 1 naming the first broken entry if it is not intact."""
    from scrutiny.store import audit, connect

    with connect() as store, store.transaction() as conn:
        report = audit.verify_chain(conn)
    if not report.ok:
        raise fail(
            f"audit chain broken at entry {report.first_broken}: {report.problem} "
            f"({report.checked} entries before it are intact)"
        )
    console.print(f"audit chain intact: {report.checked} entries")


@monitor_app.command("run")
@reports_errors
def monitor_run() -> None:
    """Re-screen every stored record against list changes not yet monitored."""
    from scrutiny.api.app import Service
    from scrutiny.monitor.rescreen import run_monitor
    from scrutiny.store import connect

    with connect() as store:
        service = Service(store)
        report = run_monitor(store, service.context())
    for run in report.lists:
        console.print(
            f"{run.list_id}: v{run.from_version} → v{run.to_version}, "
            f"{run.entities} entities added/changed, {run.alerts} alerts"
        )
    console.print(
        f"{report.records_screened:,} records screened, {report.alerts_raised} new alerts "
        f"in {report.seconds:.1f}s"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
    app.add_typer(audit_app, name="audit")
    app.add_typer(monitor_app, name="monitor")
