"""Safe expressions in x (or x and y): parse, check a whitelist, build numpy closures (no eval)."""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from uat.errors import UatError
from uat.settings import LIMITS

Fn = Callable[[np.ndarray], np.ndarray]
Fn2 = Callable[[np.ndarray, np.ndarray], np.ndarray]
_Val = Any  # a float or an ndarray while evaluating
_Node = float | Callable[[np.ndarray], _Val]  # a folded constant, or a closure of x


CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _heaviside(a: _Val, b: _Val = 0.5) -> _Val:
    return np.heaviside(a, b)


# name -> (numpy function, allowed numbers of arguments)
FUNCTIONS: dict[str, tuple[Callable[..., _Val], tuple[int, ...]]] = {
    **{
        name: (getattr(np, name), (1,))
        for name in (
            *("sin", "cos", "tan", "exp", "exp2", "log", "log10", "log2", "log1p", "expm1"),
            *("sqrt", "cbrt", "tanh", "sinh", "cosh", "arctan", "arcsin", "arccos"),
            *("arcsinh", "arccosh", "arctanh", "sign", "floor", "ceil", "sinc"),
        )
    },
    "abs": (np.abs, (1,)),
    "heaviside": (_heaviside, (1, 2)),
    "maximum": (np.maximum, (2,)),
    "minimum": (np.minimum, (2,)),
    "hypot": (np.hypot, (2,)),
    "arctan2": (np.arctan2, (2,)),
    "where": (np.where, (3,)),
    "clip": (np.clip, (3,)),
}
ALIASES: dict[str, str] = {
    "atan": "arctan",
    "asin": "arcsin",
    "acos": "arccos",
    "ln": "log",
    "max": "maximum",
    "min": "minimum",
}
FUNCTION_NAMES: frozenset[str] = frozenset(FUNCTIONS) | frozenset(ALIASES)
ALLOWED_NAMES: frozenset[str] = FUNCTION_NAMES | frozenset(CONSTANTS) | {"x"}

