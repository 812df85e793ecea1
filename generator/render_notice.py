"""The notice (and, when not inline, each attachment) as .docx, laid out by GB/T 9704-2012.

Fonts, sizes, indents and fixed wording live in templates/docx/notice.docx and attachment.docx
(see make_templates.py there); this module only fills them from the derived batch. Attachments
printed inline each start a new section: portrait, or landscape for wide tables and the feedback form.
An attachment's content reaches the template as a mark only; its XML is produced in pieces while
the .docx is written (docx_package.render_docx), so a batch of thousands of tables stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from .derive import Derived
from .derive_notice import NoticeView
from .docx_package import (
    Pieces,
    TemplatePackage,
    insert_mark,
    load_template,
    render_docx,
    section_break,
    section_variant,
    style_size,
    table_styles,
)
from .errors import RenderError
from .filenames import bounded_name
from .ooxml import TEXT_WIDTH, TableStyles, run, text_em
from .render_forms import form_xml, signature_xml
from .sums import Numbered
from .title_breaks import break_title

NOTICE_TEMPLATE = "notice.docx"
ATTACHMENT_TEMPLATE = "attachment.docx"
MARK_WIDTH = 0.95  # the 发文机关标志 may take this share of the text width before it is condensed
TITLE_CHARS, TITLE_CHARS_LANDSCAPE = 20, 29  # 2号 characters in 156 mm and in 225 mm
ILLEGAL_IN_NAMES = '\\/:*?"<>|\n\r\t'
NOTHING = Markup("")


@dataclass
class AttachmentBlock:
    """One attachment as the template prints it: label, optional title, content, and its page setup."""

    number: str
    title: str
    show_title: bool
    pieces: Pieces  # the content's XML, produced when the document is written
    landscape: bool
    opening: Markup = Markup("")  # the section break that ends what came before
    slot: int = 0  # which of render_docx's inserts holds the pieces

    @property
    def content(self) -> Markup:
        """What the template prints as the content: the mark the writer replaces with the pieces."""
        return insert_mark(self.slot)

    @property
    def title_lines(self) -> list[str]:
        """The title broken for 2号 type: about 20 characters a line in portrait, 29 in landscape."""
        return break_title(self.title, TITLE_CHARS_LANDSCAPE if self.landscape else TITLE_CHARS)


def notice_file_name(view: NoticeView) -> str:
    """黑财指（社）〔2023〕256号 黑龙江省财政厅关于….docx, without characters illegal in file names."""
    safe = "".join(ch for ch in f"{view.doc_number} {view.title}" if ch not in ILLEGAL_IN_NAMES)
    return bounded_name(safe, ".docx")


def mark_runs(mark: str, size: int) -> Markup:
    """The 发文机关标志 run, condensed (w:w) when the name is too long for the line at the style's size."""
    width = text_em(mark) * size * 10  # half-points → twips per em
    scale = min(100, int(100 * TEXT_WIDTH * MARK_WIDTH / width)) if width else 100
    props = f'<w:rPr><w:w w:val="{scale}"/></w:rPr>' if scale < 100 else ""
    return Markup(run(mark, props))


def _docx_tables():
    try:
        from . import docx_tables
    except ImportError as e:
        raise RenderError("缺少表格排版模块 generator/docx_tables.py，无法排版分配表和绩效目标表") from e
    return docx_tables


def attachment_block(derived: Derived, numbered: Numbered, styles: TableStyles) -> AttachmentBlock:
    """Content and orientation of one attachment, by kind; `styles` records the sized styles its tables use."""
    kind = numbered.attachment.kind
    if kind == "allocation_table":
        view = derived.tables[numbered.number]
        build = _docx_tables().allocation_table_pieces
        return AttachmentBlock(numbered.number, numbered.title, True, lambda: build(view, styles), view.landscape)
    if kind == "target_tables":
        build = getattr(_docx_tables(), "target_tables_pieces", None)
        if build is None:
            raise RenderError("generator/docx_tables.py 尚未提供 target_tables_pieces，无法排版绩效目标表")
        views, flow = derived.targets_for(numbered), numbered.attachment.flow
        return AttachmentBlock(numbered.number, numbered.title, False, lambda: build(views, flow, styles), False)
    return AttachmentBlock(numbered.number, numbered.title, True, lambda: [form_xml(derived, numbered, styles)],
                           kind == "feedback_form")


