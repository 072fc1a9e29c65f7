"""OFAC sdnList XML, on the real consolidated non-SDN file of 2024-02-23."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from scrutiny.model import BirthDate, Entity, EntityType, IdKind, NameKind
from scrutiny.sources.ofac_csv import OfacParseError
from scrutiny.sources.ofac_xml import read_ofac_xml

NEW_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
SMALL = """<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="{ns}">
  <publshInformation><Publish_Date>05/03/2024</Publish_Date><Record_Count>{count}</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>20157</uid><firstName>Jong Un</firstName><lastName>KIM</lastName>
    <title>Chairman of the Workers' Party of Korea</title>
    <sdnType>Individual</sdnType>
    <programList><program>DPRK3</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>weak</category>
      <lastName>KIM Jong-un</lastName></aka></akaList>
    <dateOfBirthList><dateOfBirthItem><uid>2</uid><dateOfBirth>08 Jan 1984</dateOfBirth>
      <mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
    <nationalityList><nationality><uid>3</uid><country>Korea, North</country>
      <mainEntry>true</mainEntry></nationality></nationalityList>
  </sdnEntry>
  <sdnEntry>
    <uid>17069</uid><lastName>CHONG CHON GANG</lastName><sdnType>Vessel</sdnType>
    <programList><program>DPRK</program></programList>
    <idList><id><uid>4</uid><idType>Vessel Registration Identification</idType>
      <idNumber>IMO 7937317</idNumber></id></idList>
    <vesselInfo><vesselType>General Cargo</vesselType>
      <vesselFlag>Korea, North</vesselFlag></vesselInfo>
  </sdnEntry>
  <sdnEntry>
    <uid>15603</uid><lastName>FOREIGN TRADE BANK</lastName><sdnType>Entity</sdnType>
    <programList><program>NPWMD</program><program>DPRK3</program></programList>
    <idList><id><uid>5</uid><idType>SWIFT/BIC</idType><idNumber>FTBDKPPY</idNumber></id>
      <id><uid>6</uid><idType>Digital Currency Address - XBT</idType>
      <idNumber>1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V</idNumber></id></idList>
    <addressList><address><uid>7</uid><address1>FTB Building, Jungson-dong</address1>
      <city>Pyongyang</city><country>Korea, North</country></address></addressList>
  </sdnEntry>
</sdnList>
"""


@pytest.fixture(scope="module")
def cons(archive_dir: Path) -> tuple[list[Entity], list[str], str | None, str]:
    parsed = read_ofac_xml(archive_dir / "ofac" / "ofac_consolidated_nonsdn_2024-02-23.xml")
    entities = list(parsed.entities)
    return entities, parsed.warnings, parsed.publisher_date, parsed.list_id


def test_consolidated_xml_counts(cons: tuple[list[Entity], list[str], str | None, str]) -> None:
    entities, warnings, date, list_id = cons
    assert len(entities) == 444  # = Record_Count
    assert warnings == []
    assert date == "2024-02-23"
    assert list_id == "ofac_cons"
    assert len({e.id for e in entities}) == 444


def test_consolidated_xml_fields(
    archive_dir: Path, cons: tuple[list[Entity], list[str], str | None, str]
) -> None:
    entities = {e.provenance.source_record_id: e for e in cons[0]}
    haniya = entities["9639"]
    assert haniya.schema is EntityType.PERSON
    assert haniya.names[0].full == "HANIYA, Ismail Abdul Salah"
    assert haniya.names[0].family == "HANIYA"
    assert haniya.birth_dates == (BirthDate("1962"),)
    assert haniya.birth_places == ("Shati",)
    raw = (archive_dir / "ofac" / "ofac_consolidated_nonsdn_2024-02-23.xml").read_text()
    kinds = Counter(n.kind for e in cons[0] for n in e.names)
    assert kinds[NameKind.PRIMARY] == 444
    # every weak aka is kept as a weak name (weak f.k.a.s as former names)
    weak = raw.count("<category>weak</category>")
    assert (
        0
        < sum(
            1 for e in cons[0] for n in e.names if n.kind is NameKind.WEAK_ALIAS or n.note == "weak"
        )
        <= weak
    )
    assert sum(1 for e in cons[0] for i in e.identifiers if i.kind is IdKind.BIC) == raw.count(
        "<idType>SWIFT/BIC</idType>"
    )


def _write(tmp_path: Path, text: str, name: str = "sdn.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("ns", ["http://tempuri.org/sdnList.xsd", NEW_NS])
def test_small_sdn_xml_any_namespace(tmp_path: Path, ns: str) -> None:
    parsed = read_ofac_xml(_write(tmp_path, SMALL.format(ns=ns, count=3)))
    entities = {e.provenance.source_record_id: e for e in parsed.entities}
    assert parsed.list_id == "ofac_sdn"
    assert parsed.publisher_date == "2024-05-03"
    assert parsed.warnings == []
    kim = entities["20157"]
    assert kim.names[0].full == "KIM, Jong Un"
    assert [(n.full, n.kind) for n in kim.names[1:]] == [("KIM Jong-un", NameKind.WEAK_ALIAS)]
    assert kim.birth_dates == (BirthDate("1984-01-08"),)
    assert kim.nationalities == ("KP",)
    assert kim.positions == ("Chairman of the Workers' Party of Korea",)
    vessel = entities["17069"]
    assert vessel.vessel is not None and vessel.vessel.flag == "KP"
    assert [(i.kind, i.value) for i in vessel.identifiers] == [(IdKind.IMO, "7937317")]
    ftb = entities["15603"]
    assert ftb.programs == ("NPWMD", "DPRK3")
    ids = {(i.kind, i.value, i.currency) for i in ftb.identifiers}
    assert ids == {
        (IdKind.BIC, "FTBDKPPY", None),
        (IdKind.CRYPTO, "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V", "XBT"),
    }
    assert ftb.addresses[0].country == "KP"
    assert ftb.addresses[0].city == "Pyongyang"


def test_record_count_mismatch_is_a_warning(tmp_path: Path) -> None:
    parsed = read_ofac_xml(_write(tmp_path, SMALL.format(ns=NEW_NS, count=4)))
    assert len(list(parsed.entities)) == 3
    assert parsed.warnings == ["sdn.xml: Record_Count says 4 entries, found 3"]


def test_malformed_xml(tmp_path: Path) -> None:
    text = SMALL.format(ns=NEW_NS, count=3).replace("</sdnType>", "", 1)
    with pytest.raises(OfacParseError, match=r"sdn\.xml:line \d+: malformed XML"):
        list(read_ofac_xml(_write(tmp_path, text)).entities)


def test_truncated_xml(tmp_path: Path) -> None:
    text = SMALL.format(ns=NEW_NS, count=3)
    with pytest.raises(OfacParseError, match="malformed XML"):
        list(read_ofac_xml(_write(tmp_path, text[: len(text) // 2])).entities)


def test_empty_xml(tmp_path: Path) -> None:
    with pytest.raises(OfacParseError, match=r"sdn\.xml"):
        list(read_ofac_xml(_write(tmp_path, "")).entities)


def test_wrong_root_and_bad_type(tmp_path: Path) -> None:
    with pytest.raises(OfacParseError, match="root element must be sdnList"):
        list(read_ofac_xml(_write(tmp_path, "<export><sdnEntry/></export>")).entities)
    text = SMALL.format(ns=NEW_NS, count=3).replace("<sdnType>Vessel", "<sdnType>Spaceship")
    with pytest.raises(OfacParseError, match="uid=17069: sdnType must be"):
        list(read_ofac_xml(_write(tmp_path, text)).entities)
