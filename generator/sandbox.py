"""The one Jinja environment for text a user can write: spec and profile text, layouts, the Word templates.

Two locks, so that a slot can print a value and do nothing else:
- before anything is evaluated, the template's syntax tree is checked against what docs/spec.md documents
  (`check_text`): known names only, no attribute or key that starts with `_`, no calls but `fig`/`count`,
  a few filters, no loops, macros, imports or assignments in spec text. A refusal is a Chinese message and
  the text is never rendered;
- what passes is rendered by Jinja's immutable sandbox with no globals (no `range`, `cycler`, `joiner`,
  `namespace`, `lipsum`, `dict`), StrictUndefined, and operators and filters that cannot grow text
  past `MAX_OUTPUT` characters.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_OUTPUT = 1_000_000  # characters one slot, filter or operator may produce
FUNCTIONS = {"fig": {"project", "measure", "unit", "part", "sep"}, "count": {"project", "unit"}}
FILTERS = ["replace", "trim", "upper", "lower", "default", "d", "length", "first", "last", "join", "string", "abs"]
TESTS = ["defined", "undefined", "none", "number", "string", "eq", "ne", "==", "!="]
_EXPRESSIONS = (nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Keyword, nodes.Filter,
                nodes.Test, nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
                nodes.Concat, nodes.Add, nodes.Sub, nodes.Neg, nodes.Pos, nodes.Slice)
SPEC_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, *_EXPRESSIONS)
# The Word templates (clerk-editable) also loop over lists the program gives them.
DOCX_NODES = (*SPEC_NODES, nodes.For)
_FORBIDDEN_NAMES = {"self", "cycler", "joiner", "namespace", "lipsum", "range", "dict", "loop", "caller", "varargs",
                    "kwargs", "super"}


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with no globals, a few filters and bounded operators."""

    intercepted_binops = frozenset({"*", "**", "%", "//", "/"})

    def __init__(self, autoescape: bool = False) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=autoescape, keep_trailing_newline=True)
        self.globals.clear()
        self.filters = {name: _bounded(self.filters[name]) for name in FILTERS}
        self.tests = {name: self.tests[name] for name in TESTS}

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        """No name that starts with an underscore, on anything."""
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        """Only the functions the program marks as slot functions (`fig`, `count`)."""
        return bool(getattr(obj, "slot_function", False))

    def call_binop(self, context, op: str, left, right):
        """`*` may not build text or lists past MAX_OUTPUT; `**` and string `%` are refused."""
        if op == "**" or (op == "%" and isinstance(left, str)):
            raise SecurityError(f"不允许使用运算符 {op}")
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                    raise SecurityError("重复后的文字过长")
        return {"*": operator.mul, "%": operator.mod, "//": operator.floordiv, "/": operator.truediv}[op](left, right)


def _bounded(fn):
    """A filter whose text result may not exceed MAX_OUTPUT characters (chained replace could double it)."""

    def bounded(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, str) and len(out) > MAX_OUTPUT:
            raise SecurityError(f"填空结果超过 {MAX_OUTPUT} 个字符")
        return out

    for attr in ("jinja_pass_arg",):  # keep @pass_environment / @pass_eval_context markers
        if hasattr(fn, attr):
            setattr(bounded, attr, getattr(fn, attr))
    return bounded


def slot_function(fn):
    """Mark a function as callable from spec text (the sandbox refuses every other call)."""
    fn.slot_function = True
    return fn


SPEC_ENV = Sandbox(autoescape=False)
DOCX_ENV = Sandbox(autoescape=True)


@dataclass
class Analysis:
    """What a template needs: refusals found in its tree, and the names, keys and calls it reads."""

    refusals: list[str] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # name → first line
    keys: dict[str, set] = field(default_factory=dict)  # mapping name → keys read with . or []
    locals: set[str] = field(default_factory=set)  # names a for loop binds (Word templates)


