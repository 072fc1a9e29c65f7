"""GET /exposure/{id}: a party's exposure and 50% rule status from the stored graph."""

from __future__ import annotations

from api_fakes import Api

from scrutiny.network.graph import Edge, EdgeType, ExposureGraph, Node


def _store_graph(api: Api) -> None:
    graph = ExposureGraph()
    graph.add_nodes(
        [
            Node("fake_sdn:3", "KOREA KWANGSON BANKING CORP", designated=True, dprk=True),
            Node("user:leasing", "Kwangson Leasing Ltd"),
            Node("user:harbour", "Harbour Trading Co"),
        ]
    )
    graph.add_edges(
        [
            Edge("fake_sdn:3", "user:leasing", EdgeType.OWNS, share=60.0),
            Edge("user:leasing", "user:harbour", EdgeType.OWNS, share=40.0),
        ]
    )
    graph.save_to_store(api.store)


def test_exposure_of_a_party_owned_by_a_designated_bank(api: Api) -> None:
    _store_graph(api)
    response = api.client.get("/exposure/user:leasing", headers=api.headers("analyst"))
    assert response.status_code == 200, response.text
    leasing = response.json()
    assert leasing["entity"]["name"] == "Kwangson Leasing Ltd"
    # 60% owned by the blocked bank: blocked under the 50% rule, with the stake that does it.
    rule = leasing["ofac_50_percent"]
    assert rule["blocked"] and not rule["listed"]
    assert [(s["owner_id"], s["share"]) for s in rule["derivation"]["stakes"]] == [
        ("fake_sdn:3", 60.0)
    ]
    # 40% owned by the leasing company: not blocked, but exposed one hop from a blocked party
    # (the leasing company, blocked by the rule, counts as one).
    harbour = api.client.get("/exposure/user:harbour", headers=api.headers("analyst")).json()
    assert not harbour["ofac_50_percent"]["blocked"]
    assert harbour["exposure"]["hops"] == 1
    assert "user:leasing" in str(harbour["exposure"])


def test_exposure_roles_and_unknowns(api: Api) -> None:
    missing_graph = api.client.get("/exposure/user:leasing", headers=api.headers("analyst"))
    assert missing_graph.status_code == 404 and "exposure build" in missing_graph.json()["detail"]
    _store_graph(api)
    assert api.client.get("/exposure/user:leasing", headers=api.headers()).status_code == 403
    unknown = api.client.get("/exposure/nobody", headers=api.headers("analyst"))
    assert unknown.status_code == 404 and "nobody" in unknown.json()["detail"]
    bad_hops = api.client.get("/exposure/user:leasing?hops=99", headers=api.headers("analyst"))
    assert bad_hops.status_code == 422
