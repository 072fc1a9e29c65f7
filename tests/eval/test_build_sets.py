"""The evaluation set builder: split disjoint by designee, labels right, deterministic."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from eval import build_sets, variants
from eval.split import is_test_designee, is_test_entity
from scrutiny.model import (
    BirthDate,
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Provenance,
    seal,
)


def _entity(
    list_id: str,
    rid: str,
    names: list[Name],
    schema: EntityType = EntityType.PERSON,
    **kw: object,
) -> Entity:
    return seal(
        Entity(
            id=f"{list_id}:{rid}",
            schema=schema,
            names=tuple(names),
            provenance=Provenance(list_id=list_id, source_file="f", source_record_id=rid),
            **kw,  # type: ignore[arg-type]
        )
    )


def _world() -> list[Entity]:
    """A handful of designees, some listed on two lists, with known ground truth."""
    kim = [Name("KIM Jong Un"), Name("김정은", kind=NameKind.STRONG_ALIAS, script="Hang")]
    entities = [
        _entity("un_sc", "KPi.001", kim, references=("KPi.001",), nationalities=("KP",)),
        _entity("uk_ofsi", "100", [Name("KIM Jong-Un")], references=("DPR0001", "KPi.001")),
        # A remark names another designee by its UN reference: no link.
        _entity(
            "un_sc",
            "KPi.002",
            [Name("RI Pyong Chol")],
            references=("KPi.002",),
            remarks="Associated with KIM Jong Un (KPi.001).",
            nationalities=("KP",),
        ),
        _entity(
            "ofac_sdn",
            "7",
            [Name("RI Pyong Chul"), Name("RI Phyong Chol", kind=NameKind.WEAK_ALIAS)],
        ),
        _entity(
            "ofac_sdn",
            "8",
            [Name("CHON MA SAN")],
            schema=EntityType.VESSEL,
            identifiers=(Identifier(IdKind.IMO, "8660313"),),
        ),
        _entity(
            "uk_ofsi",
            "9",
            [Name("CHONMASAN")],
            schema=EntityType.VESSEL,
            identifiers=(Identifier(IdKind.IMO, "IMO 8660313"),),
        ),
        _entity(
            "eu_fsf", "11", [Name("Ahmad Shah Noorzai")], birth_dates=(BirthDate("1970-01-01"),)
        ),
        _entity("eu_fsf", "12", [Name("Ahmad Shah Wardak")], birth_dates=(BirthDate("1980"),)),
        _entity("ofac_sdn", "13", [Name("Mohammad Shah Noorzai Khan")]),
        _entity(
            "ofac_sdn", "14", [Name("KOREA KWANGSON BANKING CORP")], schema=EntityType.ORGANIZATION
        ),
    ]
    # Enough filler designees that both splits are populated.
    for i in range(40):
        entities.append(_entity("eu_fsf", f"f{i}", [Name(f"Filler Person{i} Testname")]))
    return entities


def test_split_is_stable_and_about_30_percent() -> None:
    ids = [f"ofac_sdn:{i}" for i in range(5000)]
    share = sum(map(is_test_entity, ids)) / len(ids)
    assert 0.27 < share < 0.33
    assert [is_test_entity(i) for i in ids[:50]] == [is_test_entity(i) for i in ids[:50]]
    assert is_test_designee(["x", ids[next(i for i, e in enumerate(ids) if is_test_entity(e))]])


def test_designees_are_linked_across_lists() -> None:
    designees = build_sets.build_designees(_world())
    groups = {frozenset(d.entity_ids) for d in designees}
    assert frozenset({"un_sc:KPi.001", "uk_ofsi:100"}) in groups  # the UK record's UN ref
    assert frozenset({"ofac_sdn:8", "uk_ofsi:9"}) in groups  # shared IMO
    # No shared identifier: two records stay two designees.
    assert frozenset({"un_sc:KPi.002"}) in groups
    kim = next(d for d in designees if "un_sc:KPi.001" in d.entity_ids)
    assert kim.origin == "korean"


def test_split_is_disjoint_by_designee() -> None:
    designees = build_sets.build_designees(_world())
    for designee in designees:
        assert designee.split == ("test" if is_test_designee(designee.entity_ids) else "train")
    rng = random.Random(1)
    dropped: Counter[str] = Counter()
    blocks = build_sets.NameBlocks(designees)
    split_of = {i: d.split for d in designees for i in d.entity_ids}
    rows = [r for d in designees for r in build_sets.positive_pairs(d, rng, dropped)]
    rows += [
        r for i in range(len(designees)) for r in build_sets.negative_pairs(i, blocks, rng, dropped)
    ]
    assert rows
    for row in rows:
        assert row["split"] == split_of[row["entity_id"]]
        if row["split"] == "train" and row["entity_id2"]:
            # a train pair never shows a test designee's name
            assert split_of[row["entity_id2"]] == "train"


def test_labels_follow_designee_identity() -> None:
    designees = build_sets.build_designees(_world())
    owner = {i: d.key for d in designees for i in d.entity_ids}
    rng = random.Random(2)
    dropped: Counter[str] = Counter()
    blocks = build_sets.NameBlocks(designees)
    positives = [r for d in designees for r in build_sets.positive_pairs(d, rng, dropped)]
    negatives = [
        r for i in range(len(designees)) for r in build_sets.negative_pairs(i, blocks, rng, dropped)
    ]
    assert {r["label"] for r in positives} == {"1"}
    assert {r["label"] for r in negatives} == {"0"}
    for row in negatives:
        assert owner[row["entity_id"]] != owner[row["entity_id2"]]
    # The weak alias is not used as a positive; the Hangul alias is, labelled cross-script.
    assert not any(r["name2"] == "RI Phyong Chol" for r in positives)
    hangul = [r for r in positives if r["name2"] == "김정은"]
    assert hangul and hangul[0]["script_pair"] == "Hang-Latn"
    cross = [r for r in positives if r["category"] == "cross_list"]
    assert any(r["name2"] == "KIM Jong-Un" or r["name2"] == "CHONMASAN" for r in cross)
    # Identical names are never a pair.
    for row in positives:
        assert variants.simple_fold(row["name1"]) != variants.simple_fold(row["name2"])


@pytest.mark.slow  # Faker locale loading dominates (~5-10 s on a busy machine)
def test_build_is_deterministic(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for run in range(2):
        out = tmp_path / str(run)  # type: ignore[operator]
        monkeypatch.setattr(build_sets, "OUT", out)
        build_sets.build(_world(), seed=5, clean_per_locale=3, e2e_limit=20)
        outputs.append((out / "pairs.csv").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert "clean" in outputs[0]
