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
    if batch is None or report.errors:
        return report
    derived, fill_problems = derive_batch(batch)
    report.problems.extend(fill_problems)
    report.problems.extend(validate(derived))
    report.derived = derived
    return report


def render_spec(path: Path, text: str | None = None) -> tuple[Report, dict[str, bytes]]:
    """Check a spec and, if it has no errors, render its document set in memory."""
    from .render import render_batch

    report = check_spec(path, text)
    if not report.ok:
        return report, {}
    return report, render_batch(report.derived)


def build_spec(path: Path, out_root: Path) -> tuple[Report, Path | None]:
    """Check, render and atomically write one batch's folder under out_root."""
    from .writer import batch_folder_name, write_batch

    report, files = render_spec(path)
    if not report.ok:
        return report, None
    target = out_root / batch_folder_name(path)
    write_batch(files, target, spec_path=path)
    return report, target


def require_ok(report: Report) -> Derived:
    """The derived batch of a clean report, or SpecError with every problem."""
    if not report.ok or report.derived is None:
        raise SpecError(report.problems)
    return report.derived
