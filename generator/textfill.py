"""Fill `{{ slot }}` placeholders in spec text with Jinja (StrictUndefined): a missing slot is a problem."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from .errors import Problem
from .model import Loc

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


@lru_cache(maxsize=4096)
def _compile(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def fill(text: str | None, context: dict, loc: Loc | None, problems: list[Problem], what: str) -> str:
    """The text with slots filled; problems (unknown slot, bad syntax) are appended, never raised."""
    if not text:
        return text or ""
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return _compile(text).render(context)
    except jinja2.UndefinedError as e:
        name = str(e.message or e).replace("is undefined", "").strip().strip("'")
        available = "、".join(sorted(k for k in context if not k.startswith("_")))
        problems.append(Problem(loc, f"{what}中的填空 {{{{ {name} }}}} 没有取值（可用：{available}）"))
    except jinja2.TemplateError as e:
        problems.append(Problem(loc, f"{what}中的填空写法有误：{e}"))
    return text
