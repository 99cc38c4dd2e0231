"""Screenshot pages of a built site in Debian's Chromium, to look at what we make.

    python scripts/screenshot.py build shots/ "" goals/reduce-medication-errors/ --width 390

Prints, per page, how many charts drew and any console errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser_fixture import CHROMIUM_ARGS, chromium_path, serve_directory  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--full", action="store_true", help="whole page, not just the viewport")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    server, base = serve_directory(args.site)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        ctx = b.new_context(viewport={"width": args.width, "height": 900})
        for rel in args.pages:
            pg = ctx.new_page()
            errors: list[str] = []
            pg.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            pg.goto(base + rel)
            pg.wait_for_load_state("networkidle")
            pg.wait_for_timeout(400)
            total = pg.locator(".chart-canvas").count()
            drawn = pg.locator(
                ".chart-canvas[data-drawn] svg, .chart-canvas[data-drawn] canvas"
            ).count()
            name = (rel.strip("/").replace("/", "_") or "index") + f"-{args.width}.png"
            pg.screenshot(path=str(args.out / name), full_page=args.full)
            print(f"{rel or '/'}: charts {drawn}/{total}; errors: {errors or 'none'} -> {name}")
            pg.close()
        b.close()
    server.shutdown()


if __name__ == "__main__":
    main()
