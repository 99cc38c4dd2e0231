"""goalpath: static-site reports that show whether training moves business goals.

The public API, one name per stage (load → validate → analyse → chart → render →
write), imported lazily: ``import generator`` stays cheap, so ``goalpath --help`` and
``goalpath check`` do not pay for pandas, Altair or SciPy until a stage needs them.

    >>> from generator import SiteBuilder
    >>> SiteBuilder(site_root).build().ok
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "BuildResult": "generator.build.builder",
    "ChartSpec": "generator.charts.base",
    "Dataset": "generator.data.dataset",
    "GoalpathError": "generator.errors",
    "Problem": "generator.errors",
    "Problems": "generator.errors",
    "Site": "generator.model.site",
    "SiteAnalysis": "generator.analysis.site",
    "SiteBuilder": "generator.build.builder",
    "SiteCharts": "generator.charts.catalogue",
    "SiteConfig": "generator.load.config",
    "analyse_site": "generator.analysis.site",
    "build_charts": "generator.charts.catalogue",
    "check_site": "generator.build.inputs",
    "load_config": "generator.load.config",
    "load_dataset": "generator.data.dataset",
    "load_inputs": "generator.build.inputs",
    "validate_site": "generator.model.validate",
}

__all__ = [
    "BuildResult",
    "ChartSpec",
    "Dataset",
    "GoalpathError",
    "Problem",
    "Problems",
    "Site",
    "SiteAnalysis",
    "SiteBuilder",
    "SiteCharts",
    "SiteConfig",
    "__version__",
    "analyse_site",
    "build_charts",
    "check_site",
    "load_config",
    "load_dataset",
    "load_inputs",
    "validate_site",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from .analysis.site import SiteAnalysis, analyse_site
    from .build.builder import BuildResult, SiteBuilder
    from .build.inputs import check_site, load_inputs
    from .charts.base import ChartSpec
    from .charts.catalogue import SiteCharts, build_charts
    from .data.dataset import Dataset, load_dataset
    from .errors import GoalpathError, Problem, Problems
    from .load.config import SiteConfig, load_config
    from .model.site import Site
    from .model.validate import validate_site
