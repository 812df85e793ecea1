"""Typed reading of YAML mappings with problems collected, never raised one by one."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from .errors import Problem
from .model import Loc
from .yamlsrc import YList, YMap, YNum

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MISSING = object()
# Said of a misspelt top-level key whose intended key is absent: what depends on that section is not checked
# (one typo, one error). pipeline.check_spec skips the arithmetic on a batch whose problems say it.
SKIPPED = "（因此没有读到这一部分，依赖它的检查已略过）"
MAX_TEXT = 10_000  # characters of any one text (a long body paragraph is about 1,000)


class Reader:
    """Collects problems while a spec is turned into the model."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, loc: Loc | None, message: str) -> None:
        """Record an error."""
        self.problems.append(Problem(loc, message, "error"))

    def warn(self, loc: Loc | None, message: str) -> None:
        """Record a warning."""
        self.problems.append(Problem(loc, message, "warning"))

    def obj(self, data, loc: Loc, allowed, what: str) -> Obj | None:
        """Open a mapping; unknown keys become errors with a "did you mean" hint."""
        if not isinstance(data, YMap):
            self.error(loc, f"{what}应为键值映射（mapping），实际是{describe(data)}")
            return None
        return Obj(self, data, loc, allowed)

    def items(self, data, loc: Loc, what: str) -> list[tuple[object, Loc]]:
        """The items of a YAML list with their locations."""
        if data is None:
            return []
        if not isinstance(data, YList):
            self.error(loc, f"{what}应为列表，实际是{describe(data)}")
            return []
        return [(item, Loc(f, ln, col, f"{loc.path}[{i}]")) for i, (item, (f, ln, col)) in enumerate(zip(data, data.item_pos, strict=True))]