_BINOPS: dict[type[ast.operator], Callable[[_Val, _Val], _Val]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.FloorDiv: np.floor_divide,
    ast.Mod: np.mod,
    ast.Pow: np.power,
}
_UNARYOPS: dict[type[ast.unaryop], Callable[[_Val], _Val]] = {
    ast.USub: np.negative,
    ast.UAdd: np.positive,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[_Val, _Val], _Val]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_OP_SYMBOLS: dict[type[ast.AST], str] = {
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
# Constructs refused as unsafe, with how to name them in the message.
_UNSAFE: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripting",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "a starred argument",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
# Harmless constructs that still have no meaning here.
_UNSUPPORTED: dict[type[ast.AST], str] = {
    ast.List: "a list",
    ast.Tuple: "a tuple (or a stray comma)",
    ast.Set: "a set",
    ast.Dict: "a dict",
}


def _quote(text: str, limit: int = 80) -> str:
    """repr of text, shortened to about limit characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


class _Compiler:
    """Checks and compiles one parsed expression; `text` is what was parsed."""

    def __init__(self, text: str, allow_x: bool, variables: tuple[str, ...] = ("x",)) -> None:
        self.text = text
        self.allow_x = allow_x
        self.variables = variables  # ("x",), or ("x", "y") for a function of the plane

    def fail(self, reason: str, unsafe: bool = False) -> UatError:
        kind = "unsafe" if unsafe else "invalid"
        return UatError(f"{kind} expression {_quote(self.text)}: {reason}")

    def seg(self, node: ast.AST) -> str:
        return _quote(ast.get_source_segment(self.text, node) or self.text)

    # -- pass 1: whitelist ------------------------------------------------------------------

    def check(self, node: ast.AST, depth: int = 0) -> None:
        """Refuse anything outside the whitelist, before anything is evaluated."""
        if depth > LIMITS["expression_depth"].high:
            raise UatError(
                f"expression {_quote(self.text)} is nested too deeply (over "
                f"{LIMITS['expression_depth'].high:g} levels)"
            )
        for table, unsafe in ((_UNSAFE, True), (_UNSUPPORTED, False)):
            what = table.get(type(node))
            if what is not None:
                raise self.fail(f"{what} is not allowed ({self.seg(node)})", unsafe=unsafe)
        if isinstance(node, ast.Constant):
            self.check_literal(node)
        elif isinstance(node, ast.Name):
            self.check_name(node, called=False)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise self.fail(f"operator {self.symbol(node.op)!r} is not allowed")
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARYOPS:
                hint = "; use 1 - cond" if isinstance(node.op, ast.Not) else ""
                raise self.fail(f"operator {self.symbol(node.op)!r} is not allowed{hint}")
            self.check(node.operand, depth + 1)
        elif isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            raise self.fail(
                f"'{word}' is not allowed; use a*b for and, maximum(a, b) or a+b for or, "
                "or where(cond, a, b)"
            )
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in _CMPOPS:
                    raise self.fail(f"comparison {self.symbol(op)!r} is not allowed")
            for sub in (node.left, *node.comparators):
                self.check(sub, depth + 1)
        elif isinstance(node, ast.IfExp):
            for sub in (node.test, node.body, node.orelse):
                self.check(sub, depth + 1)
        elif isinstance(node, ast.Call):
            self.check_call(node, depth)
        else:
            raise self.fail(f"{type(node).__name__} ({self.seg(node)}) is not allowed", True)

    def symbol(self, op: ast.AST) -> str:
        return _OP_SYMBOLS.get(type(op), type(op).__name__)

    def check_literal(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"{self.seg(node)} is not a number")
        if isinstance(value, str | bytes):
            raise self.fail(f"strings ({self.seg(node)}) are not allowed")
        if isinstance(value, complex):
            raise self.fail(f"complex numbers ({self.seg(node)}) are not allowed")
        if not isinstance(value, int | float):
            raise self.fail(f"{self.seg(node)} is not a number")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.fail(f"number {self.seg(node)} is too large")

    def check_name(self, node: ast.Name, called: bool) -> None:
        name = node.id
        if called:
            if name in FUNCTION_NAMES:
                return
            if name in self.variables or name in CONSTANTS:
                raise self.fail(f"{name!r} is not a function; for a product write {name}*(...)")
            raise self.unknown(name, functions=True)
        if name in self.variables[1:]:
            return
        if name == "x":
            if not self.allow_x:
                raise UatError(
                    f"{_quote(self.text)} must be a constant without x, such as -pi or 2*pi"
                )
            return
        if name in CONSTANTS:
            return
        if name in FUNCTION_NAMES:
            raise self.fail(f"{name!r} is a function; call it, as in {name}(x)")
        raise self.unknown(name, functions=False)

    def unknown(self, name: str, functions: bool) -> UatError:
        pool = sorted(FUNCTION_NAMES) if functions else [*self.variables, *CONSTANTS]
        if not self.allow_x and not functions:
            pool.remove("x")
        close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        if functions:
            allowed = "allowed functions: " + ", ".join([*FUNCTIONS, *ALIASES])
        else:
            allowed = "allowed names: " + ", ".join(pool) + " (and functions such as sin(x))"
        return UatError(f"unknown name {name!r} in expression {_quote(self.text)}; {hint}{allowed}")

    def check_call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            self.check(node.func, depth + 1)  # names the unsafe part, e.g. attribute access
            raise self.fail(
                f"only named functions may be called, not {self.seg(node.func)}", unsafe=True
            )
        self.check_name(node.func, called=True)
        if node.keywords:
            kw = node.keywords[0]
            what = f"{kw.arg}=..." if kw.arg else "**..."
            raise self.fail(f"keyword arguments ({what}) are not allowed", unsafe=True)
        for arg in node.args:
            self.check(arg, depth + 1)
        name = ALIASES.get(node.func.id, node.func.id)
        arities = FUNCTIONS[name][1]
        if len(node.args) not in arities:
            want = " or ".join(str(n) for n in arities)
            plural = "" if arities == (1,) else "s"
            raise self.fail(
                f"{node.func.id}() takes {want} argument{plural}, "
                f"got {len(node.args)} in {self.seg(node)}"
            )

    # -- pass 2: build closures, folding constants -------------------------------------------

    def build(self, node: ast.AST) -> _Node:
        """The closure (or folded constant) for a node that `check` accepted."""
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.variables:
                # 1-D closures take x itself; 2-D ones take the stacked pair (x, y)
                if len(self.variables) == 1:
                    return _identity
                return _coordinate(self.variables.index(node.id))
            return CONSTANTS[node.id]
        if isinstance(node, ast.BinOp):
            left, right = self.build(node.left), self.build(node.right)
            pow_ = isinstance(node.op, ast.Pow)
            if pow_ and isinstance(right, float) and abs(right) > LIMITS["exponent_abs"].high:
                raise UatError(f"exponent too large in {self.seg(node)}")
            return self.combine(node, _BINOPS[type(node.op)], [left, right])
        if isinstance(node, ast.UnaryOp):
            return self.combine(node, _UNARYOPS[type(node.op)], [self.build(node.operand)])
        if isinstance(node, ast.Compare):
            operands = [self.build(sub) for sub in (node.left, *node.comparators)]
            return self.combine(node, _chain([_CMPOPS[type(op)] for op in node.ops]), operands)
        if isinstance(node, ast.IfExp):
            parts = [self.build(sub) for sub in (node.test, node.body, node.orelse)]
            return self.combine(node, np.where, parts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            func = FUNCTIONS[ALIASES.get(node.func.id, node.func.id)][0]
            return self.combine(node, func, [self.build(arg) for arg in node.args])
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def combine(self, node: ast.AST, op: Callable[..., _Val], args: Sequence[_Node]) -> _Node:
        """Fold op over constant args (refusing non-finite results), or close over x."""
        consts = [np.float64(a) for a in args if isinstance(a, float)]
        if len(consts) == len(args):
            with np.errstate(all="ignore"):
                value = float(np.asarray(op(*consts), dtype=np.float64))
            if not math.isfinite(value):
                raise UatError(self.not_finite(node, args, value))
            return value
        fns = [a if callable(a) else _constant(a) for a in args]
        return lambda x: op(*[f(x) for f in fns])

    def not_finite(self, node: ast.AST, args: Sequence[_Node], value: float) -> str:
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow) and math.isinf(value):
                if args[0] == 0.0:
                    return f"division by zero in {self.seg(node)}"
                return f"exponent too large in {self.seg(node)}"
            if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and args[1] == 0.0:
                return f"division by zero in {self.seg(node)}"
        piece = ast.get_source_segment(self.text, node)
        where = "" if piece == self.text else f" in {_quote(self.text)}"
        return f"{self.seg(node)} is not finite (it evaluates to {value}){where}"


def _identity(x: np.ndarray) -> np.ndarray:
    return x


def _coordinate(index: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda p: p[index]


def _constant(value: float) -> Callable[[np.ndarray], float]:
    return lambda x: value


def _chain(ops: list[Callable[[_Val, _Val], _Val]]) -> Callable[..., _Val]:
    """a < b <= c ... as a float 0/1."""

    def compare(*vals: _Val) -> _Val:
        result: _Val = 1.0
        for op, a, b in zip(ops, vals, vals[1:], strict=False):
            result = result * np.asarray(op(a, b), dtype=float)
        return result

    return compare


def _parse(
    text: str, allow_x: bool, variables: tuple[str, ...] = ("x",)
) -> tuple[_Compiler, ast.Expression]:
    """Parse and whitelist-check text."""
    if not isinstance(text, str):
        raise UatError(f"expression must be text, not {type(text).__name__}")
    if len(text) > LIMITS["expression_length"].high:
        raise UatError(
            f"expression {_quote(text, 40)} is too long ({len(text)} characters; "
            f"at most {LIMITS['expression_length'].high:g})"
        )
    stripped = text.strip()
    if not stripped:
        raise UatError("empty expression")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise UatError(_syntax_message(text, stripped, exc)) from None
    except (RecursionError, MemoryError, ValueError):
        raise UatError(f"expression {_quote(text)} is nested too deeply or malformed") from None
    compiler = _Compiler(stripped, allow_x, variables)
    compiler.check(tree.body)
    return compiler, tree


def _syntax_message(text: str, stripped: str, exc: SyntaxError) -> str:
    if "too many nested" in (exc.msg or ""):
        return f"expression {_quote(text)} is nested too deeply"
    if "null bytes" in (exc.msg or ""):
        return f"invalid expression {_quote(text)}: contains a null byte"
    lineno = exc.lineno or 1
    lines = stripped.split("\n")
    line = lines[min(lineno, len(lines)) - 1]
    offset = exc.offset or 0
    col = len(line) + 1 if offset <= 0 else offset
    if lineno == 1:
        col += len(text) - len(text.lstrip())
    where = f"column {col}" if len(lines) == 1 else f"line {lineno}, column {col}"
    detail = "" if exc.msg in (None, "invalid syntax") else f" ({exc.msg})"
    return f"invalid expression {_quote(text)}: syntax error at {where}{detail}"


def compile_expression(text: str) -> Fn:
    """Compile an expression in x to a numpy function returning a float array shaped like x."""
    compiler, tree = _parse(text, allow_x=True)
    node = compiler.build(tree.body)

    def f(x: np.ndarray) -> np.ndarray:
        xs = np.asarray(x, dtype=float)
        if isinstance(node, float):
            return np.full(xs.shape, node)
        with np.errstate(all="ignore"):
            y = np.asarray(node(xs), dtype=float)
        return np.array(np.broadcast_to(y, xs.shape))

    f.__doc__ = f"f(x) = {compiler.text}"
    return f


def comparison_points(text: str) -> list[float]:
    """The constants x is compared with (x > 0.3, 1e-9 >= x, x < pi/4): where f may jump.

    A pulse such as (x > 0)*(x < 1e-9) is narrower than any grid: its jumps are found only
    from the expression itself. Only a bare x against an expression without x counts.
    """
    compiler, tree = _parse(text, allow_x=True)
    points: list[float] = []
    for node in ast.walk(tree.body):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if not any(isinstance(a, ast.Name) and a.id == "x" for a in sides):
            continue
        for a in sides:
            if any(isinstance(n, ast.Name) and n.id == "x" for n in ast.walk(a)):
                continue
            value = compiler.build(a)
            if isinstance(value, float) and math.isfinite(value):
                points.append(value)
    return sorted(set(points))


def evaluate_constant(text: str) -> float:
    """Evaluate a constant expression without x, such as -pi or 2*pi, to a finite float."""
    compiler, tree = _parse(text, allow_x=False)
    value = compiler.build(tree.body)
    if not isinstance(value, float) or not math.isfinite(value):  # pragma: no cover
        raise UatError(f"{_quote(text)} is not a finite constant")
    return value


def mentions_y(text: str) -> bool:
    """True when a valid expression in x and y uses y: a function of the plane, not of x."""
    _, tree = _parse(text, allow_x=True, variables=("x", "y"))
    return any(isinstance(n, ast.Name) and n.id == "y" for n in ast.walk(tree))


def compile_expression2d(text: str) -> Fn2:
    """Compile an expression in x and y to f(x, y), a float array shaped like x and y."""
    compiler, tree = _parse(text, allow_x=True, variables=("x", "y"))
    node = compiler.build(tree.body)

    def f(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        xs, ys = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        if isinstance(node, float):
            return np.full(xs.shape, node)
        with np.errstate(all="ignore"):
            z = np.asarray(node(np.stack([xs, ys])), dtype=float)
        return np.array(np.broadcast_to(z, xs.shape))

    f.__doc__ = f"f(x, y) = {compiler.text}"
    return f


# -- expressions as maths and as file names -------------------------------------------------

# Binding strength of a rendered piece: a piece is wrapped in parentheses where its context
# binds tighter (Python's own order: if-else < comparison < + - < * / < unary - < ** < atom).
_IFEXP, _CMP, _ADD, _MUL, _UNARY, _POW, _ATOM = range(7)
_TEX_NAMES = {"pi": r"\pi", "tau": r"\tau"}
_TEX_OPERATORS = {  # functions with a mathtext operator name, upright and spaced
    **{name: "\\" + name for name in ("sin", "cos", "tan", "sinh", "cosh", "tanh")},
    **{name: "\\" + name for name in ("arcsin", "arccos", "arctan")},
    "log": r"\ln",
    "log10": r"\log_{10}",
    "log2": r"\log_{2}",
    "maximum": r"\max",
    "minimum": r"\min",
    "sign": r"\mathrm{sgn}",
    "heaviside": "H",
}
_TEX_COMPARE = {ast.Lt: "<", ast.LtE: r"\leq", ast.Gt: ">", ast.GtE: r"\geq", ast.Eq: "="}
_TEX_COMPARE[ast.NotEq] = r"\neq"
_FRAC_LIMIT = 24  # characters of mathtext source per side for a built-up fraction


class _Unrenderable(Exception):
    """A construct the renderer has no notation for (the caller falls back to plain text)."""


def _tex_number(value: float | int) -> tuple[str, int]:
    """A literal: 0.5, 12, or 1.5×10^{-7} for what Python writes 1.5e-07."""
    if isinstance(value, int):
        return str(value), _ATOM
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    if "e" not in text:
        return text, _ATOM
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return (power, _POW) if mantissa == "1" else (rf"{mantissa}\times{power}", _MUL)


def _tex_name(name: str) -> str:
    """x, y, e as themselves, π and τ as Greek letters, anything else upright."""
    if name in ("x", "y", "e"):
        return name
    return _TEX_NAMES.get(name, r"\mathrm{" + name.replace("_", r"\_") + "}")


def _tex_wrap(piece: tuple[str, int], least: int) -> str:
    """The piece, in parentheses if it binds more loosely than `least`."""
    text, strength = piece
    if strength >= least:
        return text
    return rf"\left({text}\right)" if r"\frac" in text else f"({text})"


def _tex_args(args: list[tuple[str, int]]) -> str:
    inner = r",\,".join(text for text, _ in args)
    return rf"\left({inner}\right)" if r"\frac" in inner else f"({inner})"


def _tex_call(name: str, args: list[tuple[str, int]]) -> tuple[str, int]:
    """The notation of one function call, its arguments already rendered."""
    one = args[0][0]
    if name == "exp":
        return f"e^{{{one}}}", _POW
    if name == "exp2":
        return f"2^{{{one}}}", _POW
    if name == "expm1":
        return f"e^{{{one}}}-1", _ADD
    if name == "log1p":
        return rf"\ln(1+{_tex_wrap(args[0], _MUL)})", _ATOM
    if name == "sqrt":
        return rf"\sqrt{{{one}}}", _ATOM
    if name == "cbrt":
        return rf"\sqrt[3]{{{one}}}", _ATOM
    if name == "abs":
        return f"|{one}|", _ATOM
    if name in ("floor", "ceil"):
        return rf"\l{name} {one}\r{name}", _ATOM
    if name == "where":
        cond, yes, no = (_tex_wrap(a, _CMP) for a in args)
        return rf"{yes}\ \mathrm{{if}}\ {cond}\ \mathrm{{else}}\ {no}", _IFEXP
    head = _TEX_OPERATORS.get(name, r"\mathrm{" + name.replace("_", r"\_") + "}")
    return head + _tex_args(args), _ATOM


def _tex(node: ast.AST, source: str) -> tuple[str, int]:
    """Render one checked node as mathtext (without the $ signs) and its binding strength."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return _tex_number(node.value)
    if isinstance(node, ast.Name):
        return _tex_name(node.id), _ATOM
    if isinstance(node, ast.BinOp):
        return _tex_binop(node, source)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        return sign + _tex_wrap(_tex(node.operand, source), _UNARY), _ADD if sign else _UNARY
    if isinstance(node, ast.Compare):
        parts = [_tex_wrap(_tex(node.left, source), _ADD)]
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts += [_TEX_COMPARE[type(op)], _tex_wrap(_tex(right, source), _ADD)]
        return " ".join(parts), _CMP
    if isinstance(node, ast.IfExp):
        yes, cond = _tex_wrap(_tex(node.body, source), _CMP), _tex(node.test, source)[0]
        no = _tex_wrap(_tex(node.orelse, source), _IFEXP)
        return rf"{yes}\ \mathrm{{if}}\ {cond}\ \mathrm{{else}}\ {no}", _IFEXP
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = ALIASES.get(node.func.id, node.func.id)
        return _tex_call(name, [_tex(arg, source) for arg in node.args])
    raise _Unrenderable(type(node).__name__)


def _tex_binop(node: ast.BinOp, source: str) -> tuple[str, int]:
    """a + b, a - b, juxtaposed or dotted products, fractions, powers."""
    left, right = _tex(node.left, source), _tex(node.right, source)
    op = node.op
    if isinstance(op, ast.Pow):
        return f"{_tex_wrap(left, _ATOM)}^{{{right[0]}}}", _POW
    if isinstance(op, ast.Add | ast.Sub):
        sign = "+" if isinstance(op, ast.Add) else "-"
        return f"{_tex_wrap(left, _ADD)}{sign}{_tex_wrap(right, _MUL)}", _ADD
    if isinstance(op, ast.Div):
        short = all(len(t) <= _FRAC_LIMIT and r"\frac" not in t for t, _ in (left, right))
        if short:
            return rf"\frac{{{left[0]}}}{{{right[0]}}}", _POW
        return f"{_tex_wrap(left, _MUL)}/{_tex_wrap(right, _UNARY)}", _MUL
    if isinstance(op, ast.FloorDiv):
        return rf"\lfloor {left[0]}/{_tex_wrap(right, _UNARY)}\rfloor", _ATOM
    if isinstance(op, ast.Mod):
        return rf"{_tex_wrap(left, _MUL)}\ \mathrm{{mod}}\ {_tex_wrap(right, _UNARY)}", _MUL
    if isinstance(op, ast.Mult):
        # (-a)*b is -(a*b): the sign needs no parentheses, the product then reads as a sum
        factor, signed = node.left, False
        if isinstance(factor, ast.UnaryOp) and isinstance(factor.op, ast.USub):
            factor, signed = factor.operand, True
        a, b = _tex_wrap(left, _ADD if signed else _MUL), _tex_wrap(right, _UNARY)
        number = isinstance(factor, ast.Constant) and _tex(factor, source)[1] == _ATOM
        if b[0].isdigit() or b.startswith(r"\frac") or b.startswith("-"):
            joint = r"\cdot "
        else:
            joint = "" if number else r"\,"
        return a + joint + b, _ADD if signed else _MUL
    raise _Unrenderable(type(op).__name__)


def to_mathtext(text: str) -> str:
    """The expression as matplotlib mathtext (`x**2*sin(5*x)` -> `$x^{2}\\,\\sin(5x)$`).

    Anything that is not a valid expression, or that has no notation here, comes back as
    plain text with its dollar signs escaped, so matplotlib shows it literally.
    """
    try:
        compiler, tree = _parse(text, allow_x=True, variables=("x", "y"))
        body, _ = _tex(tree.body, compiler.text)
    except (UatError, _Unrenderable, KeyError, IndexError):
        return str(text).replace("$", r"\$")
    return f"${body}$"


_SLUG_MAX = 40  # characters
_SLUG_OPS = {ast.Add: "plus", ast.Sub: "minus", ast.Div: "over", ast.FloorDiv: "fdiv"}
_SLUG_OPS[ast.Mod] = "mod"
_SLUG_COMPARE = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq"}
_SLUG_COMPARE[ast.NotEq] = "ne"
_WINDOWS_RESERVED = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }
)


