"""The batches page: every batch with 文号, 资金名称, year, status, last change (git) and last build; search and
filters by year and issuer. A spec that fails to load is a row marked 有错误, never an error page."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from generator.bulk import find_specs
from generator.pipeline import check_spec

from . import spec_store
from .shared_state import changed_state, read_state

bp = Blueprint("batch_list", __name__)
_CACHE: dict[str, tuple[tuple, BatchRow]] = {}
_CACHE_LOCK = threading.Lock()
_REF = re.compile(r"^(profile|registry):\s*[\"']?([^\"'#\s]+)", re.M)


@dataclass
class BatchRow:
    """What the batches page shows for one spec."""

    name: str
    doc_number: str = ""
    fund: str = ""
    year: str = ""
    issuer: str = ""
    status: str = "有错误"  # 可生成 | 有警告 | 有错误
    errors: int = 0
    warnings: int = 0
    author: str = ""
    changed: str = ""
    built: str = ""
    kind: str = "batch"  # the document kind (generator/kinds.py); only a notice batch has a 文号 and a 下一批
    kind_label: str = ""
    failure: str = ""  # checking the spec crashed (logged): the row says so instead of counting errors

    @property
    def css(self) -> str:
        """The status colour class."""
        return {"可生成": "ok", "有警告": "warn"}.get(self.status, "err")

    def matches(self, query: str) -> bool:
        """Search over file name, 文号, 资金名称 and issuer."""
        return not query or any(query.lower() in s.lower() for s in (self.name, self.doc_number, self.fund,
                                                                      self.issuer))


def spec_root() -> Path:
    """The folder of batch specs."""
    return Path(current_app.config["SPEC_ROOT"]).resolve()


@bp.get("/batches")
def index():
    """The batches page with search (q), year and issuer filters (also the site's front page, `/`)."""
    return render_list()


def render_list(message: str = "", status: int = 200):
    """The batches page, with a message above the list (an upload that could not be read)."""
    rows = batch_rows()
    query, year, issuer = (request.args.get(k, "").strip()[:100] for k in ("q", "year", "issuer"))
    shown = [r for r in rows if r.matches(query) and (not year or r.year == year)
             and (not issuer or r.issuer == issuer)]
    years = sorted({r.year for r in rows if r.year}, reverse=True)
    issuers = sorted({r.issuer for r in rows if r.issuer})
    created = request.args.get("created", "")
    created = created if any(r.name == created for r in rows) else ""
    return render_template("batch_list.html", rows=shown, total=len(rows), years=years, issuers=issuers,
                           query=query, year=year, issuer=issuer, created=created, message=message,
                           blanks=request.args.get("blanks", 0, type=int)), status


def batch_rows() -> list[BatchRow]:
    """One row per batch spec under the spec root (hidden folders skipped), newest change first."""
    root = spec_root()
    specs, _ = find_specs([root])
    builds = read_builds()
    rows = []
    for path in specs:
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        row = _row(path, rel.as_posix())
        row.built = builds.get(row.name, "")
        rows.append(row)
    rows.sort(key=lambda r: (r.changed, r.name), reverse=True)
    return rows


def _row(path: Path, name: str) -> BatchRow:
    """The row of one spec, cached while the spec and the profile/registry it names are unchanged."""
    try:
        data = path.read_bytes()
    except OSError:
        return BatchRow(name)
    key = (hashlib.sha1(data).hexdigest(), *_ref_stamps(path, data))
    with _CACHE_LOCK:
        hit = _CACHE.get(str(path))
    if hit and hit[0] == key:
        row = hit[1]
    else:
        row = _checked_row(path, name)
        with _CACHE_LOCK:
            _CACHE[str(path)] = (key, row)
    out = BatchRow(**{**row.__dict__})
    out.author, out.changed = last_change(path)
    return out


def _ref_stamps(path: Path, data: bytes) -> list:
    text = data.decode("utf-8", "replace")
    stamps = []
    for _, ref in _REF.findall(text):
        try:
            stat = (path.parent / ref).stat()
            stamps.append((ref, stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((ref, None))
    return stamps


def _checked_row(path: Path, name: str) -> BatchRow:
    row = BatchRow(name)
    try:
        report = check_spec(path)
    except Exception:  # noqa: BLE001 - one broken spec is a row marked 有错误, logged, never a 500
        current_app.logger.exception("checking %s failed", path)
        row.failure = "无法检查（程序出错，已记入日志）"
        return row
    row.errors, row.warnings = len(report.errors), len(report.warnings)
    row.status = "有错误" if report.errors else "有警告" if report.warnings else "可生成"
    if report.kind is not None:
        row.kind, row.kind_label = report.kind.name, report.kind.label
    if report.derived is not None and report.kind is not None:
        about = report.kind.summary(report.derived)
        row.doc_number, row.fund, row.year, row.issuer = about.number, about.title, about.year, about.issuer
    else:
        row.year = _year_from_text(path)
    return row


def _year_from_text(path: Path) -> str:
    """A batch with errors has no derived notice; its year still filters (read from `year:` in the text)."""
    try:
        match = re.search(r"^\s+year:\s*(\d{4})\b", path.read_text(encoding="utf-8", errors="replace"), re.M)
    except OSError:
        return ""
    return match.group(1) if match else ""


def last_change(path: Path) -> tuple[str, str]:
    """Who last committed the file and when (YYYY-MM-DD HH:MM), from git; blank if never committed."""
    store = spec_store()
    try:
        out = store.git("log", "-1", "--format=%an%x1f%ad", "--date=format-local:%Y-%m-%d %H:%M", "--",
                        store.rel(path), check=False).decode("utf-8", "replace").strip()
    except Exception:  # noqa: BLE001 - git trouble leaves the column blank; the page still opens
        current_app.logger.exception("git log %s failed", path)
        return "", ""
    author, _, when = out.partition("\x1f")
    return author, when


def builds_file() -> Path:
    """Where the web records each batch's last build (outside the specs repository)."""
    return Path(current_app.config.get("INSTANCE_PATH") or current_app.instance_path) / "builds.json"


def read_builds() -> dict[str, str]:
    """Batch name → 'YYYY-MM-DD HH:MM 由 某人' of its last build through the web."""
    return {str(k): str(v) for k, v in read_state(builds_file()).items()}


def record_build(name: str) -> None:
    """Note that the clerk just generated this batch's documents (every server process writes the same file)."""
    stamp = f"{datetime.now():%Y-%m-%d %H:%M}（{current_user.name}）"
    if read_state(builds_file()).get(name) == stamp:
        return  # the same minute, the same clerk: already recorded (no rewrite per click)
    with changed_state(builds_file()) as builds:
        builds[name] = stamp
