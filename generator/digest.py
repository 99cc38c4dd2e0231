"""One hash rule: the content digest of computed values (dataclasses, pandas objects,
dicts, dates …), equal content giving an equal digest.

A value it cannot hash stably raises :class:`Unstable`; callers then treat the piece as
changed (safe, only slower). Used by the memo kept between builds (``build/memo.py``) and
by the pages that key their own caches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import secrets
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

_MAX_DEPTH = 64


class Unstable(TypeError):
    """A value whose content cannot be hashed reliably (an object without a known shape)."""


def digest(value: Any) -> str:
    """A sha256 of ``value``'s content; equal content gives an equal digest.

    Raises :class:`Unstable` for values it does not know how to read (functions,
    arbitrary objects): their ``repr`` may hide content or contain a memory address.
    """
    h = hashlib.sha256()
    _feed(h, value, 0)
    return h.hexdigest()


def digest_or_random(value: Any) -> str:
    """:func:`digest`, or a fresh random token when the value is :class:`Unstable`."""
    try:
        return digest(value)
    except Unstable:
        return "unstable:" + secrets.token_hex(16)


def _tag(h: Any, name: str) -> None:
    h.update(name.encode())
    h.update(b"\x00")


def _feed(h: Any, v: Any, depth: int) -> None:  # noqa: C901 - one branch per kind of value
    if depth > _MAX_DEPTH:
        raise Unstable("value nested too deeply (a cycle?)")
    if v is None or isinstance(v, bool | int | float | str | complex):
        _tag(h, f"{type(v).__name__}:{v!r}")
        return
    if isinstance(v, bytes | bytearray):
        _tag(h, f"bytes:{len(v)}")
        h.update(v)
        return
    if isinstance(v, dt.date | dt.time | dt.timedelta):  # datetime and pd.Timestamp too
        _tag(h, f"{type(v).__name__}:{v.isoformat() if hasattr(v, 'isoformat') else v!r}")
        return
    if isinstance(v, enum.Enum):
        _tag(h, f"enum:{type(v).__qualname__}.{v.name}")
        _feed(h, v.value, depth + 1)
        return
    if isinstance(v, PurePath):
        _tag(h, f"path:{v.as_posix()}")
        return
    if isinstance(v, Mapping):
        items = sorted(((digest(k), k, val) for k, val in v.items()), key=lambda t: t[0])
        _tag(h, f"map:{len(items)}")
        for kd, _, val in items:
            _tag(h, kd)
            _feed(h, val, depth + 1)
        return
    if isinstance(v, list | tuple):
        _tag(h, f"seq:{len(v)}")
        for item in v:
            _feed(h, item, depth + 1)
        return
    if isinstance(v, set | frozenset):
        _tag(h, f"set:{len(v)}")
        for d in sorted(digest(item) for item in v):
            _tag(h, d)
        return
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        _tag(h, f"dc:{type(v).__module__}.{type(v).__qualname__}")
        for f in dataclasses.fields(v):
            _tag(h, f.name)
            _feed(h, getattr(v, f.name), depth + 1)
        return
    model_dump = getattr(v, "model_dump", None)
    if callable(model_dump) and hasattr(type(v), "model_fields"):  # pydantic
        _tag(h, f"model:{type(v).__module__}.{type(v).__qualname__}")
        _feed(h, model_dump(), depth + 1)
        return
    module = type(v).__module__.split(".")[0]
    if module == "numpy":
        _feed_numpy(h, v)
        return
    if module == "pandas":
        _feed_pandas(h, v, depth)
        return
    raise Unstable(f"cannot hash a {type(v).__qualname__} by content")


def _feed_numpy(h: Any, v: Any) -> None:
    import numpy as np

    if isinstance(v, np.generic):
        _tag(h, f"np:{v.dtype}:{v.item()!r}")
        return
    if isinstance(v, np.ndarray):
        if v.dtype == object:
            _tag(h, f"ndarray-object:{v.shape}")
            for item in v.ravel().tolist():
                _feed(h, item, 1)
            return
        _tag(h, f"ndarray:{v.dtype}:{v.shape}")
        h.update(np.ascontiguousarray(v).tobytes())
        return
    raise Unstable(f"cannot hash a {type(v).__qualname__} by content")


def _feed_pandas(h: Any, v: Any, depth: int) -> None:
    import pandas as pd

    if isinstance(v, pd.Series | pd.DataFrame | pd.Index):
        _tag(h, f"pd:{type(v).__name__}:{v.shape}")
        if isinstance(v, pd.DataFrame):
            _feed(h, [str(c) for c in v.columns], depth + 1)
            _feed(h, [str(t) for t in v.dtypes], depth + 1)
        elif isinstance(v, pd.Series):
            _feed(h, [str(v.name), str(v.dtype)], depth + 1)
        else:
            _feed(h, str(v.dtype), depth + 1)
        hashed = pd.util.hash_pandas_object(v, index=not isinstance(v, pd.Index))
        h.update(hashed.to_numpy().tobytes())
        return
    if v is pd.NaT:
        _tag(h, "NaT")
        return
    if isinstance(v, pd.Period | pd.Interval):
        _tag(h, f"pd:{type(v).__name__}:{v!s}")
        return
    raise Unstable(f"cannot hash a {type(v).__qualname__} by content")
