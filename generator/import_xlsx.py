"""Read a clerk's .xlsx 分配表 (one or two header rows) into allocations for a spec.

Columns are matched to projects and to 应补助/提前下达/本次下达/绩效, rows to registry units (by code, then
exact name, then close names offered for confirmation). Every stated figure — leaf rows, 小计, 合计, 总计 —
is compared with the figure derived from the imported allocations, and each difference is listed.
Nothing is saved here: `import_amounts.py` turns the matched rows into amounts, spec_new.py into spec text.
Money stays Decimal: a float from openpyxl is read through its shortest repr, never through arithmetic.
"""

from __future__ import annotations

import difflib
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import GeneratorError
from .import_match import CLOSE, TOTAL_LABELS, match_rows, text_of
from .model import Project, Registry

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS, MAX_COLS = 20000, 200

UNIT_WORDS = ("单位", "地区", "市县", "名称", "地州", "区县", "拨付", "拨款", "地市")
CODE_WORDS = ("编码", "代码")
_FORMULA_TEXT = re.compile(r"^[a-z](=[a-z+\-]+)?$")
_MEASURE_WORDS = ("其中", "全年", "应补助", "应拨付", "应下达", "补助", "资金", "合计", "金额", "提前", "本次", "此次",
                  "下达", "绩效", "奖补", "已", "数", "：", ":", "（万元）", "(万元)")


class ImportXlsxError(GeneratorError):
    """Raised when an upload is not a readable .xlsx allocation table; the message is Chinese."""


@dataclass
class ColumnMatch:
    """What one column of the sheet holds."""

    index: int  # 0-based
    header: str
    kind: str  # unit | code | money | ignored
    project: str | None = None  # project id; None for a total over all projects
    measure: str | None = None  # due | advance | this | perf
    part: str | None = None
    how: str = "exact"  # exact | close | new

    @property
    def letter(self) -> str:
        """The Excel column letter (A, B, …, AA)."""
        n, out = self.index + 1, ""
        while n:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out


@dataclass
class RowMatch:
    """One data row: its label, what it was matched to, and its stated money by column index."""

    number: int  # Excel row number
    label: str
    code: str
    values: dict[int, Decimal]
    uncached: set[int] = field(default_factory=set)  # columns holding a formula whose result was never saved
    kind: str = "unmatched"  # total | group | unit | unmatched
    unit: str | None = None
    group: str | None = None
    how: str = ""  # code | exact | context | close
    candidates: list[str] = field(default_factory=list)
    of_which: bool = False

    @property
    def needs_choice(self) -> bool:
        """A row the clerk chooses a unit for: matched by a close name, not matched, or already chosen."""
        return self.how in ("close", "confirmed") or self.kind == "skipped" or (
            self.kind == "unmatched" and any(self.values.values()))


@dataclass
class Sheet:
    """A parsed sheet: title, columns, rows and what could not be read."""

    title: str
    columns: list[ColumnMatch]
    rows: list[RowMatch]
    projects: list[Project]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_sheet(data: bytes, registry: Registry, projects: list[Project] | None = None,
               confirmed: dict[int, str | None] | None = None) -> Sheet:
    """Parse an uploaded 分配表 and match it; `confirmed` maps an Excel row number to a unit id (or None: skip)."""
    grid, formats, title = _grid(data)
    formulas = _uncached_formulas(data, grid)
    problems: list[str] = []
    header_at, two_rows = _find_header(grid)
    if header_at is None:
        raise ImportXlsxError("找不到表头：表头行应至少有两个文字单元格（如「单位名称」「应补助资金」）")
    known = list(projects or [])
    columns, known = _columns(grid, header_at, two_rows, known, problems)
    if not any(c.kind == "unit" for c in columns):
        raise ImportXlsxError("找不到单位名称列（表头应含「单位」「拨付单位」「地区」等字样）")
    start = header_at + (2 if two_rows else 1)
    rows = _rows(grid, formats, start, columns, problems)
    for row in rows:
        row.uncached = {c for r, c in formulas if r == row.number - 1}
    match_rows(rows, registry, confirmed or {})
    notes = ["表中有公式没有保存计算结果（文件由程序生成、未经 Excel 保存过），这些单元格不作核对"] if formulas else []
    return Sheet(title, columns, rows, known, problems, notes)


