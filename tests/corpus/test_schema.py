"""Schema at every level, generated from the example specs: an unknown key in every mapping, a wrong-typed
value in place of scalars throughout, each required key removed. Each is one error at its line naming the key."""

from __future__ import annotations

import pytest

from corpus.harness import Case, assert_refused, example
from generator.yamlsrc import YList, YMap, parse_yaml

MINI = example("mini")
DEMO = example("demo-2025")
# Mappings whose keys are the writer's own names (slot names, header fields, row labels, table vars):
# any key is allowed there, so an unknown key cannot be an error.
FREE = ("slots", "fields", "labels", "group_labels", "vars", "indicator_sets")


def _walk(data, path: str = ""):
    """(path, container, key) for every mapping entry and list item, depth first."""
    if isinstance(data, YMap):
        yield path, data, None
        for key, value in data.items():
            yield from _walk(value, f"{path}.{key}" if path else key)
    elif isinstance(data, YList):
        for i, item in enumerate(data):
            yield from _walk(item, f"{path}[{i}]")


def _insert_unknown(text: str, mapping: YMap) -> tuple[str, int] | None:
    """text with `zzq_unknown: 1` added to the mapping, and the line it is on (None: no safe place)."""
    lines = text.splitlines(keepends=True)
    _, line, col = mapping.pos
    row = lines[line - 1]
    if row[col - 1:col] == "{":
        lines[line - 1] = row[:col] + "zzq_unknown: 1, " + row[col:]
        return "".join(lines), line
    first = next(iter(mapping), None)
    if first is None:
        return None
    _, kline, kcol = mapping.key_pos[first]
    if lines[kline - 1][:kcol - 1].strip() == "":  # the key starts its line: add a line before it
        lines.insert(kline - 1, " " * (kcol - 1) + "zzq_unknown: 1\n")
        return "".join(lines), kline
    vline = mapping.val_pos[first][1]
    if vline == kline and not isinstance(mapping[first], (YMap, YList)):  # `- key: value`: add a line after it
        lines.insert(kline, " " * (kcol - 1) + "zzq_unknown: 1\n")
        return "".join(lines), kline + 1
    return None


def unknown_key_cases(name: str, text: str) -> list[Case]:
    data = parse_yaml(text, "x.yaml", [])
    cases = []
    for path, mapping, _ in _walk(data):
        if path.rsplit(".", 1)[-1].split("[")[0] in FREE:
            continue
        placed = _insert_unknown(text, mapping)
        if placed is None:
            continue
        mutated, line = placed
        cases.append(Case(f"{name}-unknown-key-at-{path or 'top'}", "schema", mutated, line=line,
                          fragments=("「zzq_unknown」",), build=len(cases) % 3 == 0))
    return cases


WRONG = "[这是, 一个列表]"
# Keys where a list is as good as one value (goal: several goals; cc: several offices; …).
TAKES_A_LIST = {"goal", "cc", "title_lines", "units", "uses", "exempt", "projects", "layouts", "measures"}


def wrong_type_cases(name: str, text: str, every: int) -> list[Case]:
    """A list where a scalar stood (for every `every`-th scalar mapping value written on its key's line)."""
    data = parse_yaml(text, "x.yaml", [])
    lines = text.splitlines(keepends=True)
    cases, seen = [], 0
    for path, mapping, _ in _walk(data):
        if path.rsplit(".", 1)[-1].split("[")[0] in ("vars",):
            continue
        for key, value in mapping.items():
            if isinstance(value, (YMap, YList)) or value is None or key in TAKES_A_LIST:
                continue
            _, line, col = mapping.val_pos[key]
            row = lines[line - 1]
            source = row[col - 1:]
            end = _scalar_end(source)
            if end is None:
                continue
            seen += 1
            if seen % every:
                continue
            mutated = lines.copy()
            mutated[line - 1] = row[:col - 1] + WRONG + source[end:]
            field = f"{path}.{key}" if path else key
            cases.append(Case(f"{name}-wrong-type-{field}", "schema", "".join(mutated), line=line,
                              fragments=("列表",), build=len(cases) % 3 == 0))
    return cases


