"""Fill `{{ slot }}` placeholders in spec text with Jinja (StrictUndefined): a missing slot is a problem."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2

from .errors import Problem
from .model import Loc

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


@lru_cache(maxsize=4096)
def _compile(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def _undefined(message: str, context: dict) -> str:
    """A Chinese explanation of a Jinja UndefinedError, listing what is available."""
    attr = re.search(r"has no attribute '([^']+)'", message)
    if attr:
        keys = {k: v for k, v in context.items() if isinstance(v, dict)}
        owner = next((k for k, v in keys.items() if attr.group(1) not in v and v), None)
        listing = "；".join(f"{k}：{'、'.join(map(str, v)) or '无'}" for k, v in keys.items())
        hint = f"（{owner} 下没有「{attr.group(1)}」；可用的引用名 —— {listing}）" if owner else ""
        return f"填空「{attr.group(1)}」没有取值{hint}"
    name = re.search(r"'([^']+)' is undefined", message)
    available = "、".join(sorted(k for k in context if not k.startswith("_")))
    return f"填空 {{{{ {name.group(1) if name else message} }}}} 没有取值（可用：{available}）"


def fill(text: str | None, context: dict, loc: Loc | None, problems: list[Problem], what: str) -> str:
    """The text with slots filled; problems (unknown slot, bad syntax) are appended, never raised."""
    if not text:
        return text or ""
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return _compile(text).render(context)
    except jinja2.UndefinedError as e:
        problems.append(Problem(loc, f"{what}中的{_undefined(str(e.message or e), context)}"))
    except jinja2.TemplateError as e:
        problems.append(Problem(loc, f"{what}中的填空写法有误：{e}"))
    except (TypeError, ValueError) as e:
        problems.append(Problem(loc, f"{what}中的填空调用有误：{e}"))
    return text
