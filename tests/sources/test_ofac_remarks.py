"""The OFAC Remarks parser, statement by statement, on statements copied from SDN.CSV."""

from __future__ import annotations

import pytest

from scrutiny.model import BirthDate, IdKind, Link, NameKind
from scrutiny.sources.ofac_remarks import (
    parse_birth_date,
    parse_ofac_date,
    parse_remarks,
    split_statements,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08 Jan 1984", BirthDate("1984-01-08")),
        ("Jan 1984", BirthDate("1984-01")),
        ("1984", BirthDate("1984")),
        ("1950 to 1952", BirthDate("1950", until="1952")),
        ("01 Jan 1960 to 31 Dec 1962", BirthDate("1960-01-01", until="1962-12-31")),
        ("Mar 1957 to Feb 1958", BirthDate("1957-03", until="1958-02")),
        ("circa 1960", BirthDate("1960", circa=True)),
        ("circa 01 Jan 1955", BirthDate("1955-01-01", circa=True)),
        ("circa 1970-1972", BirthDate("1970", until="1972", circa=True)),
    ],
)
def test_birth_date_forms(text: str, expected: BirthDate) -> None:
    assert parse_birth_date(text) == expected


@pytest.mark.parametrize("text", ["", "32 Jan 1984", "08 Foo 1984", "1984 to 1980", "84", "soon"])
def test_bad_dates_are_rejected(text: str) -> None:
    assert parse_birth_date(text) is None


def test_date_with_impossible_month_is_rejected() -> None:
    assert parse_ofac_date("01 Xyz 2000") is None


def test_kim_jong_un_remarks() -> None:
    remarks = (
        "DOB 08 Jan 1984; Secondary sanctions risk: North Korea Sanctions Regulations, sections "
        "510.201 and 510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. "
        "Financial Institutions: North Korea Sanctions Regulations section 510.214; "
        "Chairman of the Workers' Party of Korea."
    )
    fields = parse_remarks(remarks, titles=("Chairman of the Workers' Party of Korea",))
    assert fields.birth_dates == [BirthDate("1984-01-08")]
    assert fields.secondary_sanctions_risks == [
        "North Korea Sanctions Regulations, sections 510.201 and 510.210"
    ]
    # the title is already a position; the unparsed statement stays in remarks
    assert fields.remarks is not None
    assert fields.remarks.startswith("Transactions Prohibited")
    assert "Chairman" not in fields.remarks


def test_several_dobs_places_and_countries() -> None:
    fields = parse_remarks(
        "DOB 1962; alt. DOB 1963; POB Pyongyang, North Korea; nationality Korea, North; "
        "citizen Russia; alt. nationality Atlantis; Gender Female."
    )
    assert fields.birth_dates == [BirthDate("1962"), BirthDate("1963")]
    assert fields.birth_places == ["Pyongyang, North Korea"]
    assert fields.nationalities == ["KP"]
    assert fields.citizenships == ["RU"]
    assert fields.gender == "female"
    assert fields.unparsed == ["alt. nationality Atlantis"]  # unknown country kept verbatim


def test_identifiers_with_country_and_expiry() -> None:
    fields = parse_remarks(
        "Passport PS 472330208 (Korea, North) expires 04 Jul 2017; "
        "National ID No. 210521198207010412 (China) expires 13 Aug 2029; "
        "Registration Number HRA 738077 (Stuttgart) (Germany); Tax ID No. 7744001497 (Russia)."
    )
    by_kind = {i.kind: i for i in fields.identifiers}
    assert by_kind[IdKind.PASSPORT].value == "PS 472330208"
    assert by_kind[IdKind.PASSPORT].country == "KP"
    assert by_kind[IdKind.PASSPORT].note == (
        "Passport PS 472330208 (Korea, North) expires 04 Jul 2017"
    )
    assert by_kind[IdKind.NATIONAL_ID].value == "210521198207010412"
    assert by_kind[IdKind.NATIONAL_ID].country == "CN"
    assert by_kind[IdKind.REGISTRATION].value == "HRA 738077 (Stuttgart)"
    assert by_kind[IdKind.REGISTRATION].country == "DE"
    assert by_kind[IdKind.TAX_ID].country == "RU"
    assert not fields.unparsed


def test_vessel_bank_crypto_and_contact_statements() -> None:
    fields = parse_remarks(
        "Vessel Registration Identification IMO 8606173; MMSI 445145000; SWIFT/BIC FTBDKPPY; "
        "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; "
        "alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96; "
        "Website www.example.kp; Email Address a@b.kp; Phone Number 8502381822; "
        "Legal Entity Number 253400V1H6ART1UQ0N98 (Russia); Linked To: KOREA KWANGSON BANKING "
        "CORP."
    )
    ids = {(i.kind, i.value, i.currency) for i in fields.identifiers}
    assert (IdKind.IMO, "8606173", None) in ids
    assert (IdKind.MMSI, "445145000", None) in ids
    assert (IdKind.BIC, "FTBDKPPY", None) in ids
    assert (IdKind.CRYPTO, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "XBT") in ids
    assert (IdKind.CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "ETH") in ids
    assert (IdKind.LEI, "253400V1H6ART1UQ0N98", None) in ids
    assert fields.websites == ["www.example.kp"]
    assert fields.emails == ["a@b.kp"]
    assert fields.phones == ["8502381822"]
    # the final full stop belongs to the Remarks text, not to the name
    assert fields.links == [Link("linked_to", "KOREA KWANGSON BANKING CORP")]


def test_aliases_in_remarks_are_weak() -> None:
    fields = parse_remarks("a.k.a. 'MFTB'; f.k.a. 'OLD NAME'; n.k.a. 'NEW NAME'.")
    kinds = {(n.full, n.kind) for n in fields.names}
    assert kinds == {
        ("MFTB", NameKind.WEAK_ALIAS),
        ("OLD NAME", NameKind.FORMER),
        ("NEW NAME", NameKind.WEAK_ALIAS),
    }


def test_semicolon_inside_quoted_alias_does_not_split() -> None:
    assert split_statements("a.k.a. 'A; B'; DOB 1970.") == ["a.k.a. 'A; B'", "DOB 1970"]
    fields = parse_remarks("a.k.a. 'A; B'; DOB 1970.")
    assert [n.full for n in fields.names] == ["A; B"]


def test_aircraft_statements() -> None:
    fields = parse_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft "
        "Manufacture Date 1992; Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft "
        "Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number EP-GOM."
    )
    assert fields.aircraft_model == "IL76-TD"
    assert fields.aircraft_manufacture_date == "1992"
    assert fields.aircraft_operator == "YAS AIR"
    kinds = sorted((i.kind.value, i.value) for i in fields.identifiers)
    assert kinds == [
        ("aircraft_serial", "1023409321"),
        ("aircraft_serial", "8401"),
        ("aircraft_tail", "EP-GOM"),
    ]


def test_unknown_identifier_with_country_is_kept_as_other() -> None:
    fields = parse_remarks("Moon Registry Code 12-34 (France)")
    assert [(i.kind, i.value, i.country) for i in fields.identifiers] == [
        (IdKind.OTHER, "12-34", "FR")
    ]


def test_statements_not_understood_stay_in_remarks() -> None:
    text = "Organization Established Date 1976; Target Type Financial Institution; DOB sometime"
    fields = parse_remarks(text)
    assert fields.remarks == text
    assert not fields.birth_dates
