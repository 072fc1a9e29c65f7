"""The user's own network files: ownership, relationships and transactions (CSV or Parquet).

Columns are found by name, case-insensitively, with a few common synonyms:

- ownership: owner, owned, percentage (percent, 0-100; "%" allowed), type (owns | controls,
  default owns), start, end (ISO dates; end is the last day the stake was held)
- relationships: from, to, relation (director, agent, subsidiary, controls, owns, linked_to ...)
- transactions: payer, payee, amount, date

A party is written as a list entity id ("ofac_sdn:11581") or as a name, which is resolved
against the list entities with the matching engine (`add_*` functions take the resolver).
Bad values raise `NetworkInputError` naming the file, row and column; doubtful ones (stakes over
100 % for one company, unknown entity ids) become warnings naming the rows.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from scrutiny.model import Entity
from scrutiny.network.graph import (
    USER_PREFIX,
    Edge,
    EdgeType,
    ExposureGraph,
    NetworkInputError,
    Node,
    Resolver,
    edge_strength,
    name_key,
)

_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "owner": ("owner", "parent", "shareholder", "owner_id", "owner_name"),
    "owned": ("owned", "company", "owned_id", "owned_name", "child", "entity"),
    "percentage": ("percentage", "percent", "share", "stake", "pct", "ownership"),
    "type": ("type", "kind", "relation"),
    "start": ("start", "start_date", "from_date", "since"),
    "end": ("end", "end_date", "to_date", "until"),
    "from": ("from", "source", "party", "from_party"),
    "to": ("to", "target", "counterparty", "to_party"),
    "relation": ("relation", "relationship", "type", "role"),
    "payer": ("payer", "debtor", "sender", "originator"),
    "payee": ("payee", "creditor", "receiver", "beneficiary"),
    "amount": ("amount", "value", "sum"),
    "date": ("date", "value_date", "booking_date"),
    "counterparty": ("counterparty", "name", "party", "id"),
}

_RELATIONS: Mapping[str, EdgeType] = {t.value: t for t in EdgeType} | {
    "ownership": EdgeType.OWNS,
    "owner": EdgeType.OWNS,
    "control": EdgeType.CONTROLS,
    "controller": EdgeType.CONTROLS,
    "directorship": EdgeType.DIRECTOR,
    "officer": EdgeType.DIRECTOR,
    "parent": EdgeType.SUBSIDIARY,
    "linked": EdgeType.LINKED_TO,
    "associate": EdgeType.LINKED_TO,
    "payment": EdgeType.TRANSACTS,
}


@dataclass(frozen=True, slots=True)
class OwnershipRecord:
    row: int  # line number in the file (header is line 1); row number for Parquet
    owner: str
    owned: str
    share: float | None
    type: EdgeType
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class RelationRecord:
    row: int
    from_party: str
    to_party: str
    relation: EdgeType


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    row: int
    payer: str
    payee: str
    amount: float
    date: date | None


T = TypeVar("T")


@dataclass
class UserFile(Generic[T]):
    """Records read from one file, with the warnings reading them produced."""

    path: Path
    records: list[T]
    warnings: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header (lower-cased) and (row number, values) of a CSV or Parquet file."""
    if not path.exists():
        raise NetworkInputError(f"{path}: file not found")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        return _parquet_rows(path)
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NetworkInputError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if sample.count("\t") > max(sample.count(","), sample.count(";")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().casefold() for h in next(reader)]
    except StopIteration:
        raise NetworkInputError(f"{path}: empty file (expected a header row)") from None

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False))

    return header, body()