def _grid(data: bytes) -> tuple[list[list], list[list], str]:
    """Cell values and number formats of the first sheet, bounded in size."""
    import openpyxl

    if len(data) > MAX_BYTES:
        raise ImportXlsxError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请只上传分配表")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        raise ImportXlsxError("无法读取该文件：请上传 Excel 2007 及以上的 .xlsx 文件（不是 .xls 或 .csv）") from e
    try:
        sheet = book.worksheets[0]
        grid, formats = [], []
        for row in sheet.iter_rows():
            if len(grid) >= MAX_ROWS:
                raise ImportXlsxError(f"表格超过 {MAX_ROWS} 行，请只上传分配表")
            row = row[:MAX_COLS]
            while row and getattr(row[-1], "value", None) is None:
                row = row[:-1]  # the sheet's dimension pads every row to its widest
            grid.append([getattr(c, "value", None) for c in row])
            formats.append([getattr(c, "number_format", "General") or "General" for c in row])
        return grid, formats, sheet.title
    finally:
        book.close()


def _uncached_formulas(data: bytes, grid: list[list]) -> set[tuple[int, int]]:
    """(row, column) of formula cells that read as blank: their result was never saved (openpyxl output)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = set()
        for r, row in enumerate(book.worksheets[0].iter_rows(max_row=len(grid))):
            for c, cell in enumerate(row[:MAX_COLS]):
                value = getattr(cell, "value", None)
                if isinstance(value, str) and value.startswith("=") and (c >= len(grid[r]) or grid[r][c] is None):
                    found.add((r, c))
        return found
    finally:
        book.close()


def cell_amount(value, number_format: str = "General") -> Decimal | None:
    """A money cell as Decimal: ints exactly, floats via their shortest repr, float noise rounded off.

    A float with more than 6 decimals is binary noise (0.1 + 0.2 = 0.30000000000000004): it is rounded
    to the decimals the cell displays (6 under General). Text such as "1,234.5" is read as a number.
    Raises ValueError for text that is not a number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        amount = Decimal(repr(value))
        if amount.as_tuple().exponent < -6:
            shown = shown_decimals(number_format)
            amount = amount.quantize(Decimal(1).scaleb(-(6 if shown is None else shown)))
    elif isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("，", "")
        if not cleaned or cleaned in ("-", "—"):
            return None
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as e:
            raise ValueError(value) from e
        if not amount.is_finite():
            raise ValueError(value)
    else:
        raise ValueError(value)
    return Decimal(int(amount)) if amount == amount.to_integral_value() else amount.normalize()


def shown_decimals(number_format: str) -> int | None:
    """Decimals a number format displays (#,##0.00 → 2); None for General."""
    first = (number_format or "General").split(";")[0]
    if first == "General":
        return None
    match = re.search(r"0\.(0+)", first)
    return len(match.group(1)) if match else 0


def _find_header(grid: list[list]) -> tuple[int | None, bool]:
    """The first row with two or more text cells (titles and 单位：万元 have one); a second header row
    follows when the next row holds only text, none of it in the first column."""
    for i, row in enumerate(grid[:30]):
        texts = [v for v in row if isinstance(v, str) and text_of(v)]
        if len(texts) >= 2 and not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
            nxt = grid[i + 1] if i + 1 < len(grid) else []
            nxt_texts = [text_of(v) for v in nxt if isinstance(v, str) and text_of(v)]
            numbers = any(isinstance(v, (int, float)) for v in nxt if not isinstance(v, bool))
            two = bool(nxt_texts) and not numbers and not any(_FORMULA_TEXT.match(t) for t in nxt_texts) \
                and not any(text_of(v) in TOTAL_LABELS for v in nxt)
            return i, two
    return None, False


def measure_of(label: str) -> str | None:
    """The measure a header names: 绩效 → perf, 提前 → advance, 本次/此次 → this, 应补助/应拨付/合计 → due."""
    if "绩效" in label:
        return "perf"
    if "提前" in label:
        return "advance"
    if "本次" in label or "此次" in label:
        return "this"
    if any(w in label for w in ("应补助", "应拨付", "应下达", "补助资金", "合计", "金额", "资金")):
        return "due"
    return None


