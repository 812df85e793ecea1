"""Print the corpus totals at the end of a session (cases, tracebacks, wrong exits, missing locations,
partial outputs): #8 wants all but the first at 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.harness import TOTALS


def pytest_terminal_summary(terminalreporter):
    """One line of totals after the run."""
    if TOTALS["cases"]:
        terminalreporter.write_sep("=", "bad-input corpus")
        terminalreporter.write_line("，".join(f"{k}: {v}" for k, v in TOTALS.items()))


@pytest.fixture(scope="session", autouse=True)
def warm_generator():
    """Import and compile once (templates, Jinja), so that the per-case time limit measures the case."""
    from generator.pipeline import render_spec

    render_spec(Path(__file__).resolve().parents[1] / "data" / "mini.yaml")