def _slug_node(node: ast.AST) -> str:
    """Words for one checked node: x**2 -> x2, 5*x -> 5x, sin(u) -> sin + u, a+b -> a-plus-b."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, int):
            return _tex_number(node.value)[0]
        # 1e+300 lost its '+' to the file-name filter and read 1e-300: the sign is dropped
        word = repr(node.value).replace("e+", "e")
        return word[:-2] if word.endswith(".0") else word
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return ("-" if isinstance(node.op, ast.USub) else "") + _slug_node(node.operand)
    if isinstance(node, ast.BinOp):
        left, right = _slug_node(node.left), _slug_node(node.right)
        if isinstance(node.op, ast.Pow):
            simple = isinstance(node.left, ast.Name) and isinstance(node.right, ast.Constant)
            return left + right if simple else f"{left}-pow-{right}"
        if isinstance(node.op, ast.Mult):
            number = isinstance(node.left, ast.Constant)
            return left + right if number and right[:1].isalpha() else f"{left}-{right}"
        return f"{left}-{_SLUG_OPS[type(node.op)]}-{right}"
    if isinstance(node, ast.Compare):
        words = [_slug_node(node.left)]
        for op, operand in zip(node.ops, node.comparators, strict=True):
            words += [_SLUG_COMPARE[type(op)], _slug_node(operand)]
        return "-".join(words)
    if isinstance(node, ast.IfExp):
        parts = (node.body, node.test, node.orelse)
        return "{}-if-{}-else-{}".format(*(_slug_node(p) for p in parts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [_slug_node(arg) for arg in node.args]
        return node.func.id + (args[0] if len(args) == 1 else "-" + "-".join(args))
    raise _Unrenderable(type(node).__name__)


_SLUG_PREC = {ast.Add: 2, ast.Sub: 2, ast.Mult: 3, ast.Div: 3, ast.FloorDiv: 3, ast.Mod: 3,
              ast.Pow: 4}  # fmt: skip


def _grouping_lost(tree: ast.AST) -> bool:
    """Whether the slug's words drop parentheses that matter: sin(x*2) and sin(x)*2 both
    read sinx-2, 2*(x+1) and 2*x+1 both 2x-plus-1."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            p = _SLUG_PREC.get(type(node.op), 0)
            for side, child in (("left", node.left), ("right", node.right)):
                if isinstance(child, ast.Compare | ast.IfExp | ast.BoolOp):
                    return True
                if isinstance(child, ast.UnaryOp) and side == "left" and p == 4:
                    return True  # (-x)**2 against -x**2
                if isinstance(child, ast.BinOp):
                    c = _SLUG_PREC.get(type(child.op), 0)
                    same_side = side == "right" and not isinstance(node.op, ast.Add | ast.Mult)
                    if c < p or (c == p and (same_side or (side == "left" and p == 4))):
                        return True
        elif isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.BinOp):
            if _SLUG_PREC.get(type(node.operand.op), 0) < 4:
                return True  # -(x+1) against -x+1
        elif isinstance(node, ast.Call):
            for arg in node.args:
                try:
                    words = _slug_node(arg)
                except (_Unrenderable, KeyError):
                    return True
                if "-" in words[1:]:
                    return True
    return False


