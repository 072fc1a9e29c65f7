"""eval.diagnose_name_variants: another spelling of one name, none the designee's own."""

from __future__ import annotations

from eval.diagnose_name_variants import _name_table, variant_queries
from eval.split import is_test_entity
from scrutiny.match.forms import name_forms
from scrutiny.model import Entity, EntityType, Name, Provenance, seal


def _person(rid: str, *names: str) -> Entity:
    return seal(
        Entity(
            id=f"ofac_sdn:{rid}",
            schema=EntityType.PERSON,
            names=tuple(Name(n) for n in names),
            provenance=Provenance(list_id="ofac_sdn", source_file="f", source_record_id=rid),
        )
    )


def test_a_variant_spells_one_part_as_another_spelling_of_that_name() -> None:
    table = _name_table()
    entities = [_person(str(i), "Yury PETROV", "Jurij PETROV") for i in range(40)] + [
        _person(f"x{i}", "Vladimir DAVYDOV") for i in range(40)
    ]
    queries = variant_queries(entities, 100, seed=1)
    train = [e for e in entities if not is_test_entity(e.id)]
    assert queries and len(queries) == len(train)  # every train person, no test one
    ids = {e.id for e in train}
    for query, listed, entity_id in queries:
        assert entity_id in ids
        listed_parts = name_forms(listed, True)[0].core
        parts = tuple(query.split())
        changed = [i for i, (a, b) in enumerate(zip(parts, listed_parts, strict=True)) if a != b]
        assert len(changed) == 1, query
        new, old = parts[changed[0]], listed_parts[changed[0]]
        assert table[new] & table[old]  # one name ...
        assert new != "jurij"  # ... in a spelling none of the designee's names uses


def test_every_part_spells_each_part_otherwise() -> None:
    table = _name_table()
    entities = [_person(str(i), "Yury PETROV") for i in range(40)]
    queries = variant_queries(entities, 100, seed=2, every_part=True)
    assert queries
    for query, listed, _ in queries:
        parts, listed_parts = query.split(), name_forms(listed, True)[0].core
        for new, old in zip(parts, listed_parts, strict=True):
            assert new != old and table[new] & table[old], query
