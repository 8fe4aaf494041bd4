"""Snapshots of each graph's topology (draw_mermaid): a node or edge that moves shows up here. To accept an
intended change, delete the snapshot and run the test once: it writes the new one and fails, so it is seen."""

from pathlib import Path

import pytest

from igny8.graphs import maintenance, pipeline, site_build

SNAPSHOTS = Path(__file__).parent / "topology"


@pytest.mark.parametrize("graph", [site_build, pipeline, maintenance], ids=lambda g: g.__name__.rsplit(".", 1)[-1])
def test_graph_topology_matches_its_snapshot(graph) -> None:  # type: ignore[no-untyped-def]
    drawn = graph.build_graph().get_graph().draw_mermaid()
    snapshot = SNAPSHOTS / f"{graph.__name__.rsplit('.', 1)[-1]}.mmd"
    if not snapshot.exists():
        snapshot.write_text(drawn)
        pytest.fail(f"wrote a new snapshot {snapshot.name}: check it and run again")
    assert drawn == snapshot.read_text()
