"""Command line: `python -m generator check|build`. Thin: it parses arguments and calls the pipeline."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import GeneratorError
from .os_errors import describe

EPILOG = """\
示例 (examples):
  python -m generator check specs/examples/heilongjiang-2023-256.yaml
  python -m generator build specs/examples -o output            # 整个文件夹，递归查找批次文件
  python -m generator build specs/ -o output --jobs 2 --pdf

退出码 (exit status): 0 全部通过; 1 有批次出错; 2 命令用法错误.
批次文件的写法见 docs/spec.md.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help a newcomer can follow."""
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="资金下达文件生成器：检查批次描述文件（YAML），生成下达通知、分配表、绩效目标表等文件。",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="检查批次文件：列出全部错误和警告（不生成文件）",
                           description="检查一个或多个批次文件（或文件夹）。有错误时退出码为 1。")
    check.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="批次文件或文件夹")
    check.add_argument("-q", "--quiet", action="store_true", help="只显示错误，不显示警告")
    build = sub.add_parser("build", help="生成文件：每个批次一个文件夹，内含 .docx/.xlsx、压缩包和清单",
                           description="检查并生成。每个批次写入 DIR/<批次文件名>/，整体替换（失败时保留上次结果）。")
    build.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="批次文件或文件夹（递归查找）")
    build.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR", help="输出目录（默认 output）")
    build.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转出 PDF（预览用）")
    build.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="并行数（默认 CPU 核数）")
    build.add_argument("--force", action="store_true", help="即使批次未改动也重新生成")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.specs, args.quiet)
        return run_build(args.specs, args.output, args.jobs, args.pdf, args.force)
    except GeneratorError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except OSError as e:  # reading the specs or the output folder: the path and the reason, not a traceback
        print(f"错误：{describe(e, '无法读写')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_check(paths: list[Path], quiet: bool) -> int:
    """Check every spec; print problems; 1 if any has errors."""
    from .bulk import find_specs
    from .pipeline import check_spec

    specs, missing = find_specs(paths)
    failed = len(missing)
    for path in missing:
        print(f"{path}: 错误：找不到文件或文件夹", file=sys.stderr)
    for spec in specs:
        report = check_spec(spec)
        shown = report.errors if quiet else report.errors + report.warnings
        for problem in shown:
            print(problem)
        status = "通过" if report.ok else f"{len(report.errors)} 个错误"
        print(f"{spec}: {report.kind_line}：{status}，{len(report.warnings)} 个警告")
        failed += not report.ok
    return 1 if failed else 0


def run_build(paths: list[Path], out: Path, jobs: int, pdf: bool, force: bool) -> int:
    """Build every spec in parallel; one line per batch and a summary; 1 if any failed."""
    from .bulk import build_all

    return build_all(paths, out, jobs=jobs, pdf=pdf, force=force, stream=sys.stdout)
