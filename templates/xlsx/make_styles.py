"""Regenerate templates/xlsx/styles.xlsx from the built-in defaults in generator/xlsx_styles.py.

Usage: python templates/xlsx/make_styles.py [OUT.xlsx]

The file is a sample sheet: column A names a style role, column C is a cell styled for that role.
Edit column C in Excel or LibreOffice (font, size, bold, fill, borders, alignment, wrap) and save;
the generator copies those properties. Running this script again discards such edits.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.xlsx_styles import ROLES, SHEET, TEMPLATE  # noqa: E402
from generator.xlsx_writer import Workbook  # noqa: E402

INTRO = ("修改 C 列样例单元格的字体、字号、加粗、填充色、边框和对齐方式后保存，生成的 Excel 附件即采用新样式。"
         "A 列样式名不要改；数字格式（小数位、千分位、零值）由批次文件决定，不在此设置。")


def write_template(path: Path) -> None:
    """Write the sample sheet: one row per style role."""
    wb = Workbook(str(path))
    wb.set_properties({"title": "资金下达文件 Excel 附件样式", "created": datetime(2024, 1, 1)})
    ws = wb.add_worksheet(SHEET)
    intro = wb.add_format({"text_wrap": True, "valign": "top", "font_name": "宋体", "font_size": 10})
    head = wb.add_format({"bold": True, "font_name": "黑体", "bottom": 1})
    plain = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"})
    ws.merge_range(0, 0, 0, 2, INTRO, intro)
    ws.set_row(0, 48)
    for col, text in enumerate(["样式名（勿改）", "用途", "样例（修改这一列）"]):
        ws.write_string(1, col, text, head)
    for row, (role, (sample, purpose, props)) in enumerate(ROLES.items(), start=2):
        ws.write_string(row, 0, role, plain)
        ws.write_string(row, 1, purpose, plain)
        ws.write_string(row, 2, sample, wb.add_format(props))
        ws.set_row(row, 30 if props.get("font_size", 11) > 12 else 22)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 36)
    ws.freeze_panes(2, 0)
    wb.close()


if __name__ == "__main__":
    write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE)
