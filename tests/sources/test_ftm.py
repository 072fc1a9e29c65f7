"""FollowTheMoney JSON lines: export real parsed lists, validate, import back, bad lines."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import orjson
import pytest

from scrutiny.model import (
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Link,
    Name,
    NameKind,
    Provenance,
    VesselDetails,
    seal,
)
from scrutiny.sources.ftm import FtmParseError, ftm_id, read_ftm, to_ftm, write_ftm
from scrutiny.sources.uk import read_uk_conlist


@pytest.fixture(scope="module")
def real_entities(mirror_dir: Path) -> list[Entity]:
    """The UK list, plus OFAC SDN when that parser is present."""
    entities = list(read_uk_conlist(mirror_dir / "uk" / "ConList.xlsx").entities)
    try:
        from scrutiny.sources.ofac_csv import read_sdn_csv
    except ImportError:
        return entities
    return entities + list(read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV").entities)


def _key_fields(entity: Entity) -> dict[str, object]:
    """What must survive FtM: names with their strength, dates, countries, ids, programs."""
    return {
        "id": entity.id,
        "schema": entity.schema,
        "names": {(n.full, n.kind) for n in entity.names},
        "birth_dates": {b.date for b in entity.birth_dates},
        "nationalities": set(entity.nationalities),
        "identifiers": {(i.kind, i.value, i.currency) for i in entity.identifiers},
        "programs": set(entity.programs),
        "listing_date": entity.listing_date,
        "gender": entity.gender,
        "references": set(entity.references),
        "links": {(link.relation, link.target_name) for link in entity.links},
        "flag": entity.vessel.flag if entity.vessel else None,
    }


@pytest.mark.slow
def test_round_trip_of_real_lists(real_entities: list[Entity], tmp_path: Path) -> None:
    by_list: dict[str, list[Entity]] = {}
    for entity in real_entities:
        by_list.setdefault(entity.list_id, []).append(entity)
    for list_id, entities in by_list.items():
        out = tmp_path / f"{list_id}.ftm.json.gz"
        lines = write_ftm(entities, out)
        assert lines >= len(entities)
        parsed = read_ftm(out, dataset=list_id)
        back = {e.id: e for e in parsed.entities}
        assert len(back) == len(entities), list_id
        for entity in entities:
            assert _key_fields(back[entity.id]) == _key_fields(entity), entity.id


@pytest.mark.slow
def test_export_validates_against_followthemoney(real_entities: list[Entity]) -> None:
    ftm = pytest.importorskip("followthemoney")
    model = ftm.model
    records = [r for e in real_entities for r in to_ftm(e)]
    ids = {r["id"] for r in records}
    # Types whose values the list data cannot make invalid: a dropped value is our bug.
    strict = {"country", "date", "entity", "gender", "topic", "name", "identifier"}
    dirty_source_values = 0
    for record in records:
        schema = model.get(record["schema"])
        assert schema is not None and not schema.abstract, record["schema"]
        proxy = model.get_proxy(record, cleaned=False)  # re-validates every value
        cleaned = proxy.to_dict()["properties"]
        for prop_name, values in record["properties"].items():
            prop = schema.get(prop_name)
            assert prop is not None, f"{record['schema']} has no property {prop_name}"
            if prop.type.name == "entity":
                assert set(values) <= ids, f"{record['id']}.{prop_name} points nowhere"
            kept = len(cleaned.get(prop_name, ()))
            if prop.type.name in strict and prop_name not in ("leiCode", "imoNumber"):
                assert kept == len(values), (record["id"], prop_name, values)
            else:
                dirty_source_values += len(values) - min(kept, len(values))
    # Phones without a country code and the like: a handful, not a systematic loss.
    assert dirty_source_values < 0.02 * len(records)


def _entity(**fields: object) -> Entity:
    base: dict[str, object] = {
        "id": "test:1",
        "schema": EntityType.VESSEL,
        "names": (Name("SHIP ONE"), Name("OLD ONE", NameKind.FORMER)),
        "provenance": Provenance("test", "t.csv", "1"),
        "programs": ("DPRK3",),
        "identifiers": (
            Identifier(IdKind.IMO, "9066978"),
            Identifier(IdKind.CRYPTO, "0xabc", currency="ETH"),
        ),
        "links": (Link("owner", "Korea Shipping", None), Link("linked_to", "Two", "test:2")),
        "vessel": VesselDetails(flag="KP", vessel_type="Oil tanker"),
    }
    base.update(fields)
    return seal(Entity(**base))  # type: ignore[arg-type]


def test_small_round_trip_with_wallet_links_and_stub(tmp_path: Path) -> None:
    two = seal(
        Entity(
            "test:2",
            EntityType.ORGANIZATION,
            (Name("Two"),),
            Provenance("test", "t.csv", "2"),
        )
    )
    buffer = io.BytesIO()
    assert write_ftm([_entity(), two], buffer) > 2
    records = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    schemata = [r["schema"] for r in records]
    assert schemata.count("Sanction") == 2 and "CryptoWallet" in schemata
    ship = next(r for r in records if r["id"] == ftm_id("test:1"))
    assert ship["properties"]["imoNumber"] == ["IMO9066978"]
    assert ship["properties"]["flag"] == ["kp"]
    path = tmp_path / "t.json"
    path.write_bytes(buffer.getvalue())
    parsed = read_ftm(path, dataset="test")
    entities = {e.id: e for e in parsed.entities}
    assert set(entities) == {"test:1", "test:2"}  # the owner stub is not a designated party
    back = entities["test:1"]
    assert back.identifiers == (
        Identifier(IdKind.IMO, "9066978"),
        Identifier(IdKind.CRYPTO, "0xabc", currency="ETH"),
    )
    assert set(back.links) == {
        Link("owner", "Korea Shipping", None),
        Link("linked_to", "Two", "test:2"),
    }
    assert back.programs == ("DPRK3",)
    assert back.vessel == VesselDetails(flag="KP", vessel_type="Oil tanker")
    assert "LegalEntity (not a target)" in parsed.warnings[0]


def test_opensanctions_style_input(tmp_path: Path) -> None:
    lines = [
        {
            "id": "NK-abc",
            "schema": "Company",
            "properties": {"name": ["Foreign Trade Bank"], "swiftBic": ["FTBDKPPY"]},
        },
        {
            "id": "san-1",
            "schema": "Sanction",
            "properties": {"entity": ["NK-abc"], "program": ["DPRK3"], "listingDate": ["2013"]},
        },
        {"id": "addr-1", "schema": "Address", "properties": {"full": ["Pyongyang"]}},
        {
            "id": "own-1",
            "schema": "Ownership",
            "properties": {"owner": ["NK-def"], "asset": ["NK-abc"]},
        },
        {"id": "NK-def", "schema": "Person", "properties": {"name": ["Kim"]}},
    ]
    path = tmp_path / "os.json.gz"
    path.write_bytes(gzip.compress(b"\n".join(orjson.dumps(x) for x in lines)))
    parsed = read_ftm(path, dataset="os")
    entities = {e.id: e for e in parsed.entities}
    bank = entities["os:NK-abc"]
    assert bank.schema is EntityType.ORGANIZATION
    assert bank.identifiers == (Identifier(IdKind.BIC, "FTBDKPPY"),)
    assert bank.programs == ("DPRK3",)
    assert bank.listing_date == "2013"
    assert bank.links == (Link("owner", "Kim", "os:NK-def"),)
    assert "1 Address" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"id": "x", "schema": "Person", ', "malformed JSON"),
        (b'{"id": "x", "schema": "Spaceship", "properties": {}}', "unknown FtM schema"),
        (b'{"schema": "Person", "properties": {"name": ["A"]}}', "no 'id'"),
        (b'{"id": "x", "properties": {}}', "no 'schema'"),
        (b'{"id": "x", "schema": "Person", "properties": {"name": "A"}}', "string lists"),
        (b"[1, 2]", "JSON object"),
        (b'{"id": "x", "schema": "Person", "properties": {}}', "has no name"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, line: bytes, expected: str) -> None:
    path = tmp_path / "bad.json"
    good = orjson.dumps({"id": "ok", "schema": "Person", "properties": {"name": ["Ok"]}})
    path.write_bytes(good + b"\n\n" + line + b"\n")
    with pytest.raises(FtmParseError, match=expected) as info:
        list(read_ftm(path, dataset="d").entities)
    assert str(info.value).startswith(f"{path}:line 3")