def inline_blocks(derived: Derived, package: TemplatePackage,
                  styles: TableStyles) -> tuple[list[AttachmentBlock], Markup]:
    """Attachment blocks, each opened by the section break that ends the section before it, and the
    break that ends the last one (the 版记 then follows in the template's final, continuous section)."""
    blocks = [attachment_block(derived, n, styles) for n in derived.attachments]
    previous = section_variant(package.section)
    for slot, block in enumerate(blocks):
        block.slot = slot
        block.opening = Markup(section_break(previous))
        previous = section_variant(package.section, landscape=block.landscape, grid=False)
    closing = Markup(section_break(previous)) if blocks else NOTHING
    return blocks, closing


def notice_fields(derived: Derived, package: TemplatePackage, blocks: Iterable[AttachmentBlock] = (),
                  closing: Markup = NOTHING) -> dict:
    """Everything notice.docx prints, by the names its tags use."""
    view = derived.notice
    n = view.notice
    disclosure = view.disclosure_text or ""
    before_cc = n.disclosure_position == "before_cc"
    return {
        "mark_runs": mark_runs(n.mark, style_size(package, "GwMark", 96)),
        "doc_number": view.doc_number,
        "title_lines": view.title_lines,
        "addressees": view.addressees,
        "body": view.body,
        "attachment_list": [{"number": num, "title": title, "sub": "-" in num}
                            for num, title in view.attachment_list],
        "signature_block": Markup(signature_xml(n.signature, n.sign_date)),
        "disclosure_after_date": "" if before_cc else disclosure,
        "disclosure_before_cc": disclosure if before_cc else "",
        "attachments": list(blocks),
        "closing": closing,
        "cc_text": view.cc_text or "",
        "printer": view.print_line[0],
        "print_date": view.print_line[1].removesuffix("印发"),
        "copies": n.copies or "",
    }


def render_notice(derived: Derived) -> bytes:
    """The notice .docx, with its attachments when the spec prints them inline."""
    package = load_template(NOTICE_TEMPLATE)
    styles = table_styles(package)
    inline = derived.notice.notice.attachments_inline
    blocks, closing = inline_blocks(derived, package, styles) if inline else ([], NOTHING)
    fields = notice_fields(derived, package, blocks, closing)
    return render_docx(package, fields, inserts=[b.pieces for b in blocks], styles=styles)


def render_attachment(derived: Derived, numbered: Numbered) -> bytes:
    """One attachment as its own .docx, labelled with the 发文字号 (GB/T 9704 7.3.7)."""
    package = load_template(ATTACHMENT_TEMPLATE)
    styles = table_styles(package)
    block = attachment_block(derived, numbered, styles)
    fields = {"doc_number": derived.notice.doc_number, "number": block.number, "title_lines": block.title_lines,
              "show_title": block.show_title, "content": block.content}
    section = section_variant(package.section, landscape=block.landscape, grid=False)
    return render_docx(package, fields, section, inserts=[block.pieces], styles=styles)


def render_notice_documents(derived: Derived) -> dict[str, bytes]:
    """File name → .docx bytes: the notice, plus one file per attachment when they are not inline."""
    from .render import document_name

    files = {notice_file_name(derived.notice): render_notice(derived)}
    if not derived.notice.notice.attachments_inline:
        for numbered in derived.attachments:
            files[document_name(numbered.number, numbered.title, "docx")] = render_attachment(derived, numbered)
    return files
