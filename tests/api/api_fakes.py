"""A small list loaded into a fresh store, a matcher over it, keys for each role, a client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from scrutiny.api.app import ServiceConfig, create_app
from scrutiny.match import Matcher
from scrutiny.model import BirthDate, Entity, EntityType, Name, NameKind, Provenance, seal
from scrutiny.sources import ParsedList
from scrutiny.store import Store, connect, keys


def person(
    record_id: str,
    name: str,
    *,
    dob: str | None = None,
    remarks: str | None = None,
    aliases: Sequence[str] = (),
    nationality: str | None = None,
    list_id: str = "fake_sdn",
) -> Entity:
    names = (Name(name), *(Name(a, NameKind.STRONG_ALIAS) for a in aliases))
    return seal(
        Entity(
            id=f"{list_id}:{record_id}",
            schema=EntityType.PERSON,
            names=names,
            provenance=Provenance(list_id, "fake.csv", record_id, "2024-01-01"),
            programs=("DPRK3",),
            birth_dates=(BirthDate(dob),) if dob else (),
            nationalities=(nationality,) if nationality else (),
            remarks=remarks,
        )
    )


def org(record_id: str, name: str, list_id: str = "fake_sdn") -> Entity:
    return seal(
        Entity(
            id=f"{list_id}:{record_id}",
            schema=EntityType.ORGANIZATION,
            names=(Name(name),),
            provenance=Provenance(list_id, "fake.csv", record_id, "2024-01-01"),
            programs=("SDGT",),
        )
    )


BASE = [
    person("1", "KIM JONG UN", dob="1984-01-08", nationality="KP", aliases=["KIM JONG-UN"]),
    person("2", "ALI HASSAN AL-MAJID", dob="1941-11-30", nationality="IQ"),
    org("3", "KOREA KWANGSON BANKING CORP"),
    org("4", "BANCO NACIONAL DE CUBA"),
    person("5", "VLADIMIR PETROVICH IVANOV", dob="1962-04-02", nationality="RU"),
]


def parsed(folder: Path, entities: Sequence[Entity], list_id: str = "fake_sdn") -> ParsedList:
    content = "\n".join(f"{e.id},{e.provenance.content_hash}" for e in entities)
    path = folder / f"{list_id}-{abs(hash(content))}.csv"
    path.write_text(content, encoding="utf-8")
    return ParsedList(list_id, "2024-01-01", (path,), iter(entities))


@dataclass
class Api:
    client: TestClient
    store: Store
    keys: dict[str, str]

    def headers(self, role: str = "screener") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def make_api(url: str, folder: Path, config: ServiceConfig | None = None) -> Api:
    store = connect(url)
    store.load_list(parsed(folder, BASE))
    matcher = Matcher.from_entities(store.iter_current_entities())
    made = {}
    with store.transaction(write=True) as conn:
        for role in ("screener", "analyst", "admin"):
            made[role], _ = keys.create_key(conn, role, f"{role}-user")
    app = create_app(store, matcher, config or ServiceConfig(rate_limit=0))
    return Api(TestClient(app, raise_server_exceptions=False), store, made)
