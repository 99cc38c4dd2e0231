"""``goalpath schema``: JSON Schemas of the goal, path and page front-matter, for editors.

Generated from the pydantic models ``goalpath check`` validates with
(``model/schema.py``), so editor and build agree on every field, type, range and enum;
descriptions are the models' field docstrings. What pydantic cannot see is added here:
an ``id`` is optional (the file name), a leading indicator or an action may be written
as a plain string, a goal gives ``kpi`` or ``kpis``, ids are slugs. Rules that need the
data or other files (an unknown metric, a path id) stay with ``goalpath check``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("goal", "path", "page")
SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _model(kind: str) -> Any:
    from ..model.schema import GoalMeta, PageMeta, PathMeta

    return {"goal": GoalMeta, "path": PathMeta, "page": PageMeta}[kind]


def _slug_ids(schema: dict[str, Any]) -> None:
    """Every ``id`` property (goal, path, page, cohort, activity) is a slug."""
    for node in [schema, *schema.get("$defs", {}).values()]:
        ident = node.get("properties", {}).get("id")
        if isinstance(ident, dict) and ident.get("type") == "string":
            ident["pattern"] = SLUG_PATTERN


def _text_or(schema: dict[str, Any], prop: str, field: str) -> None:
    """``prop`` items may be a plain string, read as ``{field: string}``."""
    items = schema["properties"][prop]["items"]
    schema["properties"][prop]["items"] = {
        "anyOf": [{"type": "string", "minLength": 1, "description": f"the {field}"}, items]
    }


def _plain_descriptions(node: Any) -> None:
    """Docstrings mark code ``so``; an editor's hover shows Markdown, which marks it `so`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = value.replace("``", "`")
            else:
                _plain_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            _plain_descriptions(value)


def attribute_docs() -> dict[str, dict[str, str]]:
    """Model name → field → its docstring (the string under the field in
    ``model/schema.py``), as pydantic's ``use_attribute_docstrings`` would read them."""
    import ast
    import inspect

    from ..model import schema as models

    docs: dict[str, dict[str, str]] = {}
    for node in ast.parse(inspect.getsource(models)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields = docs.setdefault(node.name, {})
        for here, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(here, ast.AnnAssign)
                and isinstance(here.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                fields[here.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _describe(schema: dict[str, Any], model_name: str, docs: dict[str, dict[str, str]]) -> None:
    nodes = [(model_name, schema), *schema.get("$defs", {}).items()]
    for name, node in nodes:
        own = dict(docs.get(name, {}))
        for base in _model_bases(name):  # a key result has its KPI's fields
            own = {**docs.get(base, {}), **own}
        for field, prop in node.get("properties", {}).items():
            if field in own and isinstance(prop, dict):
                prop.setdefault("description", own[field])


def _model_bases(name: str) -> list[str]:
    from ..model import schema as models

    cls = getattr(models, name, None)
    return [b.__name__ for b in getattr(cls, "__mro__", ())[1:]]


def front_matter_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ``kind`` file's front-matter."""
    model = _model(kind)
    schema = copy.deepcopy(model.model_json_schema())
    _describe(schema, model.__name__, attribute_docs())
    schema["required"] = [r for r in schema.get("required", []) if r != "id"]
    _slug_ids(schema)
    if kind == "goal":
        kpi = schema["properties"]["kpi"]
        kpi.pop("default", None)
        schema["oneOf"] = [
            {"required": ["kpi"], "not": {"required": ["kpis"]}},
            {
                "required": ["kpis"],
                "not": {"required": ["kpi"]},
                "properties": {"kpis": {"minItems": 1}},
            },
        ]
        _text_or(schema, "leading_indicators", "metric")
        _text_or(schema, "actions", "title")
    title = {"goal": "goal plan", "path": "learning path", "page": "page"}[kind]
    _plain_descriptions(schema)
    return {
        "$schema": DRAFT,
        **schema,
        "title": f"goalpath {title} front-matter",
        "description": f"The YAML front-matter of a {title} file (content/{kind}s/*.md); "
        "written by `goalpath schema` from the models `goalpath check` validates with.",
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write ``goal``, ``path`` and ``page`` ``.schema.json`` into ``folder`` (each file
    whole or not at all); returns the files."""
    from ..build.output import write_atomic

    written = []
    for kind in KINDS:
        target = folder / f"{kind}.schema.json"
        text = json.dumps(front_matter_schema(kind), indent=2, ensure_ascii=False) + "\n"
        write_atomic(target, text.encode("utf-8"))
        written.append(target)
    return written
