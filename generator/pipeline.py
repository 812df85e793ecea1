"""The one pipeline: load → validate → derive → render → write. The CLI and the web both call it.

What each step does depends on the spec's document kind (generator/kinds.py): a notice batch, a
standalone target-table book, … The callers never need to know which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, SpecError
from .kinds import Kind, load_document
from .reader import SKIPPED


@dataclass
class Report:
    """The outcome of checking one spec."""

    spec: Path
    problems: list[Problem] = field(default_factory=list)
    derived: Any = None  # the kind's derived views (derive.Derived for a batch)
    kind: Kind | None = None
    kind_written: bool = False  # False: no `kind:` in the spec, the default (batch) was assumed

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

    @property
    def kind_line(self) -> str:
        """Which kind the spec was checked as: 按"资金下达通知批次"类文件检查（kind: batch）."""
        if self.kind is None:
            return "未能确定文件类型"
        how = f"kind: {self.kind.name}" if self.kind_written else f"未写 kind，默认为 {self.kind.name}"
        return f"按“{self.kind.label}”类文件检查（{how}）"


def check_spec(path: Path, text: str | None = None) -> Report:
    """Load, derive and validate one spec (or `text` standing at `path`); never raises for bad input."""
    kind, written, model, problems = load_document(path, text)
    report = Report(path, list(problems), kind=kind, kind_written=written)
    if kind is None or model is None:
        return report
    if report.errors:
        if not any(SKIPPED in p.message for p in report.errors):  # a misspelt section: its figures would all be 0
            report.problems.extend(_best_effort_checks(kind, model))
        return _deduplicated(report)
    derived, fill_problems = kind.derive(model)
    report.problems.extend(fill_problems)
    report.problems.extend(kind.validate(derived))
    report.derived = derived
    return _deduplicated(report)


def _best_effort_checks(kind: Kind, model) -> list[Problem]:
    """Arithmetic and cross-table checks on a model that already has structural errors.

    So that one run lists everything it can. The model may be incomplete here, so a failure
    of these checks is ignored: the structural errors already explain it.
    """
    try:
        derived, problems = kind.derive(model)
        return problems + kind.validate(derived)
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
    report = check_spec(path, text)
    if not report.ok or report.kind is None:
        return report, {}
    return report, report.kind.render(report.derived)


def require_ok(report: Report) -> Any:
    """The derived views of a clean report, or SpecError with every problem."""
    if not report.ok or report.derived is None:
        raise SpecError(report.problems)
    return report.derived
