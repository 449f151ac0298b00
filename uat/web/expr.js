// uat's expressions in the browser: the JSON tree of uat/web/explore.py `expression_tree`
// (validated by uat/core/expr.py's whitelist; never evaluated as code), compiled once into
// nested closures. Shared by the explorer of one input (explore.js) and of two (towers.js).
"use strict";
const UAT_CALLS = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, exp2: (a) => Math.pow(2, a),
  log: Math.log, log10: Math.log10, log2: Math.log2, log1p: Math.log1p, expm1: Math.expm1,
  sqrt: Math.sqrt, cbrt: Math.cbrt, tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh,
  arctan: Math.atan, arcsin: Math.asin, arccos: Math.acos, arcsinh: Math.asinh,
  arccosh: Math.acosh, arctanh: Math.atanh, sign: Math.sign, floor: Math.floor,
  ceil: Math.ceil, abs: Math.abs,
  sinc: (a) => (a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a)),
  heaviside: (a, h0 = 0.5) => (a < 0 ? 0 : a > 0 ? 1 : a === 0 ? h0 : NaN),
  maximum: Math.max, minimum: Math.min, hypot: Math.hypot, arctan2: Math.atan2,
  where: (c, a, b) => (c !== 0 ? a : b),
  clip: (a, lo, hi) => Math.min(Math.max(a, lo), hi),
};
const UAT_BINOPS = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: Math.pow, floordiv: (a, b) => Math.floor(a / b),
  mod: (a, b) => { // numpy's mod takes the divisor's sign
    const r = a % b;
    return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
  },
};
const UAT_CMP = {
  lt: (a, b) => a < b, le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b,
  eq: (a, b) => a === b, ne: (a, b) => a !== b,
};

// The tree as a function (x, y) => value (y unused by a target of one input).
function uatCompileTree(node) {
  switch (node[0]) {
    case "x": return (x) => x;
    case "y": return (x, y) => y;
    case "num": { const v = node[1]; return () => v; }
    case "neg": { const a = uatCompileTree(node[1]); return (x, y) => -a(x, y); }
    case "pos": return uatCompileTree(node[1]);
    case "bin": {
      const op = UAT_BINOPS[node[1]], a = uatCompileTree(node[2]), b = uatCompileTree(node[3]);
      return (x, y) => op(a(x, y), b(x, y));
    }
    case "if": {
      const t = uatCompileTree(node[1]), a = uatCompileTree(node[2]), b = uatCompileTree(node[3]);
      return (x, y) => (t(x, y) !== 0 ? a(x, y) : b(x, y));
    }
    case "call": {
      const fn = UAT_CALLS[node[1]], args = node[2].map(uatCompileTree);
      if (!fn) throw new Error("unknown function " + node[1]);
      if (args.length === 1) { const a = args[0]; return (x, y) => fn(a(x, y)); }
      if (args.length === 2) { const [a, b] = args; return (x, y) => fn(a(x, y), b(x, y)); }
      return (x, y) => fn(...args.map((a) => a(x, y)));
    }
    case "cmp": {
      const ops = node[1].map((op) => UAT_CMP[op]), vals = node[2].map(uatCompileTree);
      return (x, y) => {
        let r = 1, left = vals[0](x, y);
        for (let i = 0; i < ops.length; i++) {
          const right = vals[i + 1](x, y);
          r *= ops[i](left, right) ? 1 : 0;
          left = right;
        }
        return r;
      };
    }
    default: throw new Error("unknown node " + node[0]);
  }
}
