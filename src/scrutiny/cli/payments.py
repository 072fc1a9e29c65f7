"""CLI command: screen-payment (SWIFT MT and ISO 20022 messages: a file, a folder, or stdin).

Exit status: 0 when every message passes, 1 when any is held, 2 when any input could not be
read or parsed (the other messages are still screened and reported; a message that could not
be read was not screened, which outranks a hold for an operator watching exit codes).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import orjson
import typer

from scrutiny.cli._common import console, fail, reports_errors
from scrutiny.errors import QueryError
from scrutiny.screening.payments import PaymentResult, PaymentScreener

_SUFFIXES = (".fin", ".mt", ".txt", ".xml", ".swift")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("screen-payment")(screen_payment_command)


def _screener(
    index: Path | None, crypto: Path | None, vessels: Path | None = None
) -> PaymentScreener:
    from scrutiny.payments.crypto import CryptoIndex
    from scrutiny.screening.payments import configured_crypto, default_screener
    from scrutiny.sources.ofac_crypto import read_ofac_crypto
    from scrutiny.sources.un_vessels import read_1718_vessels

    if index is None and crypto is None and vessels is None:
        return default_screener()
    extra = read_1718_vessels(vessels).entities if vessels is not None else None
    from scrutiny.match.matcher import Matcher

    if index is not None:
        if not (index / "manifest.json").is_file():
            raise QueryError(f"{index}: no scrutiny index here (manifest.json missing)")
        matcher = Matcher.load(index)
    else:
        from scrutiny.screening.names import default_matcher

        matcher = default_matcher()
    if crypto is not None:
        crypto_index: CryptoIndex | None = CryptoIndex.build(read_ofac_crypto(crypto))
    else:
        crypto_index = configured_crypto() if index is None else None
    return PaymentScreener(matcher, crypto=crypto_index, vessels=extra)


def _inputs(path: str) -> Iterator[tuple[str, bytes | None, str | None]]:
    """(source name, bytes or None, error) for stdin, one file, or every message file of a folder."""
    if path == "-":
        yield "<stdin>", sys.stdin.buffer.read(), None
        return
    target = Path(path)
    files = (
        sorted(p for p in target.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
        if target.is_dir()
        else [target]
    )
    for file in files:
        try:
            yield str(file), file.read_bytes(), None
        except OSError as exc:
            yield str(file), None, f"{file}: cannot read: {exc.strerror}"


def _print(result: PaymentResult, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(result.to_dict()).decode() + "\n")
        return
    if result.decision == "error":
        console.print(f"[bold red]ERROR[/] {result.error}", highlight=False, soft_wrap=True)
        return
    colour = "red" if result.held else "green"
    console.print(
        f"[bold {colour}]{result.decision.upper()}[/] {result.source} "
        f"{result.message_type} {result.reference or ''}",
        highlight=False,
    )
    for hit in result.hits:
        target = f"{hit.list_name} [{hit.entity_id}]" if hit.entity_id else hit.list_name or ""
        reason = hit.explanation.get("reason", "")
        console.print(
            f"  {hit.location}  {hit.kind}  {hit.matched_text!r} -> {target}  "
            f"score {hit.score:.3f} {reason}",
            highlight=False,
            soft_wrap=True,
        )


@reports_errors
def screen_payment_command(
    path: Annotated[str, typer.Argument(help="Message file, folder of messages, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON result per line.")] = False,
    index: Annotated[
        Path | None, typer.Option("--index", help="Use this persisted index, not the store.")
    ] = None,
    crypto: Annotated[
        Path | None,
        typer.Option("--crypto", help="OFAC digital-currency address extract (JSON)."),
    ] = None,
    vessels: Annotated[
        Path | None,
        typer.Option(
            "--vessels",
            help="UN 1718 designated vessels CSV: screen their IMO, MMSI and (former) names.",
        ),
    ] = None,
) -> None:
    """Screen SWIFT MT103/202/202COV and ISO 20022 pacs.008/pacs.009/pain.001 messages."""
    if path != "-" and not Path(path).exists():
        raise fail(f"{path}: no such file or folder", code=2)
    screener = _screener(index, crypto, vessels)
    held = unreadable = False
    for source, raw, error in _inputs(path):
        if raw is None:
            unreadable = True
            _print(PaymentResult(source, "error", error=error), as_json)
            continue
        for result in screener.screen_stream(raw, source=source):
            held |= result.held
            unreadable |= result.decision == "error"
            _print(result, as_json)
    if unreadable:
        raise typer.Exit(2)
    if held:
        raise typer.Exit(1)
