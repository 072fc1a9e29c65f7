"""Hand-made list entities and paths for the network tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scrutiny.model import Entity, EntityType, Link, Name, Provenance, seal


def listed(
    record_id: str,
    name: str,
    *,
    programs: tuple[str, ...] = ("DPRK3",),
    schema: EntityType = EntityType.ORGANIZATION,
    links: tuple[Link, ...] = (),
    list_id: str = "ofac_sdn",
    phones: tuple[str, ...] = (),
) -> Entity:
    """A sealed list entity with just the fields the network reads."""
    return seal(
        Entity(
            id=f"{list_id}:{record_id}",
            schema=schema,
            names=(Name(full=name),),
            provenance=Provenance(
                list_id=list_id, source_file="SDN.CSV", source_record_id=record_id
            ),
            programs=programs,
            links=links,
            phones=phones,
        )
    )


def planted_lists() -> list[Entity]:
    """Three listed parties that own the companies in tests/data/network/ownership_*.csv."""
    return [
        listed("1", "KIM Designated", schema=EntityType.PERSON),
        listed("2", "PAK Designated", schema=EntityType.PERSON, programs=("SDGT",)),
        listed("3", "KOREA KWANGSON BANKING CORP", programs=("NPWMD", "DPRK")),
    ]


DATA = Path(__file__).resolve().parents[1] / "data" / "network"


@pytest.fixture
def network_data() -> Path:
    """tests/data/network: small hand-made ownership, relationship and transaction files."""
    return DATA


@pytest.fixture
def make_listed() -> Callable[..., Entity]:
    return listed


@pytest.fixture
def planted() -> list[Entity]:
    return planted_lists()
