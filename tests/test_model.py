from scrutiny.countries import country_code
from scrutiny.model import (
    BirthDate,
    Entity,
    EntityType,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Provenance,
    VesselDetails,
    from_json,
    seal,
    to_json,
)


def _entity(**changes: object) -> Entity:
    base = Entity(
        id="ofac_sdn:20157",
        schema=EntityType.PERSON,
        names=(Name("KIM, Jong Un", family="KIM", given="Jong Un"),),
        provenance=Provenance("ofac_sdn", "SDN.CSV", "20157", "2024-05-03"),
        programs=("DPRK3",),
        birth_dates=(BirthDate("1984-01-08"),),
        identifiers=(Identifier(IdKind.PASSPORT, "745420176", country="KP"),),
        vessel=VesselDetails(flag="KP"),
    )
    return seal(Entity(**{**{f: getattr(base, f) for f in base.__slots__}, **changes}))


def test_json_round_trip_keeps_every_field() -> None:
    entity = _entity()
    assert from_json(to_json(entity)) == entity


def test_content_hash_ignores_provenance_but_not_content() -> None:
    a = _entity()
    b = _entity(provenance=Provenance("ofac_sdn", "sdn.xml", "20157", "2025-01-01"))
    c = _entity(names=(Name("KIM, Jong Un"), Name("Kim Jong-un", kind=NameKind.STRONG_ALIAS)))
    assert a.provenance.content_hash == b.provenance.content_hash
    assert a.provenance.content_hash != c.provenance.content_hash
    assert len(a.provenance.content_hash) == 64


def test_country_names_as_lists_write_them() -> None:
    assert country_code("Korea, North") == "KP"
    assert country_code("Democratic People's Republic of Korea") == "KP"
    assert country_code("kp") == "KP"
    assert country_code("Burma") == "MM"
    assert country_code("Atlantis") is None
    assert country_code("ZZ") is None
