"""The 绩效自评表 (and the P8 指标体系) as one .docx: each form on a page of its own, portrait or landscape.

The forms come as Grids (evaluation_forms.py); a part's label (第一部分 …) heads its form so a clerk can
tell the parts apart. Page geometry and styles are the attachment template's (GB/T 9704 margins).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .docx_package import STYLES, load_template, section_break, section_variant, sized_styles, table_styles, write_docx
from .evaluation_grid import Grid
from .evaluation_grid_docx import grid_pieces, paragraph
from .ooxml import CELL_LEFT, HEITI, TableStyles

LABEL_SIZE = 28  # 四号 黑体 for the part label above a form


def form_pieces(label: str, grid: Grid, styles: TableStyles) -> Iterator[str]:
    """One form with the label of the part it belongs to."""
    if label:
        yield paragraph(styles(CELL_LEFT, LABEL_SIZE), label, HEITI, LABEL_SIZE, keep_next=True)
    yield from grid_pieces(grid, styles)


def forms_docx(forms: Iterable[tuple[str, Grid]]) -> bytes:
    """(part label, form) pairs as one .docx, each form starting a new page in its own orientation."""
    package = load_template("attachment.docx")
    styles = table_styles(package)
    pieces = [package.head]
    forms = list(forms)
    for i, (label, grid) in enumerate(forms):
        pieces.extend(form_pieces(label, grid, styles))
        section = section_variant(package.section, landscape=grid.landscape, grid=False)
        pieces.append(section_break(section) if i < len(forms) - 1 else section)
    if not forms:
        pieces.append(section_variant(package.section, grid=False))
    pieces.append("</w:body></w:document>")
    return write_docx(package.parts, pieces, lambda: {STYLES: sized_styles(package, styles)})
