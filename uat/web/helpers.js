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

// Canvases sized by a ResizeObserver: reading a canvas's size afresh in every redraw forced
// a layout of the whole page after the readouts changed (12% of a redraw). `fit(c)` sizes the
// canvas to its box at the device's pixel ratio and returns its cleared context;
// `onResize()` follows any change of a canvas's box.
function uatCanvasSizer(onResize) {
  const sizes = new WeakMap();
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver((entries) => {
    let changed = false;
    for (const en of entries) {
      const r = en.target.getBoundingClientRect(), old = sizes.get(en.target);
      sizes.set(en.target, { width: r.width, height: r.height });
      changed = changed || !old || old.width !== r.width || old.height !== r.height;
    }
    if (changed) onResize();
  });
  function size(c) {
    if (!observer) return c.getBoundingClientRect();
    if (!sizes.has(c)) {
      const r = c.getBoundingClientRect();
      sizes.set(c, { width: r.width, height: r.height });
      observer.observe(c);
    }
    return sizes.get(c);
  }
  function fit(c) {
    const r = size(c), dpr = window.devicePixelRatio || 1;
    const W = Math.max(50, r.width), H = Math.max(50, r.height);
    if (c.width !== Math.round(W * dpr) || c.height !== Math.round(H * dpr)) {
      c.width = Math.round(W * dpr); c.height = Math.round(H * dpr);
    }
    const ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    return { ctx, W, H };
  }
  return { size, fit };
}