def _parquet_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise NetworkInputError(f"{path}: cannot read Parquet: {exc}") from exc
    header = [name.strip().casefold() for name in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        for row in range(table.num_rows):
            values = ("" if col[row] is None else str(col[row]).strip() for col in columns)
            yield row + 1, dict(zip(header, values, strict=True))

    return header, body()


def _columns(
    path: Path, header: Sequence[str], required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, str]:
    found: dict[str, str] = {}
    for wanted in (*required, *optional):
        for synonym in _SYNONYMS[wanted]:
            if synonym in header and synonym not in found.values():
                found[wanted] = synonym
                break
    missing = [c for c in required if c not in found]
    if missing:
        raise NetworkInputError(
            f"{path}: missing column(s) {', '.join(missing)} "
            f"(header has: {', '.join(header) or 'nothing'})"
        )
    return found


def parse_date(value: str, *, where: str, end: bool = False) -> date | None:
    """An ISO date or prefix (YYYY, YYYY-MM, YYYY-MM-DD); a prefix means its first day, or its
    last day for an end date."""
    value = value.strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    try:
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        if day is not None:
            return date(int(year), int(month), int(day))
        if month is not None:
            first = date(int(year), int(month), 1)
            if not end:
                return first
            following = date(int(year) + (int(month) == 12), int(month) % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    except ValueError:
        raise NetworkInputError(
            f"{where}: bad date {value!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)"
        ) from None


def _number(value: str, *, where: str, what: str) -> float:
    cleaned = value.replace("%", "").replace(" ", "").replace("_", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # decimal comma
    else:
        cleaned = cleaned.replace(",", "")  # thousands separators
    try:
        number = float(cleaned)
    except ValueError:
        raise NetworkInputError(f"{where}: {what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise NetworkInputError(f"{where}: {what} {value!r} is not a finite number")
    return number


def _relation(value: str, *, where: str, default: EdgeType) -> EdgeType:
    if not value:
        return default
    key = value.strip().casefold().replace(" ", "_").replace("-", "_")
    try:
        return _RELATIONS[key]
    except KeyError:
        known = ", ".join(sorted(t.value for t in EdgeType))
        raise NetworkInputError(
            f"{where}: unknown relation {value!r} (expected one of {known})"
        ) from None


def _party(values: Mapping[str, str], column: str, *, where: str) -> str:
    party = values.get(column, "").strip()
    if not party:
        raise NetworkInputError(f"{where}: empty {column}")
    return party


def read_ownership(path: Path) -> UserFile[OwnershipRecord]:
    """Read an ownership file (owner, owned, percentage, type, start, end)."""
    header, rows = _rows(path)
    cols = _columns(path, header, ("owner", "owned"), ("percentage", "type", "start", "end"))
    result: UserFile[OwnershipRecord] = UserFile(path, [])
    for row, values in rows:
        where = f"{path.name}:row {row}"
        edge_type = _relation(
            values.get(cols.get("type", ""), ""), where=where, default=EdgeType.OWNS
        )
        raw_share = values.get(cols.get("percentage", ""), "")
        share = None
        if raw_share:
            share = _number(raw_share, where=where, what="percentage")
            if share < 0 or share > 100:
                raise NetworkInputError(
                    f"{where}: percentage {raw_share!r} is outside 0-100 (a percent, not a fraction)"
                )
        elif edge_type is EdgeType.OWNS:
            raise NetworkInputError(f"{where}: ownership row without a percentage")
        start = parse_date(values.get(cols.get("start", ""), ""), where=where)
        end = parse_date(values.get(cols.get("end", ""), ""), where=where, end=True)
        if start is not None and end is not None and end < start:
            raise NetworkInputError(f"{where}: end {end} is before start {start}")
        owner = _party(values, cols["owner"], where=where)
        owned = _party(values, cols["owned"], where=where)
        if name_key(owner) == name_key(owned):
            raise NetworkInputError(f"{where}: {owner!r} owns itself")
        result.records.append(OwnershipRecord(row, owner, owned, share, edge_type, start, end))
    shares = [r.share for r in result.records if r.share is not None]
    if shares and max(shares) <= 1.0 and len(shares) > 1:
        result.warnings.append(
            f"{path.name}: every percentage is at most 1; they are read as percent (0-100), "
            "so 0.5 means half a percent, not half"
        )
    result.warnings.extend(_oversubscribed(path, result.records))
    return result


def _oversubscribed(path: Path, records: Sequence[OwnershipRecord]) -> Iterator[str]:
    """Warn where stakes held at the same time in one company add up to more than 100 %."""
    by_owned: dict[str, list[OwnershipRecord]] = defaultdict(list)
    for record in records:
        if record.share is not None and record.type is EdgeType.OWNS:
            by_owned[name_key(record.owned)].append(record)
    for stakes in by_owned.values():
        # The total peaks at some stake's start (or at the beginning of time).
        moments = {r.start for r in stakes}
        for moment in moments:
            active = [
                r
                for r in stakes
                if (r.start is None or moment is None or r.start <= moment)
                and (r.end is None or moment is None or r.end >= moment)
            ]
            total = sum(r.share or 0.0 for r in active)
            if total > 100.0 + 1e-6:
                rows = ", ".join(str(r.row) for r in active)
                yield (
                    f"{path.name}: stakes in {stakes[0].owned!r} add up to {total:g}% (rows {rows})"
                )
                break


def read_relationships(path: Path) -> UserFile[RelationRecord]:
    """Read a relationship file (from, to, relation)."""
    header, rows = _rows(path)
    cols = _columns(path, header, ("from", "to", "relation"))
    result: UserFile[RelationRecord] = UserFile(path, [])
    for row, values in rows:
        where = f"{path.name}:row {row}"
        relation = _relation(
            values.get(cols["relation"], ""), where=where, default=EdgeType.LINKED_TO
        )
        result.records.append(
            RelationRecord(
                row,
                _party(values, cols["from"], where=where),
                _party(values, cols["to"], where=where),
                relation,
            )
        )
    return result


def read_transactions(path: Path) -> UserFile[TransactionRecord]:
    """Read a transaction file (payer, payee, amount, date)."""
    header, rows = _rows(path)
    cols = _columns(path, header, ("payer", "payee", "amount"), ("date",))
    result: UserFile[TransactionRecord] = UserFile(path, [])
    for row, values in rows:
        where = f"{path.name}:row {row}"
        amount = _number(values.get(cols["amount"], ""), where=where, what="amount")
        if amount < 0:
            raise NetworkInputError(f"{where}: negative amount {amount:g}")
        result.records.append(
            TransactionRecord(
                row,
                _party(values, cols["payer"], where=where),
                _party(values, cols["payee"], where=where),
                amount,
                parse_date(values.get(cols.get("date", ""), ""), where=where),
            )
        )
    return result


def read_counterparties(path: Path) -> UserFile[str]:
    """Read a counterparty list: one column of names or entity ids (counterparty / name / id)."""
    header, rows = _rows(path)
    cols = _columns(path, header, ("counterparty",))
    result: UserFile[str] = UserFile(path, [])
    for row, values in rows:
        result.records.append(_party(values, cols["counterparty"], where=f"{path.name}:row {row}"))
    return result


def is_transaction_file(path: Path) -> bool:
    """Whether the file's header names payer, payee and amount columns."""
    header, _ = _rows(path)
    try:
        _columns(path, header, ("payer", "payee", "amount"))
    except NetworkInputError:
        return False
    return True


# --- adding to the graph -------------------------------------------------------------------


@dataclass
class PartyResolver:
    """Turns a party as the user wrote it into a graph node id, resolving names to list entities.

    An exact entity id is taken as is; a name goes to `resolver` and its best hit at or above
    `threshold` is used, with the score; otherwise the party becomes a user node "user:<name>".
    """

    graph: ExposureGraph
    resolver: Resolver | None = None
    threshold: float = 0.85
    warnings: list[str] = field(default_factory=list)
    _cache: dict[str, tuple[str, float | None]] = field(default_factory=dict)
    _list_ids: set[str] | None = None

    def __call__(self, party: str, *, where: str) -> tuple[str, float | None]:
        cached = self._cache.get(party)
        if cached is not None:
            return cached
        resolved = self._resolve(party, where=where)
        self._cache[party] = resolved
        return resolved

    def _resolve(self, party: str, *, where: str) -> tuple[str, float | None]:
        if party in self.graph:
            return party, None
        if re.fullmatch(r"[a-z][a-z0-9_]*:\S+", party):
            prefix = party.split(":", 1)[0]
            if self._list_ids is None:
                self._list_ids = {n.list_id for n in self.graph.nodes() if n.list_id}
            if prefix in self._list_ids:
                self.warnings.append(f"{where}: unknown entity id {party!r} (not on {prefix})")
        if self.resolver is not None:
            hits = [(eid, score) for eid, score in self.resolver(party) if eid in self.graph]
            if hits:
                best_id, best_score = max(hits, key=lambda hit: hit[1])
                if best_score >= self.threshold:
                    return best_id, best_score
        node_id = f"{USER_PREFIX}{name_key(party) or party}"
        self.graph.add_node(Node(id=node_id, name=party))
        return node_id, None


def _score(*scores: float | None) -> float | None:
    known = [s for s in scores if s is not None]
    return min(known) if known else None


def _strength(edge_type: EdgeType, share: float | None, score: float | None) -> float:
    return edge_strength(edge_type, share) * (score if score is not None else 1.0)


def add_ownership(
    graph: ExposureGraph, data: UserFile[OwnershipRecord], parties: PartyResolver
) -> None:
    """Add the ownership / control rows of a file to the graph."""
    edges = []
    for r in data.records:
        where = f"{data.path.name}:row {r.row}"
        owner, owner_score = parties(r.owner, where=where)
        owned, owned_score = parties(r.owned, where=where)
        if owner == owned:
            data.warnings.append(f"{where}: {r.owner!r} and {r.owned!r} resolve to the same party")
            continue
        score = _score(owner_score, owned_score)
        edges.append(
            Edge(
                owner,
                owned,
                r.type,
                share=r.share,
                start=r.start,
                end=r.end,
                strength=_strength(r.type, r.share, score),
                source=where,
                score=score,
            )
        )
    graph.add_edges(edges)
    graph.warnings.extend(data.warnings)


def add_relationships(
    graph: ExposureGraph, data: UserFile[RelationRecord], parties: PartyResolver
) -> None:
    """Add the rows of a relationship file to the graph."""
    edges = []
    for r in data.records:
        where = f"{data.path.name}:row {r.row}"
        first, first_score = parties(r.from_party, where=where)
        second, second_score = parties(r.to_party, where=where)
        score = _score(first_score, second_score)
        edges.append(
            Edge(
                first,
                second,
                r.relation,
                strength=_strength(r.relation, None, score),
                source=where,
                score=score,
            )
        )
    graph.add_edges(edges)
    graph.warnings.extend(data.warnings)


def add_transactions(
    graph: ExposureGraph, data: UserFile[TransactionRecord], parties: PartyResolver
) -> dict[str, float]:
    """Add the payments of a file to the graph; returns the volume per party id (in + out)."""
    edges = []
    volume: dict[str, float] = defaultdict(float)
    for r in data.records:
        where = f"{data.path.name}:row {r.row}"
        payer, payer_score = parties(r.payer, where=where)
        payee, payee_score = parties(r.payee, where=where)
        score = _score(payer_score, payee_score)
        volume[payer] += r.amount
        volume[payee] += r.amount
        edges.append(
            Edge(
                payer,
                payee,
                EdgeType.TRANSACTS,
                start=r.date,
                end=r.date,
                strength=_strength(EdgeType.TRANSACTS, None, score),
                source=where,
                score=score,
                amount=r.amount,
            )
        )
    graph.add_edges(edges)
    graph.warnings.extend(data.warnings)
    return dict(volume)


def matcher_resolver(entities: Sequence[Entity] | None = None) -> tuple[Resolver, float]:
    """The matching engine as a resolver, with its alert threshold.

    Over `entities` when given (a matcher is built for them), else the process-wide matcher
    over the lists loaded in the store (`scrutiny.screen`).
    """
    from scrutiny.match import Matcher
    from scrutiny.screening.names import default_matcher

    matcher = Matcher.from_entities(entities) if entities is not None else default_matcher()

    def resolve(name: str) -> list[tuple[str, float]]:
        return [(hit.entity_id, hit.score) for hit in matcher.screen(name, limit=5)]

    return resolve, matcher.threshold
