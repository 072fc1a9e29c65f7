"""UN 1718 designated vessels table (scrutiny.sources.un_vessels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.ids import imo_valid
from scrutiny.model import EntityType, IdKind, NameKind
from scrutiny.sources.un import UnParseError
from scrutiny.sources.un_vessels import read_1718_vessels

_FILE = "dprk/un_1718_designated_vessels_2020-06-04_extracted.csv"


def test_real_list(archive_dir: Path) -> None:
    parsed = read_1718_vessels(archive_dir / _FILE)
    vessels = list(parsed.entities)
    assert parsed.publisher_date == "2020-06-04"
    assert len(vessels) == 59
    assert all(v.schema is EntityType.VESSEL and v.programs == ("DPRK",) for v in vessels)
    imos = [i.value for v in vessels for i in v.identifiers if i.kind is IdKind.IMO]
    assert len(imos) == len(set(imos)) == 58
    assert all(imo_valid(i) for i in imos)
    assert parsed.warnings == []
    assert len({v.id for v in vessels}) == 59


def test_vessel_with_former_names_and_mmsis(archive_dir: Path) -> None:
    vessels = {v.id: v for v in read_1718_vessels(archive_dir / _FILE).entities}
    blue = vessels["un_1718_vessels:8909575"]
    assert [(n.full, n.kind) for n in blue.names] == [
        ("Blue Nouvelle", NameKind.PRIMARY),
        ("Greenlight", NameKind.FORMER),
        ("Chong Bong", NameKind.FORMER),
    ]
    mmsis = [i.value for i in blue.identifiers if i.kind is IdKind.MMSI]
    assert mmsis == ["529734000", "515721000", "445114000", "445528000"]
    assert blue.listing_date == "2017-06-21"
    no_imo = vessels["un_1718_vessels:MIN-NING-DE-YOU-078"]
    assert no_imo.identifiers == ()
    assert no_imo.listing_date == "2018-03-30"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vessels.csv"
    path.write_text(text, encoding="utf-8")
    return path


_HEADER = "imo_number,vessel_names,mmsi,date_of_designation\n"


def test_bad_check_digit_is_kept_and_reported(tmp_path: Path) -> None:
    parsed = read_1718_vessels(_write(tmp_path, _HEADER + "8909576,X,,21-Jun-17\n"))
    (vessel,) = parsed.entities
    assert vessel.identifiers[0].value == "8909576"
    assert parsed.warnings == ["vessels.csv:line 2: IMO 8909576 fails the check digit"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("imo,name\n", "expected header"),
        (_HEADER + "8909575,X\n", r"line 2: expected 4 columns"),
        (_HEADER + "89095,X,,21-Jun-17\n", "not 7 digits"),
        (_HEADER + "8909575,,,21-Jun-17\n", "vessel_names is empty"),
        (_HEADER + "8909575,X,,2017/06/21\n", "date_of_designation"),
        (_HEADER + "8909575,X,,\n8909575,Y,,\n", "line 3: vessel 8909575 is listed twice"),
    ],
)
def test_bad_rows(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UnParseError, match=message):
        list(read_1718_vessels(_write(tmp_path, text)).entities)
