"""Links between pages: relative to the page (works from ``file://``) or under
``base_url``."""

from __future__ import annotations

import posixpath
from collections.abc import Callable


class Urls:
    """Links between pages: relative (works from file://) or under ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def page_dir(self, out_rel: str) -> str:
        d = posixpath.dirname(out_rel)
        return d + "/" if d else ""

    def root_prefix(self, out_rel: str) -> str:
        """What to put before a root-relative path from this page ("../../" or base_url)."""
        return self.base_url or "../" * self.page_dir(out_rel).count("/")

    def linker(self, out_rel: str) -> Callable[[str], str]:
        """``url(target)`` for a page written at ``out_rel`` (``goals/x/index.html``)."""
        here = self.page_dir(out_rel)
        if self.base_url:

            def absolute(target: str) -> str:
                return self.base_url + target

            return absolute
        depth = here.count("/")
        prefix = "../" * depth

        def relative(target: str) -> str:
            path, _, frag = target.partition("#")
            if path == "" or path.endswith("/"):
                path += "index.html"  # file:// does not open a folder's index.html
            return prefix + path + (f"#{frag}" if frag else "")

        return relative
