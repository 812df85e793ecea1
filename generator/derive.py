"""Derive every figure of a batch once: sums, tables, target amounts, the notice. Pure: model in, views out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .derive_notice import NoticeView, build_notice, fund_name, notice_context
from .derive_tables import TableView, build_table
from .derive_targets import TargetView, build_target, fill_sheet_names
from .model import Batch
from .sums import Numbered, Sums, derive_sums, number_attachments
from .textfill import fill


@dataclass
class LetterView:
    """A letter (函) attachment with its slots filled."""

    body: list[str]
    signature: str | None
    sign_date: str | None
    addressee: str | None = None


@dataclass
class Recipient:
    """A row of targets.required_for's table that receives money (应补助 > 0) and so needs a target table."""

    unit: str
    label: str
    due: Decimal


@dataclass
class Derived:
    """A batch's derived views: what renderers and the validator read."""

    batch: Batch
    sums: Sums
    attachments: list[Numbered]
    tables: dict[str, TableView]  # by attachment number
    targets: list[TargetView]
    notice: NoticeView
    letters: dict[str, LetterView]  # by attachment number
    recipients: list[Recipient]  # rows of recipients_table that need a target table
    recipients_table: str | None  # the number of targets.required_for's table
    sheet_names: dict[str, list[str]] = field(default_factory=dict)  # target_tables attachment → a name per table

    def targets_for(self, numbered: Numbered) -> list[TargetView]:
        """The target tables that a target_tables attachment holds, in spec order."""
        layouts = numbered.attachment.layouts
        return [t for t in self.targets if t.table.layout in layouts]


def _letter(item: Numbered, context: dict, problems: list) -> LetterView:
    """A letter with its slots filled; the addressee line ends with "：" like the notice's."""
    att = item.attachment
    body = [fill(t, context, att.loc, problems, "函正文") for t in att.body]
    addressee = att.options.get("addressee")
    if addressee and not addressee.endswith("："):
        addressee += "："
    return LetterView(body, att.options.get("signature"), att.options.get("sign_date"), addressee)


def derive_batch(batch: Batch) -> tuple[Derived, list]:
    """All derived views of a batch, plus problems found while filling text slots."""
    problems: list = []
    sums = derive_sums(batch)
    numbered = number_attachments(batch.attachments)
    context = notice_context(batch, sums, numbered)
    for item in numbered:
        title = item.title
        if item.attachment.kind == "filing_form" and not title:
            title = f"{fund_name(batch.notice)}财会监督责任人报备表"
        item.title = fill(title, context, item.attachment.loc, problems, "附件标题")
    tables = {x.number: build_table(batch, sums, x.attachment, x.number, x.title, problems)
              for x in numbered if x.attachment.kind == "allocation_table"}
    targets = [v for v in (build_target(batch, sums, t, problems) for t in batch.targets.tables) if v]
    notice = build_notice(batch, sums, numbered, problems)
    context = notice_context(batch, sums, numbered)
    letters = {x.number: _letter(x, context, problems) for x in numbered if x.attachment.kind == "letter"}
    table = next((x.number for x in numbered if batch.targets.required_for and
                  x.attachment.key == batch.targets.required_for and x.number in tables), None)
    recipients = _recipients(batch, sums, tables[table]) if table else []
    derived = Derived(batch, sums, numbered, tables, targets, notice, letters, recipients, table)
    for x in numbered:
        if "sheet_name" in x.attachment.options:
            template, loc = x.attachment.options["sheet_name"]
            derived.sheet_names[x.number] = fill_sheet_names(template or "", derived.targets_for(x), context, loc,
                                                             problems)
    return derived, problems


def _recipients(batch: Batch, sums: Sums, view: TableView) -> list[Recipient]:
    """Rows of the required_for table that receive money: leaf rows, or the rows of required_levels;
    a non-additive 其中 row shows part of its parent's money, so the parent is the recipient."""
    levels, by_id = batch.targets.required_levels, batch.registry.by_id
    non_additive = view.attachment.rows.of_which == "non_additive"
    out = []
    for row in view.rows:
        if not row.unit or (row.of_which and non_additive):
            continue
        if (by_id[row.unit].level not in levels) if levels else row.kind != "leaf":
            continue
        due = sums.unit[row.unit].get("due", view.attachment.projects)
        if due > 0:
            out.append(Recipient(row.unit, row.label, due))
    return out
