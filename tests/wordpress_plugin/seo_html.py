"""What a public page's <head> says, read with selectolax: the SEO tags the plugin is judged on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser


@dataclass
class Head:
    titles: list[str]
    descriptions: list[str]
    canonicals: list[str]
    og_titles: list[str]
    json_ld: list[Any]

    @classmethod
    def of(cls, html: str) -> Head:
        tree = HTMLParser(html)

        def attrs(selector: str, name: str) -> list[str]:
            return [str(node.attributes.get(name) or "") for node in tree.css(selector)]

        return cls(
            titles=[node.text() for node in tree.css("title")],
            descriptions=attrs('meta[name="description"]', "content"),
            canonicals=attrs('link[rel="canonical"]', "href"),
            og_titles=attrs('meta[property="og:title"]', "content"),
            json_ld=[json.loads(node.text()) for node in tree.css('script[type="application/ld+json"]')],
        )

    def graph(self) -> list[dict[str, Any]]:
        """The nodes of the page's one JSON-LD block (which must be an @graph)."""
        assert len(self.json_ld) == 1, f"expected one JSON-LD block, found {len(self.json_ld)}"
        block = self.json_ld[0]
        assert block.get("@context") == "https://schema.org" and isinstance(block.get("@graph"), list), block
        return block["@graph"]


def references(node: Any) -> set[str]:
    """Every {"@id": ...} reference inside a node (not the node's own @id)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and set(value) == {"@id"}:
                found.add(value["@id"])
            elif key != "@id":
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found
