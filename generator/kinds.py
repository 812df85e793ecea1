"""Document kinds: what a spec is (`kind:` at its top) and the four functions that make its documents.

Every kind is one `Kind` in KINDS. The pipeline reads `kind:`, opens the top-level mapping with the
kind's keys and then calls, in order:

    load(rd, top, path)  -> model or None      structural problems go to rd (spec.py's Reader)
    derive(model)        -> (derived, problems) every figure computed once; slot errors as problems
    validate(derived)    -> problems            arithmetic and cross-table checks, errors and warnings
    render(derived)      -> {file name: bytes}  pure: nothing is written here (writer.py writes)

To add a kind (a department budget, a self-evaluation report): write those four functions in the kind's
own modules and add one `Kind(...)` line to `_builtin()` below. docs/spec.md ("Document kinds") says the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .model import Loc
from .reader import Reader

# Files that other specs reference; they are not documents and are never checked or built on their own.
SHARED_KINDS = {"profile": "发文机关配置", "registry": "单位名录", "target_layout": "绩效目标表表样",
                "evaluation_part": "绩效自评报告的一个部分"}


@dataclass(frozen=True)
class Summary:
    """How a document is listed (the web's batches page): its number, title, year and issuer, where it has them."""

    number: str = ""  # 发文字号 (a notice batch only)
    title: str = ""
    year: str = ""
    issuer: str = ""


@dataclass(frozen=True)
class Kind:
    """One document kind: its name in `kind:`, its Chinese label, its top-level keys and its four steps."""

    name: str
    label: str  # printed as 按"…"类文件检查
    keys: tuple[str, ...]  # allowed top-level keys, "kind" included
    load: Callable[[Reader, Any, Path], Any]
    derive: Callable[[Any], tuple[Any, list[Problem]]]
    validate: Callable[[Any], list[Problem]]
    render: Callable[[Any], dict[str, bytes]]
    summary: Callable[[Any], Summary] = lambda derived: Summary()  # from the derived views


def _batch() -> Kind:
    from .derive import derive_batch
    from .spec import BATCH_KEYS, read_batch
    from .validate import validate

    def render(derived) -> dict[str, bytes]:
        from .render import render_batch

        return render_batch(derived)

    def summary(derived) -> Summary:
        n = derived.notice.notice
        title = f"{n.year}年{n.fund_level}{n.program}补助资金" + (f"（{n.batch_label}）" if n.batch_label else "")
        return Summary(derived.notice.doc_number, title, str(n.year), n.issuer)

    return Kind("batch", "资金下达通知批次", tuple(BATCH_KEYS), read_batch, derive_batch, validate, render, summary)


def _book() -> Kind:
    from .book import BOOK_KEYS, derive_book, read_book, validate_book

    def render(derived) -> dict[str, bytes]:
        from .render_book import render_book

        return render_book(derived)

    def summary(derived) -> Summary:
        book = derived.book
        return Summary("", book.title, str(book.year or ""), book.department)

    return Kind("book", "绩效目标表册（独立文件）", tuple(BOOK_KEYS), read_book, derive_book, validate_book, render,
                summary)


def _budget() -> Kind:
    from .budget_check import validate_budget
    from .budget_derive import derive_budget
    from .budget_spec import BUDGET_KEYS, read_budget

    def render(derived) -> dict[str, bytes]:
        from .budget_render import render_budget

        return render_budget(derived)

    def summary(derived) -> Summary:
        budget = derived.budget
        return Summary("", f"{budget.dept_name}{budget.year}年部门预算", str(budget.year), budget.dept_name)

    return Kind("budget", "部门预算公开", tuple(BUDGET_KEYS), read_budget, derive_budget, validate_budget, render,
                summary)


def _evaluation() -> Kind:
    from .evaluation_check import validate_evaluation
    from .evaluation_derive import derive_evaluation
    from .evaluation_spec import EVALUATION_KEYS, read_evaluation

    def render(derived) -> dict[str, bytes]:
        from .evaluation_render import render_evaluation

        return render_evaluation(derived)

    def summary(derived) -> Summary:
        report = derived.report
        return Summary("", report.title, str(report.year), report.region_full)

    return Kind("evaluation", "绩效自评报告", tuple(EVALUATION_KEYS), read_evaluation, derive_evaluation,
                validate_evaluation, render, summary)


def _builtin() -> dict[str, Kind]:
    """Every document kind, by the name a spec writes in `kind:`."""
    return {k.name: k for k in (_batch(), _book(), _budget(), _evaluation())}


_KINDS: dict[str, Kind] = {}


def kinds() -> dict[str, Kind]:
    """The registered document kinds (built on first use, so importing this module stays cheap)."""
    if not _KINDS:
        _KINDS.update(_builtin())
    return _KINDS


def resolve(rd: Reader, data, file: str) -> tuple[Kind | None, bool]:
    """The kind a parsed spec declares (batch when `kind:` is absent) and whether it was written;
    None, with the problem recorded, for a shared file or an unknown kind."""
    from .spec import declared_kind

    name, written = declared_kind(data)
    known = kinds()
    if name in known:
        return known[name], written
    loc = _kind_loc(data, file)
    if name in SHARED_KINDS:
        rd.error(loc, f"这是{SHARED_KINDS[name]}文件（kind: {name}），由其他文件引用，不能单独检查或生成")
    else:
        listing = "、".join(f"{k.name}（{k.label}）" for k in known.values())
        rd.error(loc, f"未知的文件类型 kind: {name}（可选：{listing}）")
    return None, written


def _kind_loc(data, file: str) -> Loc:
    f, line, col = data.val_pos.get("kind", data.pos) if hasattr(data, "val_pos") else (file, 1, 1)
    return Loc(f, line, col, "kind")


def load_document(path: Path, text: str | None = None) -> tuple[Kind | None, bool, Any, list[Problem]]:
    """Read a spec of any kind: (kind, whether `kind:` was written, model or None, problems)."""
    from .spec import read_top, root_loc

    rd, data, file = read_top(path, text)
    if data is None:
        return None, False, None, rd.problems
    kind, written = resolve(rd, data, file)
    if kind is None:
        return None, written, None, rd.problems
    top = rd.obj(data, root_loc(file), kind.keys, f"{kind.label}描述文件")
    model = kind.load(rd, top, path) if top is not None else None
    return kind, written, model, rd.problems