class _Walker:
    def __init__(self, allowed_nodes) -> None:
        self.allowed, self.out = allowed_nodes, Analysis()
        self.optional = 0  # inside `x | default(…)` or `x is defined`: x may be missing

    def refuse(self, node, message: str) -> None:
        self.out.refusals.append(f"第 {getattr(node, 'lineno', 1)} 行：{message}")

    def walk(self, node) -> None:
        if not isinstance(node, self.allowed):
            self.refuse(node, f"不允许使用「{_describe(node)}」（只能写 {{{{ 名字 }}}} 形式的填空）")
            return
        check = getattr(self, f"visit_{type(node).__name__}", None)
        if check is None or check(node):
            for child in node.iter_child_nodes():
                self.walk(child)

    def visit_For(self, node: nodes.For) -> bool:
        targets = [node.target, *node.target.find_all(nodes.Name)]
        self.out.locals.update(t.name for t in targets if isinstance(t, nodes.Name))
        self.out.locals.add("loop")
        if node.recursive:
            self.refuse(node, "不允许递归循环")
            return False
        for child in (node.iter, *node.body, *node.else_, *([node.test] if node.test else [])):
            self.walk(child)
        return False

    def visit_Name(self, node: nodes.Name) -> bool:
        if node.name.startswith("_") or (node.name in _FORBIDDEN_NAMES and node.name not in self.out.locals):
            self.refuse(node, f"不允许使用「{node.name}」")
        elif not self.optional:
            self.out.names.setdefault(node.name, node.lineno)
        return False

    def visit_Getattr(self, node: nodes.Getattr) -> bool:
        return self._key(node, node.node, node.attr)

    def visit_Getitem(self, node: nodes.Getitem) -> bool:
        if isinstance(node.arg, nodes.Slice) and all(
                part is None or (isinstance(part, nodes.Const) and type(part.value) is int)
                for part in (node.arg.start, node.arg.stop, node.arg.step)):
            return True  # a fixed slice such as name[:2]: never longer than the text it cuts
        if not isinstance(node.arg, nodes.Const) or not isinstance(node.arg.value, (str, int)):
            self.refuse(node, "方括号里只能写固定的名字，如 att['filing']")
            return False
        return self._key(node, node.node, str(node.arg.value))

    def _key(self, node, owner, key: str) -> bool:
        if key.startswith("_"):
            self.refuse(node, f"不允许读取以下划线开头的「{key}」（在「{_describe(node)}」中）")
            return False
        if isinstance(owner, nodes.Name) and not self.optional:
            self.out.keys.setdefault(owner.name, set()).add(key)
        return True

    def visit_Call(self, node: nodes.Call) -> bool:
        name = node.node.name if isinstance(node.node, nodes.Name) else None
        if name not in FUNCTIONS or node.dyn_args or node.dyn_kwargs:
            self.refuse(node, f"不允许调用「{_describe(node.node)}」（可调用的只有 {'、'.join(FUNCTIONS)}）")
            return False
        for kw in node.kwargs:
            if kw.key not in FUNCTIONS[name]:
                self.refuse(node, f"{name} 没有参数「{kw.key}」（可用：{'、'.join(sorted(FUNCTIONS[name]))}）")
        return True

    def visit_Filter(self, node: nodes.Filter) -> bool:
        if node.name not in FILTERS or node.dyn_args or node.dyn_kwargs:
            self.refuse(node, f"不允许使用过滤器「{node.name}」（可用：{'、'.join(FILTERS)}）")
            if node.node is not None:
                self.walk(node.node)
            return False
        return self._maybe_missing(node, node.name in ("default", "d"))

    def visit_Test(self, node: nodes.Test) -> bool:
        if node.name not in TESTS:
            self.refuse(node, f"不允许使用判断「is {node.name}」")
            return False
        return self._maybe_missing(node, node.name in ("defined", "undefined"))

    def _maybe_missing(self, node, optional: bool) -> bool:
        """Walk a filter or test; the value it guards may be missing when it is `default` or `defined`."""
        self.optional += optional
        if node.node is not None:
            self.walk(node.node)
        self.optional -= optional
        for child in (*node.args, *node.kwargs):
            self.walk(child)
        return False


