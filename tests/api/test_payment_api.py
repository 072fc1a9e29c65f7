"""POST /screen/payment on the sample messages in tests/data/payments/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from api_fakes import Api, make_api

from scrutiny.api.app import ServiceConfig

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"
CLEAN = sorted((DATA / "clean").iterdir())


def _media(path: Path) -> str:
    return "application/xml" if path.suffix == ".xml" else "text/plain"


def _post(api: Api, path: Path, role: str = "screener") -> tuple[int, dict]:  # type: ignore[type-arg]
    response = api.client.post(
        "/screen/payment",
        content=path.read_bytes(),
        headers={**api.headers(role), "Content-Type": _media(path)},
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_messages_pass(api: Api, path: Path) -> None:
    status, body = _post(api, path)
    assert status == 200, body
    assert body["decision"] == "pass" and body["hits"] == []
    assert body["message_type"] and body["engine_version"].startswith("scrutiny-")
    assert "fake_sdn" in body["list_versions"]


def test_planted_parties_are_held_where_they_are(api: Api) -> None:
    # Only the rows that do not depend on which list entities are loaded (the fake list here
    # has none of the planted SDN entries): BICs in KP and a DPRK port in free text.
    with (DATA / "planted" / "EXPECTED.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r and not r[0].startswith("#")]
    listless = [r for r in rows if r[3] == "-"]
    assert listless
    for name, location, kind, _ in listless:
        status, body = _post(api, DATA / "planted" / name)
        assert status == 200, body
        assert body["decision"] == "hold", name
        assert (location, kind) in {(h["location"], h["kind"]) for h in body["hits"]}, name


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("mt103_missing_59.fin", ":59a:"),
        ("mt103_unclosed_block4.fin", "{4:}"),
        ("pacs008_invalid_xml.xml", "line 7"),
        ("pacs008_wrong_namespace.xml", "/Document"),
    ],
)
def test_unreadable_messages_are_422_naming_the_field(api: Api, name: str, where: str) -> None:
    status, body = _post(api, DATA / "malformed" / name)
    assert status == 422
    (problem,) = body["detail"]
    assert problem["loc"] == ["body", where]
    assert problem["msg"] and "Traceback" not in problem["msg"]


def test_a_stream_of_messages_is_not_one_message(api: Api) -> None:
    status, body = _post(api, DATA / "batch" / "mixed_mt_stream.fin")
    assert status == 422
    assert body["detail"][0]["loc"][1].startswith("offset")


def test_content_type_roles_and_size(tmp_path: Path) -> None:
    api = make_api(
        f"sqlite:///{tmp_path / 'p.db'}",
        tmp_path,
        ServiceConfig(rate_limit=0, max_payment_bytes=600),
    )
    mt = (DATA / "clean" / "mt103_50f.fin").read_bytes()
    xml = (DATA / "clean" / "pacs008_invoice.xml").read_bytes()
    assert len(mt) <= 600 < len(xml)
    url = "/screen/payment"
    plain = {"Content-Type": "text/plain"}
    assert api.client.post(url, content=mt, headers=plain).status_code == 401
    analyst_ok = {**api.headers("analyst"), **plain}  # analysts may screen too
    assert api.client.post(url, content=mt, headers=analyst_ok).status_code == 200
    headers = {**api.headers(), "Content-Type": "application/json"}
    assert api.client.post(url, content=mt, headers=headers).status_code == 415
    # XML declared but MT sent: 422 saying so, not a parser error.
    headers = {**api.headers(), "Content-Type": "application/xml"}
    response = api.client.post(url, content=mt, headers=headers)
    assert response.status_code == 422 and "not ISO 20022" in response.json()["detail"][0]["msg"]
    assert api.client.post(url, content=xml, headers=headers).status_code == 413
    api.store.close()
