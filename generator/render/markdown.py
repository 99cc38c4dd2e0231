"""Author Markdown → safe HTML (CommonMark + tables + heading anchors).

Raw HTML is escaped unless the site allows it (``allow_html``); markdown-it's
``validateLink`` already refuses ``javascript:``/``vbscript:``/``data:`` links.
Internal links to other content files (``../goals/x.md``) are rewritten to the
built page's URL by the caller-supplied ``link`` function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    headings: tuple[tuple[int, str, str], ...]
    """(level, id, text) of every h2/h3, for an in-page table of contents."""
    text: str
    """Plain text, for the search index and summaries."""


def make_parser(*, allow_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    # Start anchors at h2: the page template owns the h1.
    anchors_plugin(md, min_level=2, max_level=3)
    return md


def render_markdown(
    md: MarkdownIt, source: str, link: Callable[[str], str] | None = None
) -> RenderedMarkdown:
    tokens = md.parse(source)
    headings: list[tuple[int, str, str]] = []
    text_parts: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag in ("h2", "h3"):
            inline = tokens[i + 1]
            headings.append((int(tok.tag[1]), str(tok.attrs.get("id", "")), inline.content))
        if tok.type == "inline":
            text_parts.append(tok.content)
            if link is not None:
                _rewrite_links(tok.children or [], link)
    html = md.renderer.render(tokens, md.options, {})
    return RenderedMarkdown(html, tuple(headings), " ".join(text_parts))


def _rewrite_links(children: list[Token], link: Callable[[str], str]) -> None:
    for child in children:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            child.attrs["href"] = link(href)
