import json
from pathlib import Path

from igny8.catalog.loader import load_catalog
from igny8.evals import cluster_topics
from igny8.llm.embedder import FakeEmbedder
from igny8.tools.sag.attribute_population import merge_templates
from igny8.tools.sag.cluster_formation import form_clusters
from igny8.tools.sag.keyword_generation import generate_site_keywords


def test_the_evaluation_reports_every_check(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "topics.json"
    code = cluster_topics.main(["--sector", "dental-clinics", "--sector", "plumbing-services", "--json", str(out)])
    report = json.loads(out.read_text())
    assert code == 0, capsys.readouterr().out
    summary = report["summary"]
    assert summary["sectors"] == 2 and summary["value_list_names"] == 0 and summary["off_topic_supporting"] == 0
    assert summary["keywords_min"] >= 300 and summary["sectors_below_target"] == 0
    assert {"thin_hubs", "misfit_keywords", "misfit_share"} <= set(summary)
    dental = next(s for s in report["sectors"] if s["sector"] == "dental-clinics")
    assert dental["clusters"] >= 20 and dental["keywords_in_clusters"] >= 300
    assert all(" fits " in m for m in dental["misfit_keywords"])


def test_a_keyword_nearer_another_cluster_is_reported() -> None:
    merged = merge_templates([load_catalog().template("dental-clinics")])
    generated = generate_site_keywords(merged, FakeEmbedder())
    clusters = form_clusters(generated.keywords, merged.attributes, {}).clusters
    vectors = dict(zip((k.text for k in generated.keywords), generated.embeddings, strict=True))
    implants = next(c for c in clusters if c.name == "Dental Implants")
    concerns = next(c for c in clusters if c.name == "Dental Concerns")
    stray = implants.keywords[0]
    moved = [
        c.model_copy(update={"keywords": [k for k in c.keywords if k is not stray]})
        if c is implants
        else c.model_copy(update={"keywords": [*c.keywords, stray]})
        if c is concerns
        else c
        for c in clusters
    ]
    misfits = cluster_topics._misfits(moved, vectors)
    assert any(m.startswith(f"{stray.text!r} in 'Dental Concerns' fits 'Dental Implants") for m in misfits), misfits


def test_unknown_sectors_are_refused(capsys) -> None:  # type: ignore[no-untyped-def]
    assert cluster_topics.main(["--sector", "no-such-sector"]) == 2
    assert "no template for: no-such-sector" in capsys.readouterr().err
