"""The 科目 code lists of a budget (支出功能分类, 部门支出经济分类) read from generator/data/budget_codes.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import Loc
from .reader import Obj, Reader
from .yamlsrc import YMap, load_yaml

CODES_FILE = Path(__file__).resolve().parent / "data" / "budget_codes.yaml"
FUNCTION_CODE = re.compile(r"\d{3}(\d{2}(\d{2})?)?")
ECONOMIC_CODE = re.compile(r"\d{3}(\d{2})?")
NUMERALS = "一二三四五六七八九十"


@dataclass
class Codes:
    """Code → name for both classifications, the 31 fixed 类 rows and which 经济分类 类 are 人员经费."""

    function: dict[str, str]
    economic: dict[str, str]
    categories: list[tuple[str | None, str]]  # (类 code or None, printed name without its number)
    personnel: set[str]
    three_public_links: dict[str, str] = field(default_factory=dict)

    def function_name(self, code: str) -> str | None:
        """The name of a 功能分类 code, or None when the list lacks it."""
        return self.function.get(code)

    def economic_name(self, code: str) -> str | None:
        """The name of an 经济分类 code, or None when the list lacks it."""
        return self.economic.get(code)


def function_parents(code: str) -> list[str]:
    """2101101 → [210, 21011]: the 类 and 款 above a 项 (or the 类 above a 款)."""
    return [code[:n] for n in (3, 5) if n < len(code)]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 24 → 二十四, 31 → 三十一 (the numbering of the 31 fixed rows)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else NUMERALS[tens - 1] + "十"
    return head + (NUMERALS[ones - 1] if ones else "")


def load_codes(rd: Reader, extra: Obj | None = None) -> Codes | None:
    """The project's code list, with a spec's own `codes:` (function / economic names) on top."""
    data, problems = load_yaml(CODES_FILE)
    rd.problems.extend(problems)
    top = rd.obj(data, Loc(str(CODES_FILE), 1, 1, ""), ["function", "economic", "categories", "personnel",
                                                        "three_public_links"], "科目代码表")
    if top is None:
        return None
    codes = Codes(_names(rd, top, "function", FUNCTION_CODE), _names(rd, top, "economic", ECONOMIC_CODE), [],
                  set(top.texts("personnel")), {k: v for k, (v, _) in top.text_map("three_public_links").items()})
    for item, loc in top.items("categories"):
        if isinstance(item, YMap):
            sub = rd.obj(item, loc, ["name"], "固定类款")
            codes.categories.append((None, sub.text("name", required=True) or "" if sub else ""))
        elif str(item) in codes.function:
            codes.categories.append((str(item), codes.function[str(item)]))
        else:
            rd.error(loc, f"收支总表的固定类「{item}」不在功能分类科目中")
    if extra is not None:
        codes.function.update(_names(rd, extra, "function", FUNCTION_CODE))
        codes.economic.update(_names(rd, extra, "economic", ECONOMIC_CODE))
    return codes


def _names(rd: Reader, top: Obj, key: str, pattern: re.Pattern) -> dict[str, str]:
    """A code → name mapping; codes must be quoted digit strings of a valid length."""
    out = {}
    for code, (name, loc) in top.text_map(key).items():
        if not pattern.fullmatch(code):
            rd.error(loc, f"科目编码「{code}」格式不对（功能分类 3/5/7 位、经济分类 3/5 位数字，须加引号）")
        elif not name:
            rd.error(loc, f"科目编码「{code}」缺少名称")
        else:
            out[code] = name
    return out
