"""Static files of the site: the theme's ``static/`` folders and the vendored Vega bundle."""

from __future__ import annotations

from pathlib import Path

from ..errors import GoalpathError, Problem
from ..render.theme import Theme

VEGA_BUNDLE = "assets/vendor/vega-bundle.js"


def vega_bundle(cache_dir: Path | None = None) -> bytes:
    """Vega, Vega-Lite and vega-embed in one script, from vl-convert (no network).

    vl-convert takes ~1.9 s to bundle; the result is kept in ``cache_dir`` per version.
    """
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cached = cache_dir / f"vega-bundle-{version}.js" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()

    header = (
        "/* Vega, Vega-Lite and vega-embed, bundled by vl-convert "
        f"{getattr(vl_convert, '__version__', '')}; BSD-3-Clause licences. */\n"
    )
    # vl-convert's stub makes the optional ``snippet`` required
    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    data = (header + bundle).encode("utf-8")
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(cached)
        except OSError:  # a read-only checkout still builds, only slower
            pass
    return data


def collect_assets(
    theme: Theme, cache: dict[str, bytes], cache_dir: Path | None = None
) -> dict[str, bytes]:
    """Every static file under ``assets/``; a more specific theme's file wins.

    ``cache`` keeps the Vega bundle between builds of one process (it takes ~0.1 s).
    """
    files: dict[str, bytes] = {}
    for static in reversed(theme.static_dirs):  # default first, overrides last
        inside = static.resolve()
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                if not path.resolve().is_relative_to(inside):
                    raise GoalpathError(
                        [
                            Problem(
                                path.as_posix(),
                                None,
                                None,
                                None,
                                "links to a file outside its theme's static/ folder; not copied",
                                "copy the file into the theme instead of linking to it",
                            )
                        ]
                    )
                files["assets/" + path.relative_to(static).as_posix()] = path.read_bytes()
    if VEGA_BUNDLE not in cache:
        cache[VEGA_BUNDLE] = vega_bundle(cache_dir)
    files[VEGA_BUNDLE] = cache[VEGA_BUNDLE]
    return files