def _norm(name: str) -> str:
    name = text_of(name)
    for tail in ("补助资金", "资金", "项目"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            name = name[: -len(tail)]
    return name


def match_project(label: str, projects: list[Project]) -> tuple[Project | None, str]:
    """A project by exact name, then by name without 项目/资金, then by a close name."""
    for p in projects:
        if text_of(p.name) == label:
            return p, "exact"
    for p in projects:
        if _norm(p.name) == _norm(label):
            return p, "exact"
    best = max(projects, key=lambda p: difflib.SequenceMatcher(None, _norm(p.name), _norm(label)).ratio(),
               default=None)
    if best and difflib.SequenceMatcher(None, _norm(best.name), _norm(label)).ratio() >= CLOSE:
        return best, "close"
    return None, ""


def _columns(grid, at: int, two_rows: bool, projects: list[Project], problems: list[str]):
    """Match each column to unit / code / a project's measure or part / a total measure."""
    top = [text_of(v) for v in grid[at]]
    sub = [text_of(v) for v in grid[at + 1]] if two_rows else []
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    for i in range(1, len(top)):  # a merged group header is read once; the cells it spans are blank
        if not top[i] and sub[i]:
            top[i] = top[i - 1]
    columns: list[ColumnMatch] = []
    projects = list(projects)
    for i, label in enumerate(top):
        col = _column(i, label, sub[i], projects, columns)
        if col.kind == "money" and col.how == "new" and col.project is None:
            pid = _new_id(projects)
            projects.append(Project(pid, label, None))
            col.project = pid
        columns.append(col)
    if not any(c.kind == "money" for c in columns):
        problems.append("表头中没有可识别的金额列（项目名称，或应补助资金/提前下达/本次下达）")
    return columns, projects


def _column(i: int, label: str, sub: str, projects: list[Project], done: list[ColumnMatch]) -> ColumnMatch:
    header = f"{label}·{sub}" if sub and sub != label else label
    if not label:
        return ColumnMatch(i, header, "ignored")
    if any(w in label for w in CODE_WORDS):
        return ColumnMatch(i, header, "code")
    if not any(c.kind == "unit" for c in done) and any(w in label for w in UNIT_WORDS) and not measure_of(label):
        return ColumnMatch(i, header, "unit")
    project, how = match_project(label, projects)
    if project is not None and project.loc is None:
        how = "new"  # a project made from an earlier column of this sheet
    if sub and sub != label:
        part = _part_of(project, sub) if project else None
        measure = None if part else measure_of(sub) or "due"
        return ColumnMatch(i, header, "money", project.id if project else None, measure, part,
                           how if project else "new")
    total = total_measure(label)
    if project is not None and (how != "close" or total is None):
        return ColumnMatch(i, header, "money", project.id, "due", None, how)
    if total:
        return ColumnMatch(i, header, "money", None, total, None, "exact")
    return ColumnMatch(i, header, "money", None, "due", None, "new")


def total_measure(label: str) -> str | None:
    """The measure of a total column, whose header is only measure words (全年应拨付资金合计, 已提前下达)."""
    rest = label
    for word in _MEASURE_WORDS:
        rest = rest.replace(word, "")
    return measure_of(label) if not rest else None


def _part_of(project: Project, label: str) -> str | None:
    for part in project.parts:
        if text_of(part.name) == label or label == part.key:
            return part.key
    return None


def _new_id(projects: list[Project]) -> str:
    taken = {p.id for p in projects}
    n = 1
    while f"p{n}" in taken:
        n += 1
    return f"p{n}"


def _rows(grid, formats, start: int, columns: list[ColumnMatch], problems: list[str]) -> list[RowMatch]:
    unit_col = next(c.index for c in columns if c.kind == "unit")
    code_col = next((c.index for c in columns if c.kind == "code"), None)
    money = [c for c in columns if c.kind == "money"]
    rows = []
    for offset, row in enumerate(grid[start:]):
        number = start + offset + 1
        label = text_of(row[unit_col]) if unit_col < len(row) else ""
        code = text_of(row[code_col]) if code_col is not None and code_col < len(row) else ""
        values, bad = {}, []
        for col in money:
            value = row[col.index] if col.index < len(row) else None
            try:
                amount = cell_amount(value, formats[start + offset][col.index] if col.index < len(row) else "")
            except ValueError:
                bad.append(f"{col.letter}{number}「{text_of(value)[:20]}」")
                continue
            if amount is not None:
                values[col.index] = amount
        if bad and not values and all(_FORMULA_TEXT.match(b.split("「")[1].rstrip("」")) for b in bad):
            continue  # the formula row of letters (a b c d=a+b+c)
        if not label and not values:
            continue
        if bad:
            problems.append(f"第 {number} 行：单元格 {'、'.join(bad)} 不是数字，按空白处理")
        rows.append(RowMatch(number, label, code, values))
    return rows
