"""The forms and the letter as WordprocessingML fragments: 财会监督责任人报备表, 跟踪反馈表, 函.

Each function returns what follows the attachment's 附件N label and centred title: the caller
(render_notice) prints those from the template, so their fonts stay in the template's styles. Form
cells are in the template's 表单-文字 / 表单-表头 styles, at 4号 (报备表) or 5号 (反馈表).
"""

from __future__ import annotations

from .derive import Derived
from .errors import RenderError
from .model import Unit
from .ooxml import (
    FORM_CELL,
    FORM_CELL_LEFT,
    FORM_HEAD,
    TEXT_WIDTH,
    TEXT_WIDTH_LANDSCAPE,
    TableStyles,
    cell,
    para,
    row,
    run,
    scale_widths,
    styled_p,
    table,
    text_em,
    text_runs,
)
from .sums import Numbered

FILING_COLUMNS = ["序号", "部门（单位）", "姓名", "职务", "联系电话"]
FILING_WEIGHTS = [1.2, 5, 2, 2.4, 3]
FEEDBACK_COLUMNS = ["序号", "收到的财政专项资金名称", "文号", "资金金额", "实际支出金额", "资金支出方向",
                    "未支出金额", "实际支出进度", "未按计划或预算执行要求支出的原因", "整改措施及整改时间"]
FEEDBACK_WEIGHTS = [2.2, 6, 4, 3.2, 3.2, 4, 3.2, 3.2, 6, 5]
CHAR = 320  # one 3号 character in twips
FORM_SIZE = 28  # 4号: form tables and lines
FEEDBACK_SIZE = 21  # 5号: the ten-column feedback table
NOTE_CHAR = 240  # one 小4 character (公文-表单说明)


def form_line(text: str, tabs: list[tuple[str, int]] | None = None) -> str:
    """A line of a form (填报部门（公章）：, 填报人：) in the template's 公文-表单文字 style; \\t is a tab."""
    stops = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs or [])
    props = '<w:pPr><w:pStyle w:val="GwFormText"/>' + (f"<w:tabs>{stops}</w:tabs>" if stops else "") + "</w:pPr>"
    runs = "<w:r><w:tab/></w:r>".join(run(piece) for piece in text.split("\t"))
    return para(runs, props)


def _cell_text(text: str, width: int, style: str) -> str:
    return cell(f"{styled_p(style)}{text_runs(text)}</w:p>", width)


def _header_row(labels: list[str], widths: list[int], style: str) -> str:
    return row("".join(_cell_text(label, w, style) for label, w in zip(labels, widths, strict=True)), header=True)


def _blank_row(widths: list[int], style: str, first: str = "", height: int = 567) -> str:
    cells = [_cell_text(first if i == 0 else "", w, style) for i, w in enumerate(widths)]
    return row("".join(cells), height=height)


def recipients(derived: Derived) -> list[Unit]:
    """Units that must file, in registry order: those with a target table, and the derived recipients."""
    wanted = {t.table.unit for t in derived.targets} | {r.unit for r in derived.recipients}
    return [u for u in derived.batch.registry.walk() if u.id in wanted]


