"""The project's exceptions and the Problem record that validation collects."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Loc


class GeneratorError(Exception):
    """Base class: every error the CLI and the web catch and show to a person."""


class SpecError(GeneratorError):
    """Raised when a spec (or a file it references) has errors; carries all problems at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


class RenderError(GeneratorError):
    """Raised when a template or a document cannot be rendered from a valid spec."""


class OutputError(GeneratorError):
    """Raised when the output cannot be written (no permission, disk full, a file in the way); names the path."""


class PdfError(GeneratorError):
    """Raised when PDF conversion through LibreOffice is unavailable or fails."""


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or the validator, in Chinese, pointing at the user's file."""

    loc: Loc | None
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = str(self.loc) if self.loc else "（无位置）"
        tag = "错误" if self.severity == "error" else "警告"
        return f"{where}: {tag}：{self.message}"


def format_problems(problems: list[Problem]) -> str:
    """All problems, errors first, one per line."""
    ordered = sorted(problems, key=lambda p: (p.severity != "error",))
    return "\n".join(str(p) for p in ordered)
