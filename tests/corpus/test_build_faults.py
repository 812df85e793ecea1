"""Runs the build-time family (tests/corpus/build_faults.py): each fault set up after a good build, the next build
judged by #8's rules and tallied in the corpus totals."""

from __future__ import annotations

import pytest

from corpus.build_faults import IS_ROOT, assert_build_case, cases

CASES = cases()


def test_the_family_has_at_least_twenty_cases():
    assert len(CASES) >= 20 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_build_fault(case, tmp_path):
    if case.needs == "root" and not IS_ROOT:
        pytest.skip("needs root (mount or chattr)")
    assert_build_case(case, tmp_path)