def _describe(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_describe(node.node)}[…]"
    if isinstance(node, nodes.Call):
        return f"{_describe(node.node)}(…)"
    if isinstance(node, nodes.Const):
        return repr(node.value)[:20]
    words = {"For": "for 循环", "Assign": "set 赋值", "AssignBlock": "set 赋值", "Macro": "macro 宏",
             "Include": "include", "Import": "import", "FromImport": "import", "Extends": "extends",
             "CallBlock": "call 块", "FilterBlock": "filter 块", "With": "with 块", "Block": "block 块",
             "Pow": "乘方 **", "Mul": "乘号 *", "Div": "除号 /", "FloorDiv": "整除 //", "Mod": "取余 %",
             "List": "列表", "Tuple": "元组", "Dict": "字典", "Slice": "切片", "NSRef": "namespace 赋值"}
    return words.get(type(node).__name__, type(node).__name__)


@lru_cache(maxsize=4096)
def _parsed(text: str, docx: bool) -> tuple[jinja2.Template | None, Analysis]:
    env = DOCX_ENV if docx else SPEC_ENV
    try:
        tree = env.parse(text)
    except jinja2.TemplateSyntaxError as e:
        return None, Analysis([f"第 {e.lineno} 行：{translate_syntax(e.message or '')}"])
    walker = _Walker(DOCX_NODES if docx else SPEC_NODES)
    walker.walk(tree)
    if walker.out.refusals:
        return None, walker.out
    return env.from_string(text), walker.out


def analyse(text: str, docx: bool = False) -> Analysis:
    """The static analysis of a template (cached): refusals, and the names and keys it reads."""
    return _parsed(text, docx)[1]


def check_text(text: str, context: dict, docx: bool = False) -> list[str]:
    """Why this template may not run with this context (Chinese); empty when it may. Nothing is evaluated."""
    analysis = analyse(text, docx)
    if analysis.refusals:
        return [r.removeprefix("第 1 行：") if "\n" not in text else r for r in analysis.refusals]
    out = []
    for name, line in analysis.names.items():
        if name not in context and name not in analysis.locals:
            where = f"第 {line} 行：" if "\n" in text else ""
            available = "、".join(sorted(k for k in context if not k.startswith("_")))  # only when needed
            out.append(f"{where}填空「{name}」没有取值（可用：{available}）")
    for name, keys in analysis.keys.items():
        if name in analysis.locals or name not in context:
            continue
        value = context[name]
        for key in sorted(keys):
            if isinstance(value, dict) and key not in dict.keys(value):
                listing = "、".join(map(str, dict.keys(value))) or "无"
                out.append(f"填空「{key}」没有取值（{name} 下没有「{key}」；可用：{listing}）")
            elif not isinstance(value, dict) and not docx:
                out.append(f"「{name}」是一个值，不能再取「.{key}」")
    return out


def render_text(text: str, context: dict, docx: bool = False) -> str:
    """Render a template that check_text accepted, in the sandbox."""
    template, analysis = _parsed(text, docx)
    if template is None:
        raise SecurityError("；".join(analysis.refusals))
    return template.render(context)


_SYNTAX = [
    ("unexpected end of template", "模板意外结束（是否少写了 }} 或 %}，或缺少 {% endif %}？）"),
    ("unexpected '}'", "多余的「}」（填空应写作 {{ 名字 }}）"),
    ("unexpected char", "填空中有不能识别的字符"),
    ("expected token 'end of print statement'", "填空没有正确结束（应以 }} 结尾）"),
    ("expected token", "填空写法不完整"),
    ("Encountered unknown tag", "未知的标记（只能写 {{ 名字 }} 形式的填空）"),
    ("unexpected", "填空中有意外的内容"),
]


def translate_syntax(message: str) -> str:
    """A Jinja syntax error in Chinese, quoting the token it stopped at."""
    token = re.search(r"(?:got|unexpected|tag) '([^']*)'", message)
    where = f"，在「{token.group(1)}」处" if token else ""
    for english, chinese in _SYNTAX:
        if english in message:
            return f"填空写法有误：{chinese}{where}"
    return f"填空写法有误{where}"