def slug(text: str) -> str:
    """A readable file-name slug: `x**2*sin(5*x)` -> `x2-sin5x`, `data/f.csv` -> `f`.

    Only [A-Za-z0-9.-], at most 40 characters (a long slug ends in a hash of the whole text,
    so two long expressions do not share a name), never empty, never starting with '-' or
    '.', never a name Windows reserves (CON, NUL, COM1, ...).
    """
    import hashlib

    text = str(text)
    digest = hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:6]
    name = text.strip()
    if name.lower().endswith(".csv"):
        name = re.split(r"[\\/]", name)[-1][:-4]
    else:
        try:
            _, tree = _parse(name, allow_x=True)
            words = _slug_node(tree.body)
            words = "neg" + words if words.startswith("-") else words  # a leading minus sign
            if _grouping_lost(tree.body):  # the expression's own hash, spacing aside
                same = hashlib.sha1(ast.unparse(tree.body).encode()).hexdigest()[:4]
                words = f"{words}-{same}"
            name = words
        except (UatError, _Unrenderable, KeyError):
            pass
    words = re.sub(r"[^A-Za-z0-9.-]+", "-", name)
    words = re.sub(r"-{2,}", "-", words).rstrip("-.")
    words = words.lstrip("-.")
    if len(words) > _SLUG_MAX:
        words = words[: _SLUG_MAX - len(digest) - 1].rstrip("-.") + "-" + digest
    if not words:
        words = "f-" + digest
    if words.split(".")[0].upper() in _WINDOWS_RESERVED:
        words = "f-" + words
    return words
