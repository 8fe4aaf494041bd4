"""Stage 1, `igny8 keywords import`: a keyword file filed under the active blueprint's clusters.

Embedding neighbours first (with intent breaking near ties), then the clusterer's model for the uncertain
ones in batches (the plan's 50), new clusters proposed for what fits none. The import is stored in one
transaction after everything is filed, so a failure leaves nothing behind; the same file again changes
nothing."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from igny8.agents.keyword_filer import ClusterChoice, KeywordFilerAgent
from igny8.llm.credits import Meter
from igny8.memory.blueprints import active_blueprint_id, get_blueprint
from igny8.memory.keyword_imports_repo import FiledKeyword, filed_texts, previous_import, record_import
from igny8.services import Services
from igny8.tools.keyword_files.filing import ClusterIndex, candidate_clusters, file_by_neighbours, guess_intent
from igny8.tools.keyword_files.reading import KeywordFileError, read_keyword_file

MAX_FILE_BYTES = 50_000_000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    import_id: int | None
    already_imported: bool
    file_format: str
    keywords: int
    duplicates_in_file: int
    already_filed: int
    by_method: dict[str, int]
    clusters: dict[str, int]
    proposed_clusters: dict[str, list[str]]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_file_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise KeywordFileError(f"{path} is not a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KeywordFileError(f"{path} is larger than {MAX_FILE_BYTES // 1_000_000} MB: split it")
    return path.read_bytes()


def _file_uncertain(
    runtime: Services,
    keywords: list[str],
    vectors: np.ndarray,
    index: ClusterIndex,
    meter: Meter,
    progress: Progress | None,
) -> list[tuple[str | None, str | None]]:
    """The model files each batch among the clusters nearest to its keywords (or proposes new ones)."""
    agent = KeywordFilerAgent(runtime.gateway)
    size = max(1, runtime.settings.batch_sizes.get("clustering", 50))
    answers: list[tuple[str | None, str | None]] = []
    for start in range(0, len(keywords), size):
        batch = keywords[start : start + size]
        choices = [
            ClusterChoice(index.slugs[p], index.names[p], index.samples[p])
            for p in candidate_clusters(index, vectors[start : start + size])
        ]
        filed = agent.file_keywords(batch, choices, meter=meter.part(start // size))
        answers.extend((f.cluster_slug, f.new_cluster) for f in filed)
        if progress:
            progress("model", min(start + size, len(keywords)), len(keywords))
    return answers


def _proposed_name(name: str) -> str:
    return " ".join(name.split()).title()


def import_keywords(
    runtime: Services,
    *,
    account_id: int,
    site_id: int,
    data: bytes,
    file_name: str,
    progress: Progress | None = None,
) -> ImportSummary:
    started = time.monotonic()
    digest = hashlib.sha256(data).hexdigest()
    parsed = read_keyword_file(data, max_rows=runtime.settings.keyword_import_max_rows)  # the file first
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
        blueprint_id = active_blueprint_id(conn, account_id=account_id, site_id=site_id)
        assert blueprint_id is not None
        earlier = previous_import(conn, site_id=site_id, blueprint_id=blueprint_id, file_sha256=digest)
    if earlier is not None:
        summary = dict(earlier["summary"])
        summary.update(import_id=earlier["id"], already_imported=True, seconds=round(time.monotonic() - started, 3))
        return ImportSummary(**summary)
    texts = [r.text for r in parsed.records]
    with runtime.database.connection() as conn:
        done = filed_texts(conn, site_id=site_id, blueprint_id=blueprint_id, texts=texts)
    records = [r for r in parsed.records if r.text not in done]
    texts = [r.text for r in records]
    index = ClusterIndex.of(blueprint, runtime.embedder)
    vectors = runtime.embedder.embed(texts) if texts else []
    if progress:
        progress("neighbours", len(texts), len(texts))
    filings = (
        file_by_neighbours(texts, vectors, index, max_distance=runtime.settings.keyword_import_match_distance)
        if texts
        else []
    )
    uncertain = [i for i, f in enumerate(filings) if f is None]
    meter = Meter(account_id, site_id, f"keyword-import:{site_id}:{blueprint_id}:{digest}")
    answers = (
        _file_uncertain(runtime, [texts[i] for i in uncertain], vectors[uncertain], index, meter, progress)
        if uncertain
        else []
    )
    by_model = dict(zip(uncertain, answers, strict=True))
    filed: list[FiledKeyword] = []
    for position, record in enumerate(records):
        neighbour = filings[position]
        intent = guess_intent(record.text)
        if neighbour is not None:
            filed.append(FiledKeyword(record.text, intent, neighbour.cluster_slug, None, "neighbour", record.metrics))
            continue
        slug, new_cluster = by_model[position]
        if slug is not None:
            filed.append(FiledKeyword(record.text, intent, slug, None, "model", record.metrics))
        else:
            filed.append(
                FiledKeyword(record.text, intent, None, _proposed_name(new_cluster or ""), "proposed", record.metrics)
            )
    proposed: dict[str, list[str]] = {}
    for keyword in filed:
        if keyword.proposed_cluster:
            proposed.setdefault(keyword.proposed_cluster, []).append(keyword.text)
    summary = {
        "file_format": parsed.file_format,
        "keywords": len(parsed.records),
        "duplicates_in_file": parsed.duplicates,
        "already_filed": len(done),
        "by_method": dict(Counter(k.method for k in filed)),
        "clusters": dict(Counter(k.cluster_slug for k in filed if k.cluster_slug)),
        "proposed_clusters": proposed,
    }
    with runtime.database.connection() as conn:
        import_id = record_import(
            conn,
            site_id=site_id,
            blueprint_id=blueprint_id,
            file_sha256=digest,
            file_name=file_name,
            file_format=parsed.file_format,
            summary=summary,
            keywords=filed,
            embeddings=vectors,
        )
    return ImportSummary(
        import_id=import_id, already_imported=False, seconds=round(time.monotonic() - started, 3), **summary
    )
