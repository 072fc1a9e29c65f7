"""Export the exposure network for analysts' tools (GraphML, JSON) and case files (HTML).

The HTML page is self-contained (no CDN, no external fonts or scripts): an inline SVG of an
entity's neighbourhood laid out with networkx's spring layout, designated parties in red, DPRK
designations outlined and badged, the entity of the case ringed; a few lines of inline script
add zoom, pan and a details panel on click.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from scrutiny.network.graph import Edge, ExposureGraph, Node

MAX_RENDERED_NODES = 250  # a case-file picture beyond this is unreadable; nearest parties kept


def _node_attributes(node: Node) -> dict[str, Any]:
    return {
        "name": node.name,
        "schema": node.schema,
        "designated": node.designated,
        "programs": ";".join(node.programs),
        "dprk": node.dprk,
        "list_id": node.list_id or "",
    }


def _edge_attributes(edge: Edge) -> dict[str, Any]:
    # GraphML has no null: unknown values are left out rather than written as "None".
    values: dict[str, Any] = {
        "type": str(edge.type),
        "strength": edge.strength,
        "source_ref": edge.source,
        "share": edge.share,
        "start": edge.start.isoformat() if edge.start else None,
        "end": edge.end.isoformat() if edge.end else None,
        "score": edge.score,
        "amount": edge.amount,
    }
    return {k: v for k, v in values.items() if v is not None}


def to_networkx(graph: ExposureGraph) -> nx.MultiDiGraph:
    """A networkx copy with GraphML-safe attributes (strings, numbers, booleans)."""
    result = nx.MultiDiGraph()
    for node in graph.nodes():
        result.add_node(node.id, **_node_attributes(node))
    for edge in graph.edges():
        result.add_edge(edge.source_id, edge.target_id, **_edge_attributes(edge))
    return result


def write_graphml(graph: ExposureGraph, path: Path) -> None:
    """Write the graph as GraphML (yEd, Gephi, Cytoscape)."""
    nx.write_graphml(to_networkx(graph), str(path))


def to_json(graph: ExposureGraph, *, center: str | None = None) -> dict[str, Any]:
    """The graph as JSON-ready nodes and edges, with when and around whom it was exported."""
    data = graph.to_dict()
    data["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if center is not None:
        data["center"] = center
    return data


def write_json(graph: ExposureGraph, path: Path, *, center: str | None = None) -> None:
    """Write `to_json` to a file."""
    path.write_bytes(
        orjson.dumps(to_json(graph, center=center), default=str, option=orjson.OPT_INDENT_2)
    )


def _trim(graph: ExposureGraph, center: str) -> ExposureGraph:
    """The nearest `MAX_RENDERED_NODES` parties to the centre (BFS order)."""
    if len(graph) <= MAX_RENDERED_NODES:
        return graph
    g = graph.graph
    start = graph.index[center]
    order = [start]
    seen = {start}
    for index in order:
        for other in sorted(g.neighbors_undirected(index)):
            if other not in seen and len(order) < MAX_RENDERED_NODES:
                seen.add(other)
                order.append(other)
    return graph.subgraph(order)


def _layout(graph: ExposureGraph, center: str) -> Mapping[str, tuple[float, float]]:
    simple = nx.Graph()
    simple.add_nodes_from(n.id for n in graph.nodes())
    simple.add_edges_from((e.source_id, e.target_id) for e in graph.edges())
    k = 1.5 / math.sqrt(max(len(simple), 1))
    positions = nx.spring_layout(simple, seed=7, k=k, iterations=100)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


_STYLE = """
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh}
#view{flex:1;background:#fafafa}#side{width:320px;padding:12px;border-left:1px solid #ddd;
overflow:auto}svg{width:100%;height:100%;cursor:grab}.e{stroke:#999;stroke-width:1.2}
.e.owns,.e.controls,.e.subsidiary{stroke:#555;stroke-width:2}.e.transacts{stroke-dasharray:4 3}
.n{fill:#4c78a8;stroke:#fff;stroke-width:1.5}.n.designated{fill:#d62728}.n.derived{fill:#ff7f0e}
.n.dprk{stroke:#000;stroke-width:3}.n.center{stroke:#2ca02c;stroke-width:4}
text{font-size:10px;pointer-events:none}.badge{font-size:8px;font-weight:bold;fill:#000}
pre{white-space:pre-wrap;font-size:12px}.key span{display:inline-block;width:10px;height:10px;
border-radius:5px;margin:0 4px 0 10px}
"""

_SCRIPT = """
const svg=document.querySelector('svg');let vb=svg.viewBox.baseVal,drag=null;
svg.addEventListener('wheel',e=>{e.preventDefault();const f=e.deltaY>0?1.1:0.9;
const p=svg.createSVGPoint();p.x=e.clientX;p.y=e.clientY;
const q=p.matrixTransform(svg.getScreenCTM().inverse());
vb.x=q.x-(q.x-vb.x)*f;vb.y=q.y-(q.y-vb.y)*f;vb.width*=f;vb.height*=f;});
svg.addEventListener('mousedown',e=>{drag=[e.clientX,e.clientY];});
window.addEventListener('mouseup',()=>{drag=null;});
window.addEventListener('mousemove',e=>{if(!drag)return;const s=vb.width/svg.clientWidth;
vb.x-=(e.clientX-drag[0])*s;vb.y-=(e.clientY-drag[1])*s;drag=[e.clientX,e.clientY];});
for(const c of document.querySelectorAll('.n')){c.addEventListener('click',()=>{
document.getElementById('details').textContent=JSON.stringify(JSON.parse(c.dataset.info),null,2);});}
"""


def render_html(
    graph: ExposureGraph,
    center: str,
    *,
    hops: int = 2,
    derived: frozenset[str] = frozenset(),
    title: str | None = None,
) -> str:
    """A self-contained HTML page picturing the neighbourhood of `center` within `hops` links.

    `derived` are parties blocked by the 50 % rule (drawn orange).
    """
    sub = _trim(graph.neighbourhood(center, hops), center)
    positions = _layout(sub, center)
    width, height, margin = 1000.0, 700.0, 60.0

    def place(node_id: str) -> tuple[float, float]:
        x, y = positions[node_id]
        return (
            margin + (x + 1) / 2 * (width - 2 * margin),
            margin + (y + 1) / 2 * (height - 2 * margin),
        )

    parts = [f'<svg viewBox="0 0 {width:g} {height:g}" xmlns="http://www.w3.org/2000/svg">']
    for edge in sub.edges():
        (x1, y1), (x2, y2) = place(edge.source_id), place(edge.target_id)
        label = str(edge.type) + (f" {edge.share:g}%" if edge.share is not None else "")
        parts.append(
            f'<line class="e {edge.type}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}"><title>{html.escape(label)} ({html.escape(edge.source)})</title></line>'
        )
    for node in sub.nodes():
        x, y = place(node.id)
        classes = ["n"]
        if node.designated:
            classes.append("designated")
        elif node.id in derived:
            classes.append("derived")
        if node.dprk:
            classes.append("dprk")
        if node.id == center:
            classes.append("center")
        info = html.escape(orjson.dumps(_node_attributes(node) | {"id": node.id}).decode())
        radius = 11 if node.id == center else 7
        parts.append(
            f'<circle class="{" ".join(classes)}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
            f'data-info="{info}"><title>{html.escape(node.name)}</title></circle>'
        )
        parts.append(f'<text x="{x + 10:.1f}" y="{y + 3:.1f}">{html.escape(node.name[:40])}</text>')
        if node.dprk:
            parts.append(f'<text class="badge" x="{x - 10:.1f}" y="{y - 9:.1f}">DPRK</text>')
    parts.append("</svg>")
    centre = graph.node(center)
    heading = html.escape(title or f"Network of {centre.name}")
    note = (
        f"<p>Showing the {MAX_RENDERED_NODES} nearest parties.</p>"
        if len(sub) >= MAX_RENDERED_NODES
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
        f'<div id="view">{"".join(parts)}</div><div id="side"><h3>{heading}</h3>'
        f"<p>{html.escape(centre.id)} · {hops} hops · {len(sub)} parties · "
        f"{sub.edge_count} relations</p>{note}"
        '<p class="key"><span style="background:#d62728"></span>designated'
        '<span style="background:#ff7f0e"></span>blocked by 50 % rule'
        '<span style="background:#4c78a8"></span>other; black ring = DPRK</p>'
        '<p>Scroll to zoom, drag to pan, click a party for details.</p><pre id="details"></pre>'
        f"<p><small>Exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by scrutiny</small></p>"
        f"</div><script>{_SCRIPT}</script></body></html>"
    )


def write_html(graph: ExposureGraph, center: str, path: Path, **options: Any) -> None:
    """Write `render_html` to a file."""
    path.write_text(render_html(graph, center, **options), encoding="utf-8")
