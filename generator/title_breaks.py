"""Breaking a 2号 title into lines the way GB/T 9704-2012 7.3.1 asks: words kept whole, lines balanced
into a 梯形 or 菱形, in time linear in the title's length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate

# Good places to break a long title: after these strings, or before the second set.
BREAK_AFTER = ("关于下达", "关于", "年", "）", "补助资金", "资金", "服务", "、", "，")
BREAK_BEFORE = ("（", "的通知", "关于", "补助资金", "附属", "财政局", "小计", "合计", "自治县", "地区")
# Words a break must not split (GB/T 9704 7.3.1: 回行时要做到词意完整): the vocabulary of fund titles.
WORDS = frozenset((
    "关于", "下达", "中央", "财政", "补助", "资金", "通知", "基层", "医疗", "卫生", "服务", "能力", "提升", "建设",
    "机构", "项目", "公共", "基本", "保障", "预算", "绩效", "目标", "分配", "转移", "支付", "管理", "工作", "使用",
    "自治区", "专项", "明细", "健康", "妇幼", "保健", "重点", "专科", "临床", "职业病", "防治", "疾病", "预防",
    "控制", "应急", "人才", "培训", "设备", "更新", "调整", "情况", "说明", "做好", "地方", "一般", "共同", "事权",
    "区域", "跟踪", "反馈", "报备", "监督", "责任人", "直达", "公共卫生", "医疗卫生", "卫生健康", "能力建设",
    "能力提升", "医疗服务", "卫生服务", "转移支付", "第一批", "第二批", "第三批", "第四批", "分配表", "目标表",
    "明细表", "反馈表", "报备表", "医院", "大学", "附属", "财政局", "卫生院", "中心", "人民", "疾控", "街道", "社区",
    "应补助", "下达", "其中：", "绩效奖补", "医学院", "学院", "口腔", "研究", "梅里斯", "蒙古", "大兴安岭"))
LONGEST = max(map(len, WORDS))
# A title ends with its kind of document: 的通知, 的函 … stay on one line, never `…的通` / `知`.
KINDS = ("的通知", "的函", "的批复", "的报告", "的请示", "的意见", "的决定", "的公告", "的通报", "的办法")
NO_LINE_START = frozenset("）》」』”’、，。；：？！…—")
NO_LINE_END = frozenset("（《「『“‘")
FORBIDDEN = float("inf")
GENERIC, IN_WORD = 6.0, 20.0  # a break between characters of no known word / inside a known word
EXACT_LINES = 4  # up to this many lines every shape is searched (梯形/菱形); longer titles are cut evenly
SLACK = 3  # a long title's cut stays within this many characters of its even share


def text_width(text: str) -> float:
    """Width in Chinese characters: ASCII counts half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def cut_costs(title: str, markers: tuple[str, ...] = ()) -> Callable[[int], float]:
    """The cost of breaking the title before character c: 0 at a good break, GENERIC between two
    characters, IN_WORD inside a known word, FORBIDDEN inside a number, before closing or after
    opening punctuation, or inside the closing 的通知/的函…."""
    n = len(title)
    kind = next((len(k) for k in KINDS if title.endswith(k)), 0)
    after = BREAK_AFTER + markers

    def cost(c: int) -> float:
        if c <= 0 or c >= n:
            return 0.0
        a, b = title[c - 1], title[c]
        if c > n - kind or b in NO_LINE_START or a in NO_LINE_END or (a.isdigit() and b in "年月日号批") \
                or (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()):
            return FORBIDDEN
        if any(title.endswith(m, 0, c) for m in markers):
            return 0.0
        if any(title[s:s + size] in WORDS for size in range(2, LONGEST + 1) for s in range(c - size + 1, c)):
            return IN_WORD
        if any(title.endswith(w, 0, c) for w in after) or any(title.startswith(w, c) for w in BREAK_BEFORE):
            return 0.0
        return GENERIC

    return cost


def break_title(title: str, max_chars: float = 20, markers: tuple[str, ...] = ()) -> list[str]:
    """Split a 2号 title into as few lines as fit, balanced into a 梯形 or 菱形 (GB/T 9704 7.3.1).

    Breaks keep words whole (cut_costs); line widths rise then fall (菱形), only rise or only fall (梯形),
    never dip in the middle. Widths count a Chinese character as 1 and ASCII as ½. Linear in the title's
    length: up to EXACT_LINES lines every shape is tried (few, since each line is nearly full); a longer
    title, which no clerk writes, is cut near evenly spaced shares.
    """
    edge = list(accumulate((0.5 if ch < "\x80" else 1.0 for ch in title), initial=0.0))
    if edge[-1] <= max_chars:
        return [title]
    cost = cut_costs(title, tuple(m for m in markers if m))
    lines = -int(-edge[-1] // max_chars)
    if lines <= EXACT_LINES:
        costs = [cost(c) for c in range(len(title) + 1)]
        for count in range(lines, EXACT_LINES + 1):
            cuts = _best_shape(edge, costs, count, max_chars)
            if cuts is not None:
                return _split(title, cuts)
    return _split(title, _even_cuts(edge, cost, lines, max_chars))


def _split(title: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(title)]
    return [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _best_shape(edge: list[float], cost: list[float], lines: int, max_chars: float) -> list[int] | None:
    """The cheapest split into `lines` lines whose widths rise then fall, or None: the breaks' costs plus
    each width's squared distance from the even share."""
    n = len(edge) - 1
    ideal = edge[n] / lines
    best: list = [FORBIDDEN, None]

    def search(start: int, left: int, cuts: list[int], score: float, prev: float, falling: bool) -> None:
        if score >= best[0]:
            return
        if left == 1:
            width = edge[n] - edge[start]
            final = score + (width - ideal) ** 2
            if width <= max_chars and not (falling and width > prev) and final < best[0]:
                best[:] = [final, cuts]
            return
        end = start + 1
        while end < n and edge[end] - edge[start] <= max_chars:
            width = edge[end] - edge[start]
            # the rest must fit in the lines left; once falling, no line may be wider than the one before
            if cost[end] < FORBIDDEN and edge[n] - edge[end] <= max_chars * (left - 1) \
                    and not (falling and width > prev):
                search(end, left - 1, [*cuts, end], score + cost[end] + (width - ideal) ** 2, width,
                       falling or (bool(cuts) and width < prev))
            end += 1

    search(0, lines, [], 0.0, 0.0, False)
    return best[1]


def _even_cuts(edge: list[float], cost: Callable[[int], float], lines: int, max_chars: float) -> list[int]:
    """Cuts for a title too long to search: each the cheapest break within SLACK characters of its even
    share, no line wider than max_chars (a forced break where nothing else fits)."""
    n = len(edge) - 1
    step = edge[n] / lines
    cuts, start = [], 0
    while edge[n] - edge[start] > max_chars:
        target = edge[start] + step
        low = max(start + 1, bisect_left(edge, target - SLACK))
        high = min(n - 1, bisect_right(edge, min(target + SLACK, edge[start] + max_chars)) - 1)
        span = range(low, high + 1)
        cut = min(span, key=lambda c: cost(c) + (edge[c] - target) ** 2, default=start + 1)
        if cost(cut) == FORBIDDEN:  # nothing breakable within reach (a 20-digit number): break anyway
            cut = high if high > start else start + 1
        cuts.append(cut)
        start = cut
    return cuts
