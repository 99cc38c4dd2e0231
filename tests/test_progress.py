"""The build progress bar: on a terminal for builds that take a while; never with --quiet,
in CI or when stderr is not a terminal."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import cli


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def build(monkeypatch: pytest.MonkeyPatch, root: Path, stream: io.StringIO, *flags: str) -> str:
    monkeypatch.setattr("sys.stderr", stream)
    code = cli.main(["build", "--site", str(root), *flags])
    assert code == 0, stream.getvalue()
    return stream.getvalue()


@pytest.fixture
def immediate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show the bar from the first step (the example builds are fast) and not in CI mode."""
    monkeypatch.setattr(cli._ProgressBar, "DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)


@pytest.mark.usefixtures("immediate")
def test_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch, make_site: Callable[..., Path]) -> None:
    out = build(monkeypatch, make_site(), Terminal())
    assert "\rAnalysing [" in out
    pages = int(re.search(r"\((\d+) pages\)", out).group(1))  # from "built N files (M pages)"
    done = f"{pages}/{pages}"
    assert f"\rRendering [##############################] {done}" in out
    cleared = out.rindex("\r")  # the bar is blanked out before anything else is printed
    assert out[out.rindex(done) + len(done) : cleared].strip() == ""
    rest = out[cleared + 1 :]
    assert "[" not in rest and "built " in rest


@pytest.mark.usefixtures("immediate")
@pytest.mark.parametrize(
    ("stream", "flags", "ci"),
    [
        (Terminal(), ("--quiet",), False),
        (Terminal(), ("-q",), False),
        (io.StringIO(), (), False),  # a pipe or a log file
        (Terminal(), (), True),  # CI=true
    ],
)
def test_no_bar(
    monkeypatch: pytest.MonkeyPatch,
    make_site: Callable[..., Path],
    stream: io.StringIO,
    flags: tuple[str, ...],
    ci: bool,
) -> None:
    if ci:
        monkeypatch.setenv("CI", "true")
    out = build(monkeypatch, make_site(), stream, *flags)
    assert "[" not in out.replace("[site]", "")
    assert "\r" not in out
    if flags:
        assert "built " not in out  # quiet: problems only


def test_bar_waits_for_a_slow_build_and_throttles() -> None:
    clock, stream = Clock(), Terminal()
    bar = cli._ProgressBar(stream, True, clock=clock)
    bar("Analysing", 1, 100)
    clock.now += 0.2
    bar("Analysing", 2, 100)
    assert stream.getvalue() == ""  # a fast build never shows a bar
    clock.now += 0.4
    bar("Analysing", 3, 100)
    assert stream.getvalue() == "\rAnalysing [..............................] 3/100"
    clock.now += 0.01
    bar("Analysing", 4, 100)  # within 0.1 s: not redrawn
    assert stream.getvalue().count("\r") == 1
    bar("Analysing", 100, 100)  # the last step always is
    assert stream.getvalue().endswith("] 100/100")
    bar.close()
    width = len("Analysing [" + "#" * 30 + "] 100/100")
    assert stream.getvalue().endswith("] 100/100\r" + " " * width + "\r")
    bar("Rendering", 1, 5)  # a new build starts the delay again
    assert stream.getvalue().count("Rendering") == 0


def test_disabled_bar_writes_nothing() -> None:
    stream = Terminal()
    bar = cli._ProgressBar(stream, False, clock=Clock())
    bar("Rendering", 5, 5)
    bar.close()
    assert stream.getvalue() == ""
