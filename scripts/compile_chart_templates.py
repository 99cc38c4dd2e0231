"""Compile every chart's Altair template into generator/charts/templates.json.

A build takes a chart's template from there when the file was made by the installed
Altair from the same chart modules (``build/disk_cache.packaged_templates``), so even
the first build of a new checkout need not import Altair (about a second). Run
``python scripts/compile_chart_templates.py`` after changing a chart module;
tests/test_charts.py fails while the file is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import disk_cache  # noqa: E402
from generator.charts import base, catalogue  # noqa: E402, F401 - imports every chart


def compiled() -> dict[str, object]:
    """The file's content for the installed Altair and the chart modules as they are."""
    return {
        "format": 1,
        "altair": disk_cache.altair_version(),
        "modules": disk_cache.chart_modules_digest(),
        "values": {module: make() for module, make in sorted(base.MAKERS.items())},
    }


def main() -> None:
    out = Path(base.__file__).parent / disk_cache.PACKAGED_TEMPLATES
    out.write_text(json.dumps(compiled(), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(base.MAKERS)} templates")


if __name__ == "__main__":
    main()
