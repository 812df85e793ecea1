"""The notice's derived text: document number, title and its lines, body with slots filled, 附件 list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import figure_functions
from .model import Batch, Notice
from .money import format_compact
from .sums import Numbered, Sums
from .textfill import fill
from .title_breaks import break_title


@dataclass
class BodyParagraph:
    """A body paragraph: heading run (一、… in its level's font) and text."""

    heading: str | None
    text: str
    level: int  # 0 plain; 1 一、黑体; 2 （一）楷体; 3 1. 仿宋; 4 （1）仿宋


@dataclass
class NoticeView:
    """Everything printed on the notice, derived from the spec."""

    notice: Notice
    doc_number: str
    title: str
    title_lines: list[str]
    addressees: str
    body: list[BodyParagraph]
    amount: Decimal
    amount_text: str
    attachment_list: list[tuple[str, str]]  # (number, title), in order
    cc_text: str | None
    print_line: tuple[str, str]  # (printer, "2023年6月29日印发")
    disclosure_text: str | None
    copies_text: str | None


def doc_number(notice: Notice) -> str:
    """黑财指（社）〔2023〕256号: year in 六角括号, sequence without padding or 第."""
    return f"{notice.doc_agency}〔{notice.doc_year}〕{notice.doc_seq}号"


def fund_name(notice: Notice) -> str:
    """2023年中央财政医疗服务与保障能力提升（医疗卫生机构能力建设）补助资金."""
    return f"{notice.year}年{notice.fund_level}{notice.program}补助资金"


def build_title(notice: Notice) -> str:
    """The given title, or 关于下达{year}年{fund_level}{program}补助资金（批次）的通知."""
    if notice.title:
        return notice.title
    prefix = notice.issuer if notice.title_with_issuer else ""
    batch = f"（{notice.batch_label}）" if notice.batch_label else ""
    return f"{prefix}关于下达{fund_name(notice)}{batch}的通知"


def heading_level(heading: str | None) -> int:
    """GB/T 9704 heading levels by their numbering style."""
    if not heading:
        return 0
    if heading.startswith("（") and heading[1:2] in "一二三四五六七八九十":
        return 2
    if heading.startswith("（"):
        return 4
    if heading[:1].isdigit():
        return 3
    return 1


def notice_context(batch: Batch, sums: Sums, numbered: list[Numbered]) -> dict:
    """The slots of docs/spec.md §2.1: for the notice body, titles, letters (one context for all)."""
    n = batch.notice
    projects = [p.id for p in batch.projects]
    amount = sums.total.get(n.amount_measure, projects)
    return {
        **n.slots,
        "amount": format_compact(amount),
        "amount_due": format_compact(sums.total.get("due", projects)),
        "amount_advance": format_compact(sums.total.get("advance", projects)),
        "amount_this": format_compact(sums.total.get("this", projects)),
        "year": n.year, "fund_level": n.fund_level, "program": n.program,
        "batch_label": n.batch_label or "", "issuer": n.issuer, "fund_name": fund_name(n),
        "att": {x.attachment.key: x.number for x in numbered if x.attachment.key},
        "att_title": {x.attachment.key: x.title for x in numbered if x.attachment.key},
        **figure_functions(batch, sums),
    }


def build_notice(batch: Batch, sums: Sums, numbered: list[Numbered], problems: list) -> NoticeView:
    """Fill the notice's slots from the batch and its derived figures."""
    n = batch.notice
    projects = [p.id for p in batch.projects]
    amount = sums.total.get(n.amount_measure, projects)
    context = notice_context(batch, sums, numbered)
    body = []
    for para in n.body:
        text = fill(para.text, context, para.loc, problems, "正文段落")
        heading = fill(para.heading, context, para.loc, problems, "段落标题") if para.heading else None
        body.append(BodyParagraph(heading, text, heading_level(heading)))
    # only a title the spec writes is a template; the composed one holds plain names (program, issuer)
    title = fill(n.title, context, n.locs.get("title", n.loc), problems, "标题") if n.title else build_title(n)
    lines = n.title_lines or break_title(title, markers=tuple(m for m in (n.fund_level, n.issuer) if m))
    cc = "，".join(n.cc) + n.cc_end if n.cc else None
    disclosure = f"信息公开选项：{n.disclosure}" if n.disclosure else None
    if n.disclosure and n.disclosure_position == "note":
        disclosure = f"（此件{n.disclosure}）"
    return NoticeView(n, doc_number(n), title, lines, n.addressees if n.addressees.endswith("：") else
                      n.addressees + "：", body, amount, format_compact(amount),
                      [(x.number, x.title) for x in numbered], cc, (n.printer, f"{n.print_date}印发"),
                      disclosure, f"共印{n.copies}份。" if n.copies else None)