def _scalar_end(source: str) -> int | None:
    """Length of the scalar at the start of `source` (plain or quoted, one line), or None if unsure."""
    if source[:1] in "\"'":
        close = source.find(source[0], 1)
        return close + 1 if close > 0 else None
    for i, ch in enumerate(source):
        if ch in ",}]\n" or source[i:i + 2] == " #":
            return i
    return len(source)


REQUIRED = [
    ("notice-program", "  program: 示例能力提升\n", "notice", "program"),
    ("notice-issuer", "  issuer: 示例省财政厅\n", "notice", "issuer"),
    ("notice-addressees", "  addressees: 各市财政局，省直有关单位\n", "notice", "addressees"),
    ("notice-printer", "  printer: 示例省财政厅办公室\n", "notice", "printer"),
    ("notice-print-date", "  print_date: 2024-03-08\n", "notice", "print_date"),
    ("notice-year", "  year: 2024\n", "notice", "year"),
    ("doc-number", "  doc_number: {agency: 示财社, year: 2024, seq: 7}\n", "notice", "doc_number"),
    ("doc-seq", "{agency: 示财社, year: 2024, seq: 7}", "notice.doc_number", "seq"),
    ("doc-agency", "{agency: 示财社, year: 2024, seq: 7}", "notice.doc_number", "agency"),
    ("project-id", "  - {id: lab, name: 实验室建设}", "projects[0]", "id"),
    ("project-name", "  - {id: lab, name: 实验室建设}", "projects[0]", "name"),
    ("allocation-unit", "  - {unit: 省医院, lab: {due: 100, advance: 40, perf: 5}}", "allocations[0]", "unit"),
    ("expected-value", "  - {of: total, measure: due, value: 227}", "expected[0]", "value"),
    ("expected-measure", "  - {of: total, measure: due, value: 227}", "expected[0]", "measure"),
    ("unit-level", "  - {name: 省医院, level: province_unit, group: province}", "units[0]", "level"),
    ("part-name", "      - {key: a, name: 设备}", "projects[1].parts[0]", "name"),
]


def required_cases() -> list[Case]:
    cases = []
    for case_id, line_text, field, key in REQUIRED:
        at = MINI.index(line_text)
        line = MINI.count("\n", 0, at) + 1
        if line_text.endswith("\n"):
            text = MINI.replace(line_text, "", 1)
            line = None  # reported where the mapping starts
        else:
            import re

            text = MINI.replace(line_text, re.sub(rf"(, )?{key}: [^,}}]+(, )?", lambda m: ", " if m.group(1) and
                                                  m.group(2) else "", line_text, count=1), 1)
        cases.append(Case(f"missing-{case_id}", "schema", text, field=field, line=line,
                          fragments=(f"缺少必填项「{key}」",)))
    return cases


CASES = (unknown_key_cases("mini", MINI) + unknown_key_cases("demo", DEMO) + wrong_type_cases("mini", MINI, 2)
         + wrong_type_cases("demo", DEMO, 5) + required_cases())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_schema(case, tmp_path):
    assert_refused(case, tmp_path)


def _one_error(outcome) -> None:
    errors = [line for line in outcome.output.splitlines() if ": 错误：" in line]
    assert len(errors) == 1, "one typo must give one error, not a cascade:\n" + "\n".join(errors[:20])


TYPOS = [("projects:", "projcts:"), ("allocations:", "alocations:"), ("units:", "unts:"), ("groups:", "grups:"),
         ("notice:", "notise:"), ("attachments:", "attachmnts:"), ("targets:", "targts:"), ("expected:", "expectd:"),
         ("  program:", "  progam:"), ("  printer:", "  printr:"), ("  print_date:", "  print_dat:"),
         ("  addressees:", "  adressees:")]


def typo_cases() -> list[Case]:
    cases = []
    for old, new in TYPOS:
        text = MINI.replace("\n" + old, "\n" + new, 1)
        assert text != MINI, old
        line = text.count("\n", 0, text.index("\n" + new) + 1) + 1
        cases.append(Case(f"typo-{new.strip(' :')}", "schema", text, line=line, fragments=(f"「{new.strip(' :')}」",),
                          verify=_one_error))
    return cases


@pytest.mark.parametrize("case", typo_cases(), ids=str)
def test_one_typo_one_error(case, tmp_path):
    assert_refused(case, tmp_path)
