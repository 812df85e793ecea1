"""The one pipeline: load → validate → derive → render → write. The CLI and the web both call it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .derive import Derived, derive_batch
from .errors import Problem, SpecError
from .spec import load_batch
from .validate import validate


@dataclass
class Report:
    """The outcome of checking one spec."""

    spec: Path
    problems: list[Problem] = field(default_factory=list)
    derived: Derived | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop a build."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth a look that do not stop a build."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the spec has no errors."""
        return not self.errors


def check_spec(path: Path, text: str | None = None) -> Report:
    """Load, derive and validate one spec (or `text` standing at `path`); never raises for bad input."""
    batch, problems = load_batch(path, text)
    report = Report(path, list(problems))
    if batch is None:
        return report
    if report.errors:
        report.problems.extend(_best_effort_checks(batch))
        return _deduplicated(report)
    derived, fill_problems = derive_batch(batch)
    report.problems.extend(fill_problems)
    report.problems.extend(validate(derived))
    report.derived = derived
    return _deduplicated(report)


def _best_effort_checks(batch) -> list[Problem]:
    """Arithmetic and cross-table checks on a batch that already has structural errors.

    So that one run lists everything it can. The model may be incomplete here, so a failure
    of these checks is ignored: the structural errors already explain it.
    """
    try:
        derived, problems = derive_batch(batch)
        return problems + validate(derived)
    except Exception:  # noqa: BLE001 - partial model; the structural errors are reported
        return []


def _deduplicated(report: Report) -> Report:
    """One line per distinct problem (a template used by many tables reports its typo once)."""
    seen, unique = set(), []
    for problem in report.problems:
        key = (str(problem.loc), problem.message, problem.severity)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    report.problems = unique
    return report


def render_spec(path: Path, text: str | None = None) -> tuple[Report, dict[str, bytes]]:
    """Check a spec and, if it has no errors, render its document set in memory."""
    from .render import render_batch

    report = check_spec(path, text)
    if not report.ok:
        return report, {}
    return report, render_batch(report.derived)


def require_ok(report: Report) -> Derived:
    """The derived batch of a clean report, or SpecError with every problem."""
    if not report.ok or report.derived is None:
        raise SpecError(report.problems)
    return report.derived
