"""Render a derived batch into its document set: file name → bytes. Pure: no files are written here."""

from __future__ import annotations

from .derive import Derived
from .filenames import bounded_name


def document_name(number: str, title: str, ext: str) -> str:
    """附件1-1 2023年妇幼保健机构能力建设项目资金分配表.xlsx (characters illegal in file names removed)."""
    return safe_file_name(f"附件{number} {title}", ext)


def safe_file_name(stem: str, ext: str) -> str:
    """A file name from any text: characters illegal in file names removed, bounded in characters and bytes
    (filenames.bounded_name), so a long title never makes a name the file system refuses."""
    return bounded_name(stem, f".{ext}")


def render_batch(derived: Derived) -> dict[str, bytes]:
    """Every document of the batch: the notice (with or without its attachments) and the workbooks."""
    from .render_notice import render_notice_documents
    from .render_xlsx import render_workbooks

    files: dict[str, bytes] = {}
    files.update(render_notice_documents(derived))
    files.update(render_workbooks(derived))
    return files
