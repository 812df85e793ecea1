"""The 说明 (部门预算信息公开情况说明) as a .docx: its sections, typed text, derived sentences and tables.

Every figure in a sentence (收入, 基本/项目, 人员/公用, 比上年增减, 机关运行经费, "三公", 固定资产) is read
from budget_derive's figures; the spec types only the words around them (notes:). The 58 target tables
stand in section 七 as in the published document, each on its own page.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .budget_derive import BudgetDerived
from .budget_docx import fitted, table_pieces
from .budget_note_tables import assets_table, purchase_table, units_table
from .docx_package import (
    STYLES,
    load_template,
    section_break,
    section_variant,
    sized_styles,
    table_styles,
    write_docx,
)
from .docx_targets import target_tables_pieces
from .money import ZERO
from .ooxml import TableStyles, esc, text_runs

BODY, TITLE, HEADING, SUBHEADING = "GwBody", "GwAttachTitle", "GwHeading1", "GwHeading2"


def wan(value: Decimal | None) -> str:
    """An amount in a sentence: 24490.91万元; the prose writes 0.00万元 where the tables leave a cell empty."""
    return f"{value or ZERO:.2f}万元"


def change(value: Decimal) -> str:
    """增加36.97万元 / 减少963.07万元."""
    return f"{'增加' if value >= 0 else '减少'}{abs(value):.2f}万元"


def income_sentence(d: BudgetDerived) -> str:
    """1、收入说明."""
    f, year = d.figures, d.budget.year
    return (f"反映本部门当年全部收入。{year}年预算收入{wan(f['income_total'])}，其中：一般公共预算收入"
            f"{wan(f['income_general'])}，基金预算收入{wan(f['income_fund'])}，国有资本经营预算收入"
            f"{wan(f['income_state_capital'])}，财政专户核拨收入{wan(f['income_special_account'])}，单位资金收入"
            f"{wan(f['income_unit'])}，上年结转结余{wan(f['income_carryover'])}。")


def spending_sentence(d: BudgetDerived) -> str:
    """2、支出说明: 基本 (人员 + 公用) and 项目, the 项目支出 named by 科目 from the largest down."""
    f, b = d.figures, d.budget
    items = sorted(((r.amount("project"), r.name) for r in d.function if r.level == 3 and r.amount("project")),
                   key=lambda t: -t[0])
    listing = "，".join(f"{name}{wan(value)}" for value, name in items)
    main = f"，主要为{listing}" if listing else ""
    return (f"收支预算总表支出栏、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{b.dept_name}年度部门预算中"
            f"支出预算的总体情况。{b.year}年支出预算{wan(f['spend_total'])}，其中基本支出{wan(f['basic'])}，包括人员经费"
            f"{wan(f['personnel'])}和日常公用经费{wan(f['public'])}；项目支出{wan(f['project'])}{main}。")


def change_sentence(d: BudgetDerived) -> str | None:
    """3、比上年增减情况, when the prior year's 基本 and 项目 are given."""
    f, b = d.figures, d.budget
    if f.get("change_total") is None:
        return None
    why = {k: (s.paragraphs[0] if (s := b.sections.get(k)) and s.paragraphs else "") for k in
           ("change_basic", "change_project")}
    return (f"{b.year}年预算收支安排{wan(f['spend_total'])}，较{b.year - 1}年预算{change(f['change_total'])}，其中："
            f"基本支出{change(f['change_basic'])}{'，' + why['change_basic'] if why['change_basic'] else ''}；"
            f"项目支出{change(f['change_project'])}{'，' + why['change_project'] if why['change_project'] else ''}。")


def running_sentence(d: BudgetDerived) -> str:
    """三、机关运行经费: the 公用经费 of the 基本支出表."""
    use = d.budget.sections.get("running_costs_use")
    tail = f"，主要用于{use.paragraphs[0]}" if use and use.paragraphs else ""
    return f"{d.budget.year}年，我部门机关运行经费共计安排{wan(d.figures['running'])}{tail}。"


def three_public_sentence(d: BudgetDerived) -> str:
    """四、"三公" 经费 and its change from the prior year."""
    t, b, f = d.three_public, d.budget, d.figures
    text = (f"{b.year}年，我部门财政拨款“三公”经费预算安排{wan(t['total'])}，其中因公出国（境）费{wan(t['abroad'])}；"
            f"公务用车购置及运维费{wan(t['car'])}（其中：公务用车购置费为{wan(t['car_purchase'])}，公务用车运维费"
            f"{wan(t['car_running'])}）；公务接待费{wan(t['reception'])}。")
    if f.get("change_three_public") is not None:
        reason = b.sections.get("three_public_reason")
        why = f"，增减变化的主要原因是{reason.paragraphs[0]}" if reason and reason.paragraphs else ""
        text += f"与{b.year - 1}年相比{change(f['change_three_public'])}{why}。"
    return text