def filing_form_xml(derived: Derived, numbered: Numbered, styles: TableStyles | None = None) -> str:
    """财会监督责任人报备表: 填报部门（公章）：, the five-column table, 填报人/填报时间, the note."""
    att = numbered.attachment
    styles = styles or TableStyles()
    text, left = styles(FORM_CELL, FORM_SIZE), styles(FORM_CELL_LEFT, FORM_SIZE)
    widths = scale_widths(FILING_WEIGHTS, TEXT_WIDTH)
    rows = [_header_row(FILING_COLUMNS, widths, styles(FORM_HEAD, FORM_SIZE))]
    if att.prefill == "recipients":
        for i, unit in enumerate(recipients(derived), 1):
            texts = [str(i), unit.name, "", "", ""]
            rows.append(row("".join(_cell_text(t, w, left if j == 1 else text)
                                    for j, (t, w) in enumerate(zip(texts, widths, strict=True))), height=567))
    else:
        rows.extend(_blank_row(widths, text) for _ in range(att.rows_count))
    parts = [form_line("填报部门（公章）："), table("".join(rows), widths, borders=styles.borders),
             form_line("填报人：\t填报时间：", [("left", TEXT_WIDTH // 2)])]
    if att.note:
        parts.append(form_line(att.note))
    return "".join(parts)


def feedback_form_xml(numbered: Numbered, styles: TableStyles | None = None) -> str:
    """跟踪反馈表 (landscape): header line and 单位：万元, ten columns, 合计, numbered blank rows, 说明."""
    att = numbered.attachment
    styles = styles or TableStyles()
    text = styles(FORM_CELL, FEEDBACK_SIZE)
    widths = scale_widths(FEEDBACK_WEIGHTS, TEXT_WIDTH_LANDSCAPE)
    rows = [_header_row(FEEDBACK_COLUMNS, widths, styles(FORM_HEAD, FEEDBACK_SIZE)),
            _blank_row(widths, text, "合计")]
    rows.extend(_blank_row(widths, text, str(i)) for i in range(1, att.rows_count + 1))
    header = form_line(f"{att.header_left or ''}\t{att.unit_line}", [("right", TEXT_WIDTH_LANDSCAPE)])
    return header + table("".join(rows), widths, borders=styles.borders) + notes_xml(att.notes)


def notes_xml(notes: list[str]) -> str:
    """说明 lines: "说明：1、…" hangs so that the following "2、…" lines start under its "1"."""
    out = []
    lead = next((n.index("：") + 1 for n in notes if n.startswith("说明：")), 0)
    indent = round(text_em(notes[0][:lead]) * NOTE_CHAR) if notes else 0
    for text in notes:
        first = -indent if text.startswith("说明：") else 0
        ind = f'<w:ind w:left="{indent}" w:hanging="{-first}"/>' if first else f'<w:ind w:left="{indent}"/>'
        out.append(para(run(text), f'<w:pPr><w:pStyle w:val="GwFormNote"/>{ind}</w:pPr>'))
    return "".join(out)


def signature_xml(signature: str | None, date: str | None) -> str:
    """落款 as with a seal (GB/T 9704 7.3.5.1): date 4 characters in from the right, the authority centred
    over it; two lines of room above for the seal."""
    if not signature and not date:
        return ""
    date_right = 4 * CHAR
    out = []
    if signature:
        shift = (text_em(date) - text_em(signature)) / 2 if date else 0
        right = max(2 * CHAR, round(date_right + shift * CHAR))
        keep = "<w:keepNext/>" if date else ""  # the authority and its date are one block
        out.append(para(run(signature), f'<w:pPr><w:pStyle w:val="GwSignature"/>{keep}<w:spacing w:before="1158"/>'
                                         f'<w:ind w:right="{right}"/></w:pPr>'))
    if date:
        before = "" if signature else '<w:spacing w:before="1158"/>'
        out.append(para(run(date), f'<w:pPr><w:pStyle w:val="GwSignature"/>{before}'
                                   f'<w:ind w:right="{date_right}"/></w:pPr>'))
    return "".join(out)


def letter_xml(derived: Derived, numbered: Numbered) -> str:
    """A letter (函): its body paragraphs with slots filled, then its 落款 if the spec gives one."""
    letter = derived.letters[numbered.number]  # slots filled (and checked) once, in derive
    head = para(run(letter.addressee), '<w:pPr><w:pStyle w:val="GwAddressee"/></w:pPr>') if letter.addressee else ""
    body = "".join(para(run(text), '<w:pPr><w:pStyle w:val="GwBody"/></w:pPr>') for text in letter.body)
    return head + body + signature_xml(letter.signature, letter.sign_date)


def form_xml(derived: Derived, numbered: Numbered, styles: TableStyles | None = None) -> str:
    """The content of a form or letter attachment, by kind; `styles` records the sized cell styles used."""
    kind = numbered.attachment.kind
    if kind == "filing_form":
        return filing_form_xml(derived, numbered, styles)
    if kind == "feedback_form":
        return feedback_form_xml(numbered, styles)
    if kind == "letter":
        return letter_xml(derived, numbered)
    raise RenderError(f"附件{numbered.number}的类型「{kind}」不是表单或函")
