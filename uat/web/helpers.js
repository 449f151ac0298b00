// Helpers both explorer pages share (explore.js: one input; towers.js: two): numbers as the
// CLI's readouts show them, numpy's linspace, and a DOM element in one call.
"use strict";
function uatLinspace(a, b, n) { // numpy.linspace: i·step + a, the last point exactly b
  const x = new Float64Array(n), step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) x[i] = i * step + a;
  x[n - 1] = b;
  return x;
}
const uatFmt = (v) => (v === null ? "none" : !Number.isFinite(v) ? "not finite" : v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));
function uatSetNumber(node, v) { // the text as shown, the exact value in data-value ("" for none)
  node.textContent = uatFmt(v);
  node.setAttribute("data-value", v === null ? "" : String(v));
}
function uatEl(tag, attrs, ...kids) { // attrs: text, on<event> handlers, attributes
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}