def describe(value) -> str:
    """A Chinese word for a YAML value's type, for messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, YNum):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字「{value[:20]}」"
    if isinstance(value, YList):
        return "列表"
    if isinstance(value, YMap):
        return "键值映射"
    return type(value).__name__


class Obj:
    """One YAML mapping being read into the model."""

    def __init__(self, rd: Reader, data: YMap, loc: Loc, allowed) -> None:
        self.rd, self.data, self.base = rd, data, loc
        allowed = list(allowed)
        self.misspelled: dict[str, str] = {}  # an absent allowed key → the unknown key that probably meant it
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                tip = f"，您是不是想写「{hint[0]}」？" if hint else f"。可用的键：{'、'.join(allowed)}"
                if hint and hint[0] not in data:
                    self.misspelled[hint[0]] = str(key)
                    tip += SKIPPED if not loc.path else ""  # a whole top-level section is missing
                rd.error(self.key_loc(key), f"未知的键「{key}」{tip}")

    def has(self, key: str) -> bool:
        """Whether the key is present."""
        return key in self.data

    def raw(self, key: str, default=None):
        """The value as parsed, or default."""
        return self.data.get(key, default)

    def sub(self, key: str) -> str:
        return f"{self.base.path}.{key}" if self.base.path else key

    def loc(self, key: str | None = None) -> Loc:
        """Where the value of key stands (or the mapping itself)."""
        if key is not None and key in self.data.val_pos:
            f, ln, col = self.data.val_pos[key]
            return Loc(f, ln, col, self.sub(key))
        f, ln, col = self.data.pos
        return Loc(f, ln, col, self.sub(key) if key else self.base.path)

    def key_loc(self, key: str) -> Loc:
        f, ln, col = self.data.key_pos.get(key, self.data.pos)
        return Loc(f, ln, col, self.sub(key))

    def _get(self, key, required):
        if key not in self.data or self.data[key] is None:
            if required and key not in self.misspelled:  # a misspelt key is reported once, as unknown
                self.rd.error(self.loc(), f"缺少必填项「{key}」")
            return _MISSING
        return self.data[key]

    def text(self, key: str, required: bool = False, default: str | None = None, limit: int = MAX_TEXT) -> str | None:
        """A text value; numbers are accepted as their source text. Longer than `limit`: an error, cut."""
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, (YMap, YList)) or isinstance(value, bool):
            self.rd.error(self.loc(key), f"「{key}」应为文字，实际是{describe(value)}")
            return default
        return self.check_text(str(value), self.loc(key), limit)

    def check_text(self, value: str, loc: Loc, limit: int = MAX_TEXT) -> str:
        """Reject control characters that Word and Excel cannot hold, and texts longer than `limit`."""
        if _CONTROL.search(value):
            self.rd.error(loc, "文字中含有不可见的控制字符（如从别处粘贴带入），请删除")
            value = _CONTROL.sub("", value)
        if len(value) > limit:
            self.rd.error(loc, f"文字过长（{len(value)} 字，此处最多 {limit} 字）")
            value = value[:limit]
        return value

    def integer(self, key: str, required: bool = False, default: int | None = None) -> int | None:
        """A whole number."""
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, YNum) and re.fullmatch(r"[+-]?\d{1,9}", value):
            return int(value)
        if isinstance(value, YNum) and re.fullmatch(r"[+-]?\d+", value):
            self.rd.error(self.loc(key), f"「{key}」数值过大（{value[:20]}）")
            return default
        self.rd.error(self.loc(key), f"「{key}」应为整数，实际是{describe(value)}")
        return default

    def width(self, key: str) -> float | None:
        """A column width in characters: a positive number up to MAX_WIDTH (None when absent or wrong)."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        return check_width(self.rd, value, self.loc(key), key)

    def decimal(self, key: str, required: bool = False) -> Decimal | None:
        """A money amount, read exactly from its source text."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        return to_decimal(self.rd, value, self.loc(key), key)

    def boolean(self, key: str, default: bool = False) -> bool:
        """true / false."""
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if isinstance(value, bool):
            return value
        self.rd.error(self.loc(key), f"「{key}」应为 true 或 false，实际是{describe(value)}")
        return default

    def choice(self, key: str, options, default: str | None = None, required: bool = False) -> str | None:
        """A text value from a fixed set."""
        value = self.text(key, required, None)
        if value is None:
            return default
        if value not in options:
            hint = difflib.get_close_matches(value, list(options), n=1, cutoff=0.5)
            tip = f"，您是不是想写「{hint[0]}」？" if hint else ""
            self.rd.error(self.loc(key), f"「{key}」的值「{value}」无效，可选：{'、'.join(options)}{tip}")
            return default
        return value

    def date(self, key: str, required: bool = False) -> str | None:
        """A date written 2023-06-29, printed 2023年6月29日 (GB/T 9704: no zero padding)."""
        import datetime

        value = self.raw(key)
        if value is None:
            if required and key not in self.misspelled:
                self.rd.error(self.loc(), f"缺少必填项「{key}」（日期，如 2023-06-29）")
            return None
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            self.rd.error(self.loc(key), f"「{key}」应为日期，写作 2023-06-29，实际是「{value}」")
            return None
        return f"{day.year}年{day.month}月{day.day}日"

    def texts(self, key: str) -> list[str]:
        """A list of texts (a single text is taken as a one-item list)."""
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if isinstance(value, str):
            return [self.check_text(str(value), self.loc(key))]
        out = []
        for item, loc in self.rd.items(value, self.loc(key), f"「{key}」"):
            if isinstance(item, (YMap, YList)) or item is None:
                self.rd.error(loc, f"「{key}」的每一项应为文字，实际是{describe(item)}")
            else:
                out.append(self.check_text(str(item), loc))
        return out

    def items(self, key: str) -> list[tuple[object, Loc]]:
        """The items of a list value with their locations."""
        return self.rd.items(self.data.get(key), self.loc(key), f"「{key}」")

    def mapping(self, key: str, allowed, what: str) -> Obj | None:
        """A nested mapping, or None when absent."""
        if key not in self.data or self.data[key] is None:
            return None
        return self.rd.obj(self.data[key], self.loc(key), allowed, what)

    def text_map(self, key: str) -> dict[str, tuple[str, Loc]]:
        """A mapping of free keys to texts (slots, fields, labels)."""
        value = self._get(key, False)
        if value is _MISSING:
            return {}
        if not isinstance(value, YMap):
            self.rd.error(self.loc(key), f"「{key}」应为键值映射，实际是{describe(value)}")
            return {}
        sub = Obj(self.rd, value, self.loc(key), list(value))
        return {str(k): (sub.text(k) or "", sub.loc(k)) for k in value}


_AMOUNT = re.compile(r"[+-]?\d{1,15}(\.\d{1,6})?")
MAX_AMOUNT_DECIMALS = 6  # places an amount may be written with (tables print at most 4)


MAX_WIDTH = 200  # characters: a landscape A4 table is about 60 wide


def check_width(rd: Reader, value, loc: Loc, key: str) -> float | None:
    """A positive width written as a plain number, or None with an error."""
    if isinstance(value, YNum) and re.fullmatch(r"\d{1,4}(\.\d{1,3})?", value) and 0 < float(value) <= MAX_WIDTH:
        return float(value)
    rd.error(loc, f"「{key}」应为正数（列宽，单位为字符，如 8；最大 {MAX_WIDTH}），实际是{describe(value)}")
    return None


def to_decimal(rd: Reader, value, loc: Loc, key: str) -> Decimal | None:
    """Exact decimal from a YAML number written plainly (448, -52.5); anything else is one error saying why."""
    text = str(value).strip() if isinstance(value, str) else ""
    if isinstance(value, YNum) and _AMOUNT.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # the pattern admits only plain decimals; kept for safety
            pass
    rd.error(loc, f"「{key}」应为数字（金额，如 448 或 -52.5），{_not_amount(value, text)}")
    return None


def _not_amount(value, text: str) -> str:
    """Why a value is not an amount, in words a clerk can act on."""
    lowered = text.lower().lstrip("+-")
    if lowered in (".nan", "nan", ".inf", "inf", "infinity", ".infinity"):
        return f"「{text}」不是有效的金额"
    if re.fullmatch(r"[+-]?[\d.]+e[+-]?\d+", lowered):
        return f"不能用科学计数法（{text}），请写出完整的数"
    if re.fullmatch(r"[+-]?\d+\.\d+", text) and len(text.split(".")[1]) > MAX_AMOUNT_DECIMALS:
        return f"小数位过多（{text}，最多 {MAX_AMOUNT_DECIMALS} 位）"
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        return f"数值过大（{text[:24]}）" if isinstance(value, YNum) else f"实际是加了引号的文字「{text[:24]}」，请去掉引号"
    if re.fullmatch(r"[+-]?[\d,，]+(\.\d+)?", text):
        return f"不要写千分位逗号（{text[:24]}）"
    return f"实际是{describe(value)}"
