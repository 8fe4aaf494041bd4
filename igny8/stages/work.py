"""Per-item work of the fanned-out stages. Each function takes a WorkerSpec (it pickles, so it travels to
Ray workers) and one item id, opens what it needs once per process, and is idempotent.

The spec carries the ``Settings`` object itself: a JSON dump would mask every secret (API keys, the
database URL) as ``**********`` and the worker would call the model without its key."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from igny8.agents.writer import PageDraft
from igny8.config import Settings
from igny8.domain.content import Brief, PageMeta, read_brief
from igny8.llm.gateway import Meter
from igny8.memory import content_repo
from igny8.memory.database import Database
from igny8.services import Services, build_services
from igny8.tools.content.image_render import image_prompts, render_image
from igny8.tools.content.page_render import article_html
from igny8.tools.seo.html_fragment import page_text, parse_fragment, text_of


@dataclass(frozen=True)
class WorkerSpec:
    settings: Settings
    database_url: str
    export_dir: str
    account_id: int
    site_id: int


_runtimes: dict[tuple[str, str], Services] = {}
_lock = threading.Lock()


def worker_runtime(spec: WorkerSpec) -> Services:
    """This process's services for the spec's settings and database, built once (a Ray worker builds its own)."""
    key = (spec.database_url, spec.settings.fingerprint())
    with _lock:
        runtime = _runtimes.get(key)
        if runtime is None:
            database = Database(url=spec.database_url, embedded=spec.settings.uses_embedded_database)
            runtime = build_services(spec.settings, database)
            _runtimes[key] = runtime
        return runtime


# Brief fields that only say where the brief came from: a new blueprint version changes them without
# changing what the page should say.
_PROVENANCE_FIELDS = ("blueprint_version",)


def _same_brief(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def strip(brief: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in brief.items() if k not in _PROVENANCE_FIELDS}

    return strip(old) == strip(new)


def write_content(spec: WorkerSpec, task_id: int) -> dict[str, Any]:
    """Stage 4 for one task: the writer agent's page, stored once (a rerun finds it and does nothing).

    A page a newer blueprint version plans at a slug the site already has stays the same row: adopted
    without a model call when its brief is unchanged, rewritten in place (the old text kept as a revision)
    when the brief changed."""
    runtime = worker_runtime(spec)
    with runtime.database.connection() as conn:
        task = content_repo.get_task(conn, task_id)
        done = content_repo.content_id_of_task(conn, task_id)
        brief = read_brief(task["brief"])
        earlier = None if done else content_repo.content_with_slug(conn, site_id=spec.site_id, slug=brief["slug"])
        if earlier is not None and _same_brief(earlier["brief"], brief):
            content_repo.adopt_content(
                conn,
                content_id=earlier["id"],
                task_id=task_id,
                meta_update={"blueprint_version": brief["blueprint_version"]},
            )
            return {"task_id": task_id, "content_id": earlier["id"], "skipped": True, "kept": True}
    if done:
        return {"task_id": task_id, "content_id": done, "skipped": True}
    meter = Meter(spec.account_id, spec.site_id, f"content_generation:task:{task_id}")
    draft = runtime.agents.writer.write_page(brief, meter=meter)
    page = _page_row(runtime, brief, draft)
    with runtime.database.connection() as conn:
        if earlier is not None:
            content_repo.replace_content(conn, content_id=earlier["id"], task_id=task_id, **page)
            content_id: int | None = earlier["id"]
        else:
            content_id = content_repo.insert_content(
                conn, task_id=task_id, site_id=spec.site_id, slug=brief["slug"], **page
            )
    return {
        "task_id": task_id,
        "content_id": content_id,
        "skipped": content_id is None,
        "rewritten": earlier is not None,
        "words": draft.word_count,
        "tokens": page["meta"]["tokens"],
    }


def _page_row(runtime: Services, brief: Brief, draft: PageDraft) -> dict[str, Any]:
    """The content row's title, html, meta and embedding for a written draft."""
    lead = draft.meta_description
    body = article_html(draft.title, lead, [s.html for s in draft.sections], None)
    text = page_text(body)
    vector = runtime.embedder.embed([f"{draft.title}. {text[:2000]}"])[0]
    meta: PageMeta = {
        "meta_description": draft.meta_description,
        "word_count": draft.word_count,
        "sections": [s.key for s in draft.sections],
        "omitted_sections": draft.omitted,
        # HowTo JSON-LD reads steps only from pages whose steps came from the brief.
        "steps_source": "brief" if draft.steps else "none",
        "faq": [{"q": q, "a": a} for q, a in draft.faq],
        "target_keywords": brief["target_keywords"],
        "structure": brief["structure"],
        "content_type": brief["content_type"],
        "kind": brief["kind"],
        "priority_phase": brief["priority_phase"],
        "cluster": brief["cluster"]["slug"] if brief["cluster"] else None,
        "cluster_name": brief["cluster"]["name"] if brief["cluster"] else None,
        "cluster_type": brief["cluster"]["type"] if brief["cluster"] else None,
        "blueprint_version": brief["blueprint_version"],
        "tokens": sum(c.prompt_tokens + c.completion_tokens for c in draft.calls),
    }
    return {"title": draft.title, "html": body, "meta": meta, "embedding": vector}


def make_images(spec: WorkerSpec, content_id: int) -> dict[str, Any]:
    """Stages 5 and 6 for one page: image prompts, then the images, each stored once."""
    runtime = worker_runtime(spec)
    with runtime.database.connection() as conn:
        row = content_repo.site_page(conn, content_id=content_id, site_id=spec.site_id)
        if row is None:
            raise LookupError(f"content {content_id} not found for site {spec.site_id}")
        heading = parse_fragment(row["html"]).css_first("h2")
        for role, prompt in image_prompts(
            row["title"], row["meta"].get("cluster_name"), text_of(heading) if heading else None
        ).items():
            content_repo.upsert_image_prompt(conn, content_id=content_id, role=role, prompt=prompt)
        images = content_repo.images_of(conn, content_id)
    made = 0
    for image in images:
        if image["path"] and Path(image["path"]).exists():
            continue
        target = Path(spec.export_dir) / "images" / f"{row['slug']}-{image['role']}"
        path = render_image(
            image["prompt"],
            row["title"],
            target,
            gateway=runtime.gateway,
            meter=Meter(spec.account_id, spec.site_id, f"image_generation:image:{image['id']}"),
            subtitle=row["meta"].get("cluster_name"),
        )
        with runtime.database.connection() as conn:
            content_repo.set_image_path(conn, image_id=image["id"], path=str(path))
        made += 1
    return {"content_id": content_id, "images": made}


STAGE_WORK = {"content": write_content, "images": make_images}
