"""A query without a type (`scrutiny screen NAME` without --type): read as the organization its
legal form says it is, and against an organization's names as an organization's name."""

from __future__ import annotations

from scrutiny.match import Matcher, Query
from scrutiny.match.query import check_query, company_form
from scrutiny.model import Entity, EntityType, Name, NameKind, Provenance, seal


def _entities() -> list[Entity]:
    listed = [
        ("BLUENOROFF", EntityType.ORGANIZATION),
        ("ONSINT", EntityType.ORGANIZATION),
        ("DANIEL", EntityType.VESSEL),
        ("Faiz", EntityType.PERSON),
        ("Kim Jong Un", EntityType.PERSON),
    ]
    return [
        seal(
            Entity(
                id=f"t:{i}",
                schema=schema,
                names=(Name(full=name, kind=NameKind.PRIMARY),),
                provenance=Provenance(list_id="t", source_file="t", source_record_id=str(i)),
            )
        )
        for i, (name, schema) in enumerate(listed)
    ]


def _matcher() -> Matcher:
    return Matcher.from_entities(_entities())


def test_a_company_legal_form_types_the_query() -> None:
    for name, legal in (
        ("LIMITED LIABILITY COMPANY ONSINT", "llc"),
        ("SOLINVEST LTD", "ltd"),
        ("ООО Ромашка", "ooo"),
        ("Arfeh Company", "company"),  # written out, though its canonical form (co) is a name
    ):
        assert company_form(name) == legal, name
        checked = check_query(name)
        assert checked.schema is EntityType.ORGANIZATION
        assert any(legal in note for note in checked.notes)
    # Forms that are also person name parts or syllables leave the query untyped, and so do
    # a date of birth or a gender, which only persons have.
    for name in ("Ao Jian", "Pao Yu Liang", "Co Van Minh", "Kim Jong Un"):
        assert company_form(name) is None, name
        assert check_query(name).schema is None
    assert check_query(Query("SOLINVEST LTD", birth_date="1970")).schema is None


def test_an_untyped_name_is_read_as_an_organization_against_organizations() -> None:
    matcher = _matcher()
    for name in ("BLUENOROFF", "ONSINT LLC"):
        untyped = matcher.screen(name)
        typed = matcher.screen(Query(name, schema="organization"))
        assert [h.entity_id for h in untyped] == [h.entity_id for h in typed], name
        assert untyped and abs(untyped[0].score - typed[0].score) < 1e-9, name
    # Not against a vessel or a person: an untyped one-word name may be a person's name part.
    assert matcher.screen("Daniel") == []
    assert matcher.screen("Faiz") == []
    assert matcher.screen(Query("Daniel", schema="vessel"))[0].entity_id == "t:2"


def test_untyped_screening_and_compare_read_a_longer_name_alike() -> None:
    # A name of two parts stays untyped against a company, in the score and in compare.
    matcher = _matcher()
    hit = matcher.screen("BLUENOROFF GROUP", threshold=0.0)[0]
    listed = _entities()[0]
    assert hit.entity_id == listed.id
    assert abs(matcher.compare("BLUENOROFF GROUP", listed).score - hit.score) < 1e-9
