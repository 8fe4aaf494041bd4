"""Publish-ready HTML: one page (article body plus a full document for the static preview) and the
preview's index, all from stored content. Every value that came from a model or a person is escaped."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

STYLE = """body{font:17px/1.6 Georgia,serif;margin:0;color:#222;background:#fafafa}
header,main,footer{max-width:860px;margin:0 auto;padding:16px 24px}header a{color:#0f4c81;text-decoration:none}
h1{font-size:2.1em;line-height:1.2}h2{margin-top:1.6em;border-bottom:1px solid #ddd}img.featured{width:100%;height:auto}
.meta{color:#666;font-size:.85em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:6px 10px}
.related li{margin:.3em 0}.cluster{margin:1.5em 0}.phase{color:#888;font-size:.8em}"""


def article_html(title: str, lead: str, sections_html: list[str], featured: str | None) -> str:
    image = f'<img class="featured" src="{html.escape(featured)}" alt="{html.escape(title)}">\n' if featured else ""
    return (
        f'<article>\n<h1>{html.escape(title)}</h1>\n{image}<p class="lead">{html.escape(lead)}</p>\n'
        + "\n".join(sections_html)
        + "\n</article>"
    )


def document(title: str, body: str, meta: dict[str, Any], related: list[dict[str, str]], home: str) -> str:
    related_html = "".join(
        f'<li><a href="{html.escape(r["slug"])}.html">{html.escape(r["title"])}</a></li>' for r in related
    )
    placement = " · ".join(
        html.escape(str(meta.get(k, ""))) for k in ("cluster_name", "cluster_type", "structure") if meta.get(k)
    )
    description = html.escape(meta.get("meta_description", ""))
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        f'<meta name="description" content="{description}">\n'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{STYLE}</style></head>\n'
        f'<body><header><a href="{html.escape(home)}">← site preview</a></header><main>\n'
        f'<p class="meta">{placement} · phase {meta.get("priority_phase", "")}</p>\n{body}\n'
        + (f'<aside><h2>Related</h2><ul class="related">{related_html}</ul></aside>' if related else "")
        + "</main></body></html>\n"
    )


def preview_index(site_name: str, pages: list[dict[str, Any]]) -> str:
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        by_cluster.setdefault(page.get("cluster_name") or "Site pages", []).append(page)
    blocks = []
    for cluster, members in by_cluster.items():
        items = "".join(
            f'<li><a href="pages/{html.escape(p["slug"])}.html">{html.escape(p["title"])}</a> '
            f'<span class="phase">{html.escape(p["structure"])}, phase {p["priority_phase"]}, {p["status"]}</span></li>'
            for p in members
        )
        blocks.append(f'<div class="cluster"><h2>{html.escape(cluster)}</h2><ul>{items}</ul></div>')
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(site_name)} — preview'
        f"</title><style>{STYLE}</style></head><body><main><h1>{html.escape(site_name)}</h1>"
        f'<p class="meta">{len(pages)} pages</p>{"".join(blocks)}</main></body></html>\n'
    )


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
