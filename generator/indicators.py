"""The indicator tree: 二级指标 determines 一级指标; target values parsed where a check needs them."""

from __future__ import annotations

import re

L2_TO_L1 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",  # older forms put 成本 under 产出
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "满意度指标": "满意度指标",
}

_VALUE = re.compile(r"^\s*(≥|≤|>=|<=|>|<|=|≦|≧)?\s*([0-9]+(?:\.[0-9]+)?)\s*(?:[~～-]\s*([0-9]+(?:\.[0-9]+)?))?\s*(.*)$")


def level1_of(level2: str) -> str | None:
    """The canonical 一级指标 for a 二级指标 name, or None when unknown."""
    return L2_TO_L1.get(level2)


def parse_value(text: str) -> tuple[str | None, str, str] | None:
    """'≥90%' → ('≥', '90', '%'); text targets such as '逐年上升' → None."""
    match = _VALUE.match(text)
    if not match:
        return None
    op, number, upper, unit = match.groups()
    op = {">=": "≥", "<=": "≤", "≦": "≤", "≧": "≥"}.get(op or "", op)
    return op, number if upper is None else f"{number}~{upper}", unit.strip()
