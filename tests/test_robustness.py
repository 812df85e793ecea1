"""Bad input never produces a traceback: mutated specs always come back as a report of problems."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.cli import main
from generator.pipeline import check_spec

MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8").splitlines()
JUNK = ["", "- x", "x: 1", "  - []", "[1,2]", "null", '"{{ }}"', "{a: b}", "- {unit: 1}", "  foo: bar", "\t\tbad"]
VALUES = ["[]", "{}", "3", "abc", "null", "-5", "1.234", "[a, b]", "'=1+1'", "2024-13-45"]


def mutate(rng: random.Random) -> str:
    lines = list(MINI)
    for _ in range(rng.randint(1, 3)):
        j = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.4:
            del lines[j]
        elif op < 0.7 and ":" in lines[j]:
            lines[j] = lines[j].split(":")[0] + ": " + rng.choice(VALUES)
        else:
            lines.insert(j, rng.choice(JUNK))
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_specs_never_raise(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "m.yaml"
    for _ in range(60):
        path.write_text(mutate(rng), encoding="utf-8")
        report = check_spec(path)
        for problem in report.problems:
            assert problem.message and str(problem)


def test_cli_exit_codes(tmp_path, capsys):
    good = Path(__file__).parent / "data" / "mini.yaml"
    assert main(["check", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(MINI).replace("printer:", "printr:"), encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml" in out and "printr" in out and "1 个错误" in out  # one typo, one error (not also "missing printer")
    assert main(["check", str(tmp_path / "missing.yaml")]) == 1


def test_cli_help_explains_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "check" in out and "build" in out and "docs/spec.md" in out
