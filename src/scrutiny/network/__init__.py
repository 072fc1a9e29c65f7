"""The exposure network: ownership and control graph, the OFAC 50 % rule, exposure ranking.

`graph` builds the network from list entities and the user's files (`io`), `ownership` applies
the OFAC 50 % rule and the EU/UK test, `exposure` ranks counterparties by their paths to
designated parties, `export` writes GraphML, JSON and an HTML picture for a case file.
"""

from scrutiny.network.exposure import Exposure, exposure_for, rank_exposure, search_exposure
from scrutiny.network.graph import (
    DEFAULT_GRAPH,
    Edge,
    EdgeArrays,
    EdgeType,
    ExposureGraph,
    NetworkInputError,
    Node,
    build_from_entities,
    load_persisted,
    save_persisted,
)
from scrutiny.network.ownership import Derivation, OwnershipResult, eu_uk_test, fifty_percent_rule

__all__ = [
    "DEFAULT_GRAPH",
    "Derivation",
    "Edge",
    "EdgeArrays",
    "EdgeType",
    "Exposure",
    "ExposureGraph",
    "NetworkInputError",
    "Node",
    "OwnershipResult",
    "build_from_entities",
    "eu_uk_test",
    "exposure_for",
    "fifty_percent_rule",
    "load_persisted",
    "rank_exposure",
    "save_persisted",
    "search_exposure",
]
