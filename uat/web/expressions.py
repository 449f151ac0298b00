"""The validated expression of a target as a JSON tree the explorer pages evaluate (expr.js)."""

from __future__ import annotations

import ast
from typing import Any

from uat.errors import UatError

_BINOP_NAMES: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.Pow: "pow",
}
_CMP_NAMES: dict[type[ast.cmpop], str] = {
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
    ast.Eq: "eq",
    ast.NotEq: "ne",
}


def expression_tree(text: str, dim: int = 1) -> Any:
    """The validated expression as a JSON tree the page evaluates (never as code).

    `uat.core.expr.compile_expression` (compile_expression2d for dim 2) checks the text
    against its whitelist first; only the node types it accepts are translated: ["x"], ["y"]
    (dim 2), ["num", v], ["neg"|"pos", a],
    ["bin", op, a, b], ["cmp", [ops], [operands]], ["if", test, a, b], ["call", name, [args]].
    """
    from uat.core.expr import ALIASES, CONSTANTS, compile_expression, compile_expression2d

    (compile_expression if dim == 1 else compile_expression2d)(text)  # UatError if not allowed
    variables = ("x", "y")[:dim]

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return ["num", float(node.value)]
        if isinstance(node, ast.Name):
            return [node.id] if node.id in variables else ["num", CONSTANTS[node.id]]
        if isinstance(node, ast.UnaryOp):
            return ["neg" if isinstance(node.op, ast.USub) else "pos", walk(node.operand)]
        if isinstance(node, ast.BinOp):
            return ["bin", _BINOP_NAMES[type(node.op)], walk(node.left), walk(node.right)]
        if isinstance(node, ast.Compare):
            ops = [_CMP_NAMES[type(op)] for op in node.ops]
            return ["cmp", ops, [walk(n) for n in (node.left, *node.comparators)]]
        if isinstance(node, ast.IfExp):
            return ["if", walk(node.test), walk(node.body), walk(node.orelse)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = ALIASES.get(node.func.id, node.func.id)
            return ["call", name, [walk(a) for a in node.args]]
        raise UatError(f"the explorer cannot draw {type(node).__name__} in {text!r}")

    return walk(ast.parse(text.strip(), mode="eval").body)