def assets_sentence(d: BudgetDerived) -> str:
    """九、国有资产占用情况."""
    b = d.budget
    return (f"{b.dept_name}（含所属单位）上年末固定资产金额为{wan(d.asset_total)}（详见下表）。本年度拟购置固定资产总额为"
            f"{wan(b.asset_purchase.value if b.asset_purchase else None)}，已按要求列入政府采购预算，详见政府采购预算表。")


def _p(text: str, style: str = BODY, heading: str | None = None) -> str:
    """A body paragraph; `heading` runs in a heading character style (黑体 一、, 楷体 （一）)."""
    runs = text_runs(text)
    if heading:
        runs = f'<w:r><w:rPr><w:rStyle w:val="{heading}"/></w:rPr><w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>'


def _typed(d: BudgetDerived, key: str) -> list[str]:
    section = d.budget.sections.get(key)
    return [_p(t) for t in section.paragraphs] if section else []


def notes_body(d: BudgetDerived, views, styles: TableStyles) -> Iterator[tuple[str, bool]]:
    """(piece, landscape) in document order: text and portrait tables, or a table that needs a landscape page."""
    b = d.budget
    yield _p(f"{b.dept_name}{b.year}年部门预算信息公开情况说明", TITLE), False
    yield from _plain(_typed(d, "intro"))
    yield from _duties(d, styles)
    yield from _overview(d)
    yield from _goals(d)
    yield _p("七、部门项目预算安排情况及绩效目标", heading=HEADING), False
    yield from _plain(target_tables_pieces(views, "per_page", styles))
    purchases = purchase_table(d) if b.purchases else None
    # the heading goes with its table, onto a landscape page where the table needs one
    yield _p("八、政府采购预算情况", heading=HEADING), bool(purchases and fitted(purchases)[1])
    if purchases:
        yield from _table(purchases, styles)
    yield _p("九、国有资产占用情况", heading=HEADING), False
    yield _p(assets_sentence(d)), False
    if b.assets:
        yield from _table(assets_table(d), styles)
    for label, key in (("十、名词解释", "glossary"), ("十一、其他需要说明的事项", "other")):
        yield _p(label, heading=HEADING), False
        yield from _plain(_typed(d, key))


def _plain(pieces) -> Iterator[tuple[str, bool]]:
    return ((piece, False) for piece in pieces)


def _duties(d: BudgetDerived, styles: TableStyles) -> Iterator[tuple[str, bool]]:
    """一、部门职责及机构设置情况."""
    yield _p("一、部门职责及机构设置情况", heading=HEADING), False
    yield _p("部门职责："), False
    yield from _plain(_typed(d, "duties"))
    if d.budget.units:
        yield _p("机构设置："), False
        yield from _table(units_table(d), styles)


def _overview(d: BudgetDerived) -> Iterator[tuple[str, bool]]:
    """二、总体情况 (收入, 支出, 比上年增减), 三、机关运行经费, 四、"三公" 经费: the derived sentences."""
    yield _p("二、部门预算安排的总体情况", heading=HEADING), False
    yield _p(f"按照预算管理有关规定，目前部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"
             f"{d.budget.dept_name}机关及所属事业单位的收支包含在部门预算中。"), False
    for label, text in (("1、收入说明", income_sentence(d)), ("2、支出说明", spending_sentence(d)),
                        ("3、比上年增减情况", change_sentence(d))):
        if text:
            yield _p(label), False
            yield _p(text), False
    yield _p("三、机关运行经费安排情况", heading=HEADING), False
    yield _p(running_sentence(d)), False
    yield _p("四、财政拨款“三公”经费预算情况及增减变化原因", heading=HEADING), False
    yield _p(three_public_sentence(d)), False


def _goals(d: BudgetDerived) -> Iterator[tuple[str, bool]]:
    """五、部门整体绩效目标 and 六、部门主管专项资金: typed text under fixed headings."""
    yield _p("五、部门整体绩效目标", heading=HEADING), False
    for label, key in (("（一）总体绩效目标", "goals"), ("（二）分项绩效目标", "item_goals"), ("（三）工作保障措施", "measures")):
        yield _p(label, heading=SUBHEADING), False
        yield from _plain(_typed(d, key))
    yield _p("六、部门主管专项资金预算安排情况及绩效目标", heading=HEADING), False
    yield from _plain(_typed(d, "special_funds"))


def _table(table, styles: TableStyles) -> Iterator[tuple[str, bool]]:
    widths, landscape, size = fitted(table)
    for piece in table_pieces(table, styles, widths, size):
        yield piece, landscape


def notes_docx(d: BudgetDerived, views) -> bytes:
    """The 说明 as a .docx: portrait, with a landscape section around any table too wide for the page."""
    package = load_template("attachment.docx")
    styles = table_styles(package)
    portrait = section_variant(package.section, grid=True)
    wide = section_variant(package.section, landscape=True, grid=False)
    pieces, current = [package.head], False
    for piece, landscape in notes_body(d, views, styles):
        if landscape != current:
            pieces.append(section_break(wide if current else portrait))
            current = landscape
        pieces.append(piece)
    pieces.extend([wide if current else portrait, "</w:body></w:document>"])
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})
