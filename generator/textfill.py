"""Fill `{{ slot }}` placeholders in spec text, in the sandbox (generator/sandbox.py): a missing slot is a problem."""

from __future__ import annotations

import jinja2

from .errors import Problem
from .model import Loc
from .sandbox import check_text, render_text


def fill(text: str | None, context: dict, loc: Loc | None, problems: list[Problem], what: str) -> str:
    """The text with slots filled; problems (unknown slot, refused construct, bad syntax) are appended, never raised.

    The template is checked before it runs: a text that reaches for anything undocumented is never evaluated.
    """
    if not text:
        return text or ""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    refusals = check_text(text, context)
    if refusals:
        problems.extend(Problem(loc, f"{what}中：{reason}") for reason in refusals)
        return text
    try:
        return render_text(text, context)
    except jinja2.UndefinedError as e:
        problems.append(Problem(loc, f"{what}中的填空没有取值：{_undefined(str(e.message or e))}"))
    except jinja2.TemplateError as e:
        problems.append(Problem(loc, f"{what}中的填空无法填写：{e.message or e}"))
    except (TypeError, ValueError, ArithmeticError, OverflowError) as e:
        problems.append(Problem(loc, f"{what}中的填空调用有误：{_plain(e)}"))
    return text


def _undefined(message: str) -> str:
    import re

    attr = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return f"「{attr.group(1)}」" if attr else "（某个名字）"


def _plain(error: Exception) -> str:
    """A Python error of a slot call in Chinese words (the argument that was wrong, not Python's English)."""
    if isinstance(error, TypeError):
        return "参数不对（fig(项目, 口径, unit=单位, part=分项)；count(项目, unit=单位)）"
    return "数值无效"
