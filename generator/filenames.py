"""File names made from clerk-written text: legal on Linux and Windows, and short enough for every file system."""

from __future__ import annotations

import hashlib
import unicodedata

# ext4, xfs and tmpfs allow 255 bytes per name; we stay well below so that the writer's hidden temporary
# names (a short prefix plus the name) and a colleague's unzip into a deeper folder still fit.
MAX_NAME_BYTES = 200
# Windows tools still trip over paths longer than 260 characters: a name leaves room for its folders.
MAX_NAME_CHARS = 120
ILLEGAL = set('\\/:*?"<>|')
ELLIPSIS = "…"


def clean_name(text: str) -> str:
    """text without characters a file system or Windows refuses (separators, control and format characters)."""
    kept = (ch for ch in text if ch not in ILLEGAL and unicodedata.category(ch)[0] != "C")
    # a leading dot would hide the file; trailing dots and spaces are dropped by Windows
    return "".join(kept).strip().lstrip(".").rstrip(". ")


def bounded_name(text: str, ext: str = "") -> str:
    """A file name from text and an extension (".docx"), at most MAX_NAME_CHARS characters and MAX_NAME_BYTES
    bytes in UTF-8; a shortened name ends in …and a short hash of the full text, so two long titles that share
    their beginning still get different names."""
    stem = clean_name(text) or "未命名"
    if len(stem) + len(ext) <= MAX_NAME_CHARS and len((stem + ext).encode("utf-8")) <= MAX_NAME_BYTES:
        return stem + ext
    tag = ELLIPSIS + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    room_chars = MAX_NAME_CHARS - len(tag) - len(ext)
    room_bytes = MAX_NAME_BYTES - len((tag + ext).encode("utf-8"))
    cut = stem[:room_chars]
    while len(cut.encode("utf-8")) > room_bytes:
        cut = cut[:-1]
    return cut.rstrip(". ") + tag + ext
