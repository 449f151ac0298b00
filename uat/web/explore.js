// uat explore: the hand-built network of uat/core/construct.py, rebuilt live in the browser.
//
// Plain JavaScript, no build step, no libraries, no network: uat/web/explore.py inlines this
// file and the page's data (target, settings, trained networks) into one HTML file. The
// numbers follow uat/core/construct.py and uat/core/metrics.py operation for operation, so the
// page's sup error, RMSE and bound are those of `uat fit ... --json`.
"use strict";
// The same code is the page's script and, in a notebook, an anywidget ES module
// (uat/web/widget.py appends `export function render`): uatExploreMount(DATA, app, host)
// builds the explorer inside `app`; a `host` (the widget) is handed the net on screen after
// every redraw, and the page's URL is left alone.
function uatExploreMount(DATA, app, host = null) {
  const T = DATA.target;
  const DENSE = DATA.dense;
  let [A, B] = T.domain; // let: a curve drawn or pasted on the page replaces the target
  const [GL_NODES, GL_WEIGHTS] = DATA.gauss_legendre;
  const MINIMAX_SAMPLES = 65;
  const SOFTPLUS_STEEPNESS = 1000.0;
  const HEIGHT_RULES = ["minimax", "mean", "centre"];
  const ACT_NAMES = ["sigmoid", "tanh", "step", "relu", "softplus"];

  // ---- targets: an expression tree (never evaluated as code) or CSV samples ------------

  function interp(xs, ys) { // numpy.interp: constant beyond the ends
    const n = xs.length;
    return (x) => {
      if (!(x > xs[0])) return x <= xs[0] ? ys[0] : NaN;
      if (x >= xs[n - 1]) return ys[n - 1];
      let lo = 0, hi = n - 1;
      while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
      const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
      return ys[lo] + t * (ys[hi] - ys[lo]);
    };
  }

  let f = T.samples ? interp(T.samples[0], T.samples[1]) : uatCompileTree(T.tree);
  const logit = (y) => Math.log(y) - Math.log1p(-y);
  const squashed = (x) => logit(Math.min(Math.max(f(x), 1e-15), 1 - 1e-15));
  let targetFacts = { f: f, ...T };
  let squashedFacts = T.squashed ? { f: squashed, ...T.squashed } : null;

  const linspace = uatLinspace;
  let XG = linspace(A, B, DENSE);
  let HG = (B - A) / (DENSE - 1);
  let FG = XG.map(f);

  // ---- activations: value, limits, and where they saturate --------------------------------
  // tails: the value as z → −∞ and z → +∞, as α + β·z; beyond |z| > cut the activation equals
  // its tail to double precision (σ(40) rounds to 1; e^-40 = 4e-18 is below any reported digit).

  const ACTS = {
    sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), limits: [0, 1], gain: 1, cut: 40, tails: [[0, 0], [1, 0]] },
    tanh: { f: Math.tanh, limits: [-1, 1], gain: 2, cut: 20, tails: [[-1, 0], [1, 0]] },
    step: { f: (z) => (z > 0 ? 1 : z < 0 ? 0 : z === 0 ? 0.5 : NaN), limits: [0, 1], gain: Infinity, cut: 0, tails: [[0, 0], [1, 0]] },
    relu: { f: (z) => Math.max(z, 0), limits: null, gain: 1, cut: 0, tails: [[0, 0], [0, 1]] },
    softplus: { f: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), limits: null, gain: 1, cut: 40, tails: [[0, 0], [0, 1]] },
  };
  const makesSteps = (name) => ACTS[name].limits !== null;
  const sigma = ACTS.sigmoid.f;

  // ---- the construction (uat/core/construct.py) ----------------------------------------------

  function copyEdges(k, copy, copies) {
    const width = (B - A) / (k - (copies - 1) / copies);
    const base = A - (copy * width) / copies;
    const e = new Float64Array(k + 1);
    for (let i = 0; i <= k; i++) e[i] = base + width * i;
    e[0] = A; e[k] = B;
    return e;
  }

  // Heights depend on the bump edges and the rule alone: a drag or a steepness change reuses
  // them (800 bumps' minimax heights are 52,000 evaluations of f).
  const heightCache = new Map();
  function bumpHeights(t, edges, rule) {
    const key = `${t === targetFacts ? "f" : "s"}|${rule}|${edges.length}|${edges[1]}|${edges[edges.length - 2]}`;
    if (!heightCache.has(key)) {
      if (heightCache.size > 64) heightCache.clear();
      heightCache.set(key, computeHeights(t, edges, rule));
    }
    return Float64Array.from(heightCache.get(key));
  }
  function computeHeights(t, edges, rule) {
    const k = edges.length - 1, h = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const lo = edges[i], hi = edges[i + 1];
      if (rule === "centre") h[i] = t.f(0.5 * (lo + hi));
      else if (rule === "mean") {
        let s = 0;
        for (let j = 0; j < GL_NODES.length; j++) s += t.f(0.5 * (lo + hi) + 0.5 * (hi - lo) * GL_NODES[j]) * GL_WEIGHTS[j];
        h[i] = 0.5 * s;
      } else {
        let mx = -Infinity, mn = Infinity;
        for (let j = 0; j < MINIMAX_SAMPLES; j++) {
          const y = t.f(lo + (hi - lo) * (j * (1 / (MINIMAX_SAMPLES - 1))));
          if (y > mx) mx = y;
          if (y < mn) mn = y;
        }
        h[i] = 0.5 * (mx + mn);
      }
    }
    return h;
  }

  function discretisation(t, k) {
    const delta = (B - A) / k, lip = t.lipschitz;
    return { delta, fmax: t.sup_norm, eps: lip ? (lip * delta) / 2 : 1e-3 * t.sup_norm };
  }

  function autoSteepness(t, k) {
    const { delta, fmax, eps } = discretisation(t, k);
    const ratio = eps > 0 ? (2.0 * fmax) / eps : 1.0;
    const wDelta = ratio > 1 ? Math.max(24.0, 2.0 * Math.log(ratio)) : 24.0;
    return wDelta / delta;
  }

  function edgeMargin(t, k, steepness) {
    const { delta, fmax, eps } = discretisation(t, k);
    const m = eps > 0 && fmax > 0 ? Math.log((1000.0 * fmax) / eps) / steepness : 0.0;
    return Math.max(delta / 2, m);
  }

  function bumps(t, n, steepness, rule, act, edges, scale) {
    const a = ACTS[act], k = n / 2;
    const h = bumpHeights(t, edges, rule).map((y) => y * scale);
    const gain = Number.isFinite(a.gain) ? a.gain : 1.0;
    const w = steepness === null ? autoSteepness(t, k) / gain : steepness;
    const margin = edgeMargin(t, k, w * a.gain);
    const s = Float64Array.from(edges);
    s[0] -= margin; s[k] += margin;
    const span = a.limits[1] - a.limits[0];
    const net = { w: [], b: [], v: [], c: 0, h: Array.from(h), w0: w };
    for (let i = 0; i < k; i++) {
      net.w.push(w, w); net.b.push(-w * s[i], -w * s[i + 1]);
      net.v.push(h[i] / span, -h[i] / span);
    }
    return net;
  }

  function ramps(t, n, steepness, act, knots, scale) {
    const k = n / 2, delta = (B - A) / k;
    const w = steepness === null ? (act === "relu" ? 1.0 : SOFTPLUS_STEEPNESS / delta) : steepness;
    const y = Array.from(knots, (x) => t.f(x) * scale);
    const m = [];
    for (let i = 0; i < k; i++) m.push((y[i + 1] - y[i]) / (knots[i + 1] - knots[i]));
    const s = Float64Array.from(knots);
    const margin = act === "relu" ? 0.0 : 10.0 / w;
    s[0] -= margin; s[k] += margin;
    const net = { w: [], b: [], v: [], c: y[0] - m[0] * margin, h: m, w0: w };
    for (let i = 0; i < k; i++) {
      net.w.push(w, w); net.b.push(-w * s[i], -w * s[i + 1]);
      net.v.push(m[i] / w, -m[i] / w);
    }
    return net;
  }

  // The hand-built net for settings st, with dragged heights `over` (bump index → height).
  function handBuilt(st, over) {
    const inner = st.out === "sigmoid" ? squashedFacts : targetFacts;
    const k = st.n / 2, ramp = !makesSteps(st.act), net = { w: [], b: [], v: [], c: 0 };
    let first = null;
    for (let j = 0; j < st.shifts; j++) {
      const e = copyEdges(k, j, st.shifts), sc = 1 / st.shifts;
      const part = ramp ? ramps(inner, st.n, st.w, st.act, e, sc)
        : bumps(inner, st.n, st.w, st.heights, st.act, e, sc);
      if (j === 0) {
        first = { edges: e, heights: part.h, w: part.w0 };
        if (over && !ramp) {
          const span = ACTS[st.act].limits[1] - ACTS[st.act].limits[0];
          for (const key of Object.keys(over)) {
            const i = +key;
            if (i < k) { part.v[2 * i] = over[key] / span; part.v[2 * i + 1] = -over[key] / span; first.heights[i] = over[key]; }
          }
        }
      }
      net.w.push(...part.w); net.b.push(...part.b); net.v.push(...part.v);
      net.c += part.c;
    }
    const ids = Array.from({ length: net.w.length / 2 }, (_, u) => u);
    return Object.assign(net, { act: st.act, out: st.out, group: 2, first, k, ids });
  }

  // The pairs of a hand-built net left to right by the middle of their two steps (as
  // uat/jobs/scenes.py's pair_order), and the net with only the first `count` of them: the
  // net `uat animate --grow` shows after `count` bumps. `ids` keeps each pair's index in the
  // full net (hover, drag and the diagram speak of those).
  function pairOrder(net) {
    const mid = (u) => 0.5 * (-net.b[2 * u] / net.w[2 * u] - net.b[2 * u + 1] / net.w[2 * u + 1]);
    return net.ids.map((u) => [mid(u), u]).sort((p, q) => p[0] - q[0] || p[1] - q[1]).map((p) => p[1]);
  }
  function partialNet(net, count) {
    const ids = pairOrder(net).slice(0, count).sort((p, q) => p - q), part = { ...net, w: [], b: [], v: [], ids };
    for (const u of ids) for (const i of [2 * u, 2 * u + 1]) { part.w.push(net.w[i]); part.b.push(net.b[i]); part.v.push(net.v[i]); }
    return part;
  }

  function constructionBound(st) {
    const t = st.out === "sigmoid" ? T.squashed : T;
    if (!t) return null;
    const delta = (B - A) / (st.n / 2);
    let bound;
    if (makesSteps(st.act)) bound = t.lipschitz === null || !t.lipschitz_bound ? null : (t.lipschitz * delta) / 2;
    else bound = t.curvature === null ? null : (delta ** 2 * t.curvature) / 8;
    return bound === null ? null : st.out === "sigmoid" ? bound / 4 : bound;
  }

  // The soft steps' leak beyond L·Δ/2 (uat.core.metrics.step_leak): the nearest bump on each
  // side 0.2785/(gw) + Δ·σ(−gw·Δ/2), the others Σ jΔ·σ(−gw·jΔ), the outer steps' ‖f‖ share.
  const expit = (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
  function stepLeak(t, net, gw, delta, margin) {
    const lip = t.lipschitz || 0, k = Math.max(Math.floor(net.w.length / 2), 1);
    let far = 0;
    for (let j = 1; j <= k; j++) far += j * delta * expit(-gw * j * delta);
    const near = 0.27846455 / gw + delta * expit((-gw * delta) / 2);
    const fmax = t.sup_norm + (lip * (B - A)) / (10000 * 2);
    return lip * (near + 2 * far) + fmax * (expit(-gw * margin) + expit(-gw * (margin + B - A)));
  }

  // The bound of the built net, as `uat fit` gives it (uat.metrics.net_bound): none for steps
  // softer than the automatic steepness; softplus ramps add their hinges' rounding,
  // Σ|v|·min(ln 2, e^(−w·d)) over the knots, d a knot's distance to [A, B].
  function netBound(st, net) {
    let bound = constructionBound(st);
    if (bound === null) return null;
    const a = ACTS[st.act];
    if (makesSteps(st.act) && st.act !== "step") {
      const inner = st.out === "sigmoid" ? squashedFacts : targetFacts;
      const gain = Number.isFinite(a.gain) ? a.gain : 1.0;
      if (net.first.w < (autoSteepness(inner, st.n / 2) / gain) * (1 - 1e-9)) return null;
      const k = st.n / 2, wide = net.first.edges[1] - net.first.edges[0];
      if (st.shifts > 1) bound *= wide / ((B - A) / k);
      const leak = stepLeak(inner, net, a.gain * net.first.w, wide, edgeMargin(inner, k, net.first.w * a.gain));
      bound += st.out === "sigmoid" ? leak / 4 : leak;
    }
    if (st.act === "softplus") {
      const hinges = new Map();
      for (let i = 0; i < net.w.length; i++) {
        const knot = -net.b[i] / net.w[i], d = Math.max(0, A - knot, knot - B);
        const key = Math.round(knot * 1e12) / 1e12, reach = Math.min(Math.LN2, Math.exp(-Math.abs(net.w[i]) * d));
        const hinge = hinges.get(key) || { v: 0, reach: 0 };
        hinge.v += net.v[i]; hinge.reach = Math.max(hinge.reach, reach);
        hinges.set(key, hinge);
      }
      let rounding = 0;
      for (const h of hinges.values()) rounding += Math.abs(h.v) * h.reach;
      bound += st.out === "sigmoid" ? rounding / 4 : rounding;
    }
    return bound;
  }

  // ---- evaluating a network ----------------------------------------------------------

  function outFn(net) { return net.out === "sigmoid" ? sigma : (u) => u; }

  function netAt(net, x) {
    if (!net.sumAt) net.sumAt = hiddenSumAt(net);
    return outFn(net)(net.sumAt(x) + net.c);
  }

  // x → Σ v_i·act(w_i·x + b_i). A wide net evaluates only the neurons whose transition holds
  // x: the others sit on a tail α + β·z, summed in advance over the neurons sorted by where
  // their transition starts and ends. The sup's refinement evaluates the net ~50 times at each
  // local maximum: 8 × 200 step neurons took 400 ms a redraw summing all 1,600 each time.
  function hiddenSumAt(net) {
    const a = ACTS[net.act], n = net.w.length, act = a.f;
    if (n < 64) return (x) => { let s = 0; for (let i = 0; i < n; i++) s += net.v[i] * act(x * net.w[i] + net.b[i]); return s; };
    let constant = 0, width = 0;
    const rows = [];
    for (let i = 0; i < n; i++) {
      const w = net.w[i], b = net.b[i], v = net.v[i];
      if (v === 0) continue;
      if (w === 0) { constant += v * act(b); continue; }
      const x1 = (-a.cut - b) / w, x2 = (a.cut - b) / w, lo = Math.min(x1, x2), hi = Math.max(x1, x2);
      const [left, right] = w > 0 ? a.tails : [a.tails[1], a.tails[0]];
      rows.push({ i, lo, hi, left: [v * (left[0] + left[1] * b), v * left[1] * w], right: [v * (right[0] + right[1] * b), v * right[1] * w] });
      width = Math.max(width, hi - lo);
    }
    const byLo = rows.slice().sort((p, q) => p.lo - q.lo), byHi = rows.slice().sort((p, q) => p.hi - q.hi), m = rows.length;
    const LO = byLo.map((r) => r.lo), HI = byHi.map((r) => r.hi);
    const sufP = new Float64Array(m + 1), sufQ = new Float64Array(m + 1), preP = new Float64Array(m + 1), preQ = new Float64Array(m + 1);
    for (let k = m - 1; k >= 0; k--) { sufP[k] = sufP[k + 1] + byLo[k].left[0]; sufQ[k] = sufQ[k + 1] + byLo[k].left[1]; }
    for (let k = 0; k < m; k++) { preP[k + 1] = preP[k] + byHi[k].right[0]; preQ[k + 1] = preQ[k] + byHi[k].right[1]; }
    const firstAbove = (arr, x, strict) => { // the first index whose value is > x (≥ x if !strict)
      let lo = 0, hi = arr.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (strict ? arr[mid] <= x : arr[mid] < x) lo = mid + 1; else hi = mid; }
      return lo;
    };
    return (x) => {
      const kLo = firstAbove(LO, x, true), kHi = firstAbove(HI, x, false); // lo > x: left; hi < x: right
      let s = constant + sufP[kLo] + sufQ[kLo] * x + preP[kHi] + preQ[kHi] * x;
      for (let k = firstAbove(LO, x - width, false); k < kLo; k++) {
        const r = byLo[k];
        if (r.hi >= x) s += net.v[r.i] * act(x * net.w[r.i] + net.b[r.i]);
      }
      return s;
    };
  }

  // Σ v_i·act(w_i·x + b_i) + c on the dense grid, evaluating each neuron only where it is not
  // saturated (its window) and adding its saturated tails through running sums: a
  // hand-built sigmoid neuron is unsaturated on about 3 bump widths, so 100 neurons cost
  // ~60,000 activations instead of 1,000,100.
  function hiddenSumGrid(net, X = XG) {
    const m = merged(net);
    return smoothSum(m, X) || windowedSum(m, X);
  }

  // Neurons of the same (w, b) as one (neighbouring bumps share their edge: half the work).
  function merged(net) {
    const at = new Map(), w = [], b = [], v = [];
    for (let i = 0; i < net.w.length; i++) {
      const key = `${net.w[i]}|${net.b[i]}`;
      if (at.has(key)) v[at.get(key)] += net.v[i];
      else { at.set(key, w.length); w.push(net.w[i]); b.push(net.b[i]); v.push(net.v[i]); }
    }
    return { w, b, v, c: net.c, act: net.act };
  }

  // Soft neurons (a window wider than the grid's share of them) through Chebyshev panels: the
  // hidden sum is analytic in a strip (σ and softplus are singular at z = ±iπ, tanh at ±iπ/2);
  // on panels of half-length 1/(gain·|w|max) the Bernstein ellipse ρ = 4 stays inside it
  // (|Im z| ≤ 1.875/gain), where every term is bounded by ~|v|, so degree 30 interpolates it to
  // ~4^-30·Σ|v| ≈ 1e-18·Σ|v|. Each panel is checked against the exact sum at one point off its
  // nodes; any disagreement beyond 1e-13·Σ|v| falls back to the windowed sum. 8 × 200 softplus
  // neurons at w = 1: 1,600 × 22,800 activations (1.5 s) become 1,600 × 4 panels × 32.
  const CHEB_DEGREE = 30;
  function smoothSum(net, X) {
    if (!["sigmoid", "tanh", "softplus"].includes(net.act)) return null;
    const m = net, a = ACTS[net.act], n = X.length, lo = X[0], hi = X[n - 1], H = (hi - lo) / (n - 1);
    let wmax = 0, direct = 0, total = 0;
    for (let i = 0; i < m.w.length; i++) {
      const w = Math.abs(m.w[i]);
      wmax = Math.max(wmax, w); total += Math.abs(m.v[i]);
      direct += Math.min(n, (2 * a.cut) / (w * H) + 2);
    }
    if (!(wmax > 0) || !Number.isFinite(wmax)) return null;
    const half = 1 / (a.gain * wmax), panels = Math.ceil((hi - lo) / (2 * half)), d = CHEB_DEGREE;
    if (2 * (panels * (d + 2) * m.w.length + 2 * n * (d + 1)) > direct) return null;
    const exact = (x) => { let s = 0; for (let i = 0; i < m.w.length; i++) s += m.v[i] * a.f(x * m.w[i] + m.b[i]); return s; };
    const t = Float64Array.from({ length: d + 1 }, (_, k) => Math.cos((k * Math.PI) / d));
    const bw = Float64Array.from({ length: d + 1 }, (_, k) => (k % 2 ? -1 : 1) * (k === 0 || k === d ? 0.5 : 1));
    const out = new Float64Array(n), width = (hi - lo) / panels, xk = new Float64Array(d + 1), fk = new Float64Array(d + 1);
    const interp = (x) => {
      let num = 0, den = 0;
      for (let k = 0; k <= d; k++) {
        const dx = x - xk[k];
        if (dx === 0) return fk[k];
        const q = bw[k] / dx; num += q * fk[k]; den += q;
      }
      return num / den;
    };
    let j = 0;
    for (let p = 0; p < panels; p++) {
      const p0 = lo + p * width, p1 = p === panels - 1 ? hi : lo + (p + 1) * width, mid = 0.5 * (p0 + p1), r = 0.5 * (p1 - p0);
      for (let k = 0; k <= d; k++) { xk[k] = mid + r * t[k]; fk[k] = exact(xk[k]); }
      const probe = mid + 0.37 * r;
      if (!(Math.abs(interp(probe) - exact(probe)) <= 1e-13 * Math.max(total, 1e-300))) return null;
      for (; j < n && (X[j] <= p1 || p === panels - 1); j++) out[j] = interp(X[j]) + m.c;
    }
    return out;
  }

  function windowedSum(net, X) {
    const n = X.length, a = ACTS[net.act], out = new Float64Array(n), H = (B - A) / (n - 1);
    const C = new Float64Array(n + 1), S = new Float64Array(n + 1);
    const tail = (lo, hi, [al, be], v, w, b) => {
      if (lo > hi) return;
      C[lo] += v * (al + be * b); C[hi + 1] -= v * (al + be * b);
      if (be !== 0) { S[lo] += v * be * w; S[hi + 1] -= v * be * w; }
    };
    for (let i = 0; i < net.w.length; i++) {
      const w = net.w[i], b = net.b[i], v = net.v[i];
      if (v === 0) continue;
      let j0 = 0, j1 = n - 1;
      if (w !== 0) {
        const x1 = (-a.cut - b) / w, x2 = (a.cut - b) / w;
        const lo = Math.floor((Math.min(x1, x2) - A) / H) - 1, hi = Math.ceil((Math.max(x1, x2) - A) / H) + 1;
        if (Number.isFinite(lo) && Number.isFinite(hi)) { j0 = Math.max(0, lo); j1 = Math.min(n - 1, hi); }
        const [left, right] = w > 0 ? a.tails : [a.tails[1], a.tails[0]];
        if (j0 > n - 1 || j1 < 0 || j0 > j1) {
          const all = (hi < 0) ? right : left;
          tail(0, n - 1, all, v, w, b);
          continue;
        }
        tail(0, j0 - 1, left, v, w, b);
        tail(j1 + 1, n - 1, right, v, w, b);
      }
      const g = net.act === "tanh" ? 2 : 1; // tanh(z) = 2σ(2z) − 1
      if ((net.act === "sigmoid" || net.act === "tanh") && j1 > j0 && g * Math.abs(w) * H <= 1) {
        // σ along the grid by one exp and a product a point: e^(−z) steps by e^(−w·H)
        // (a relative drift of ~1e-16 a step, far under any digit shown); a neuron steeper
        // than the grid (|w|·H > 1) has a few points in its window and e^(−z) could overflow
        let e = Math.exp(-g * (X[j0] * w + b));
        const r = Math.exp(-g * w * H);
        for (let j = j0; j <= j1; j++) { out[j] += (g * v) / (1 + e); e *= r; }
        if (g === 2) tail(j0, j1, [-1, 0], v, w, b);
      } else for (let j = j0; j <= j1; j++) out[j] += v * a.f(X[j] * w + b);
    }
    let c = 0, s = 0;
    for (let j = 0; j < n; j++) { c += C[j]; s += S[j]; out[j] += c + s * X[j] + net.c; }
    return out;
  }

  // ---- errors: the true sup (grid, then refinement), RMSE on the grid ---------------------

  const GOLDEN = (Math.sqrt(5) - 1) / 2;

  function goldenMax(g, lo, hi) { // largest value of g on [lo, hi], by golden-section search
    let x1 = hi - GOLDEN * (hi - lo), x2 = lo + GOLDEN * (hi - lo), g1 = g(x1), g2 = g(x2);
    let best = Math.max(g1, g2), at = g1 >= g2 ? x1 : x2;
    for (let it = 0; it < 48 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); it++) {
      if (g1 >= g2) { hi = x2; x2 = x1; g2 = g1; x1 = hi - GOLDEN * (hi - lo); g1 = g(x1); if (g1 > best) { best = g1; at = x1; } }
      else { lo = x1; x1 = x2; g1 = g2; x2 = lo + GOLDEN * (hi - lo); g2 = g(x2); if (g2 > best) { best = g2; at = x2; } }
    }
    return [best, at];
  }

  function gridErrors(net) {
    const hs = hiddenSumGrid(net), out = outFn(net), e = new Float64Array(DENSE);
    let sup = 0, at = 0;
    for (let j = 0; j < DENSE; j++) {
      e[j] = Math.abs(out(hs[j]) - FG[j]);
      if (!Number.isFinite(e[j])) return { e, hs, sup: NaN, at: j };
      if (e[j] > sup) { sup = e[j]; at = j; }
    }
    return { e, hs, sup, at };
  }

  // The RMSE's grid, as `uat fit` chooses it: DENSE points, or RMSE_GRID.per_unit a bump (a
  // trained neuron) where the net has more bumps than that grid samples well.
  const RMSE_GRID = DATA.rmse_grid, rmseGrids = new Map();
  function rmseGrid(net) {
    const units = Math.floor(net.w.length / Math.max(net.group || 1, 1));
    const n = Math.max(DENSE, Math.min(RMSE_GRID.per_unit * units + 1, RMSE_GRID.max));
    if (n === DENSE) return { X: XG, F: FG };
    if (!rmseGrids.has(n)) { const X = linspace(A, B, n); rmseGrids.set(n, { X, F: X.map(f) }); }
    return rmseGrids.get(n);
  }

  function rmseOf(net, e, gsup) { // root mean square of |error|, scaled by its largest value
    let big = gsup, err = e;
    const { X, F } = rmseGrid(net);
    if (X !== XG) {
      const hs = hiddenSumGrid(net, X), out = outFn(net);
      err = new Float64Array(X.length); big = 0;
      for (let j = 0; j < X.length; j++) { err[j] = Math.abs(out(hs[j]) - F[j]); big = Math.max(big, err[j]); }
    }
    let sq = 0;
    for (let j = 0; j < err.length; j++) { const r = big > 0 ? err[j] / big : 0; sq += r * r; }
    return { rmse: big > 0 ? big * Math.sqrt(sq / err.length) : 0, grid: err.length };
  }

  function errorsOf(net) {
    const { e, hs, sup: gsup, at: gat } = gridErrors(net);
    if (!Number.isFinite(gsup)) return { sup: NaN, rmse: NaN, at: XG[gat], hs, grid: DENSE, finite: false };
    const { rmse, grid } = rmseOf(net, e, gsup);
    const g = (x) => Math.abs(netAt(net, x) - f(x));
    let sup = gsup, at = XG[gat];
    const take = (v, x) => { if (v > sup) { sup = v; at = x; } };
    // Between grid points |e| can rise above its grid values by about one grid step's
    // change; local maxima below the grid sup by more than twice the largest change cannot
    // hold the sup, the others are refined.
    let jump = 0;
    for (let j = 1; j < DENSE; j++) jump = Math.max(jump, Math.abs(e[j] - e[j - 1]));
    const floor = gsup - 2 * jump;
    for (let j = 0; j < DENSE; j++) {
      const up = j === 0 || e[j] > e[j - 1], down = j === DENSE - 1 || e[j] >= e[j + 1];
      if (!(up && down) || e[j] < floor) continue;
      const [v, x] = goldenMax(g, XG[Math.max(0, j - 1)], XG[Math.min(DENSE - 1, j + 1)]);
      take(v, x);
    }
    const sides = (x) => { // x and its one-sided limits, a few ulps away
      const d = Math.max(Math.abs(x) * 1.8e-15, 1e-300);
      for (const y of [x - d, x, x + d]) if (y >= A && y <= B) take(g(y), y);
    };
    T.jumps.forEach(sides);
    if (net.act === "step" || net.act === "relu") { // where the net itself jumps or kinks
      for (let i = 0; i < net.w.length; i++) {
        const s = -net.b[i] / net.w[i], j = Math.floor((s - A) / HG);
        const near = Math.max(e[Math.max(0, j)] || 0, e[Math.min(DENSE - 1, j + 1)] || 0);
        if (s >= A && s <= B && near >= floor) sides(s);
      }
    }
    return { sup, rmse, at, hs, grid, finite: true };
  }


  // ---- page state, permalink ----------------------------------------------------------

  const S0 = DATA.settings;
  let FMAX = T.sup_norm || 1;
  const TRAINED = DATA.trained;
  const EPS_RANGE = [1e-4, 1]; // the ε slider, relative to max|f|
  const state = {
    n: S0.neurons, auto: S0.steepness === null, w: S0.steepness === null ? 100 : S0.steepness,
    heights: S0.heights, act: S0.activation, shifts: S0.shifts, out: S0.output_activation,
    method: S0.method, eps: S0.eps === null ? Number((0.05 * FMAX).toPrecision(3)) : S0.eps,
    over: {}, hover: -1, grow: null, // grow: bumps built so far, one at a time (null: all)
  };
  const settingsOf = (st, n) => ({
    n: n === undefined ? st.n : n, w: st.auto ? null : st.w, heights: st.heights,
    act: st.act, shifts: st.shifts, out: st.out,
  });

  function hashText() {
    const p = new URLSearchParams({
      n: state.n, w: state.auto ? "auto" : state.w, heights: state.heights, act: state.act,
      shifts: state.shifts, out: state.out, method: state.method, eps: state.eps,
    });
    // heights dragged by hand travel with the link: "bump:height,…" (the command cannot)
    const edits = Object.keys(state.over).map((k) => `${k}:${String(state.over[k])}`); // exact
    if (edits.length) p.set("h", edits.join(","));
    if (state.grow !== null) p.set("grow", state.grow);
    if (drawn) p.set("curve", drawn[0].map((x, i) => `${String(x)},${String(drawn[1][i])}`).join(","));
    return "#" + p.toString();
  }

  function readHash() {
    const p = new URLSearchParams(host ? "" : location.hash.slice(1));
    // Anything out of range or malformed is ignored: a link never opens a view the sliders
    // cannot show (the values are only ever compared and shown as text, never run).
    const int = (k, lo, hi, even) => {
      const t = p.get(k), v = Number(t);
      if (/^[0-9]{1,4}$/.test(t || "") && v >= lo && v <= hi && (!even || v % 2 === 0)) state[k] = v;
    };
    int("n", 2, DATA.limits.neurons, true);
    int("shifts", 1, DATA.limits.shifts, false);
    int("grow", 1, (DATA.limits.neurons / 2) * DATA.limits.shifts, false);
    if (p.get("w") === "auto") state.auto = true;
    else if (Number(p.get("w")) >= 1 && Number(p.get("w")) <= 1e6) { state.auto = false; state.w = Number(p.get("w")); }
    if (HEIGHT_RULES.includes(p.get("heights"))) state.heights = p.get("heights");
    if (ACT_NAMES.includes(p.get("act"))) state.act = p.get("act");
    if (p.get("out") === "identity" || (p.get("out") === "sigmoid" && T.squashed)) state.out = p.get("out");
    if (p.get("method") === "construct" || p.get("method") === "train") state.method = p.get("method");
    const eps = Number(p.get("eps"));
    if (eps >= EPS_RANGE[0] * FMAX && eps <= EPS_RANGE[1] * FMAX) state.eps = eps;
    const curve = p.get("curve");
    if (curve && curve.length < 60 * MAX_CURVE_POINTS) {
      const v = curve.split(",");
      const rows = v.length % 2 ? "" : Array.from({ length: v.length / 2 }, (_, i) => `${v[2 * i]},${v[2 * i + 1]}`).join("\n");
      const [samples] = parseRows(rows);
      if (samples) useTarget(samples);
    } else if (!curve && drawn) useTarget(null);
    const edits = p.get("h") || "";
    if (/^\d{1,4}:[-+0-9.e]{1,24}(,\d{1,4}:[-+0-9.e]{1,24}){0,4999}$/.test(edits)) {
      for (const item of edits.split(",")) {
        const [k, v] = item.split(":"), h = Number(v);
        if (Number(k) < state.n / 2 && Number.isFinite(h) && Math.abs(h) <= 1e3 * FMAX) state.over[k] = h;
      }
    }
  }

  function shellQuote(s) {
    return /^[A-Za-z0-9_.,:=+\/-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
  }

  function commandText() {
    const parts = ["uat", "fit", shellQuote(T.spec)];
    if (DATA.domain_text !== null && !drawn) parts.push(shellQuote("--domain=" + DATA.domain_text));
    if (state.method === "train") {
      const t = trainedFor(state.n);
      parts.push("-n", String(t.neurons), "--method", "train");
      if (t.activation !== "sigmoid") parts.push("--activation", t.activation);
    } else {
      parts.push("-n", String(state.n));
      if (state.heights !== "minimax") parts.push("--heights", state.heights);
      if (!state.auto) parts.push("--steepness", String(state.w));
      if (state.act !== "sigmoid") parts.push("--activation", state.act);
      if (state.shifts > 1) parts.push("--shifts", String(state.shifts));
    }
    if (state.out !== "identity") parts.push("--output-activation", state.out);
    parts.push("--json");
    if (drawn) parts.push(`# ${CURVE_FILE}: your curve (download it beside the plot)`);
    const edited = state.method !== "train" ? Object.keys(state.over).length : 0;
    // the command line has no per-bump height: say that it makes the net before the edits
    if (edited) parts.push(`# the unedited net: ${edited} bump height${edited > 1 ? "s" : ""} dragged here (the permalink keeps them)`);
    else if (state.grow !== null && state.method !== "train") parts.push(`# the whole net: the page shows its first ${state.grow} bumps (uat animate --grow builds them one at a time)`);
    return parts.join(" ");
  }

  // ---- trained networks (precomputed by uat.train.train) ------------------------------

  function trainedFor(n) {
    let best = TRAINED[0];
    for (const t of TRAINED) if (Math.abs(t.neurons - n) < Math.abs(best.neurons - n)) best = t;
    return best;
  }
  const trainedCache = new Map();

  // ---- your own curve: drawn with the mouse or pasted as x,y rows ---------------------------
  // It becomes the target as a CSV file would (uat/core/targets.py's csv_target): linear
  // interpolation, the domain its x range, L its steepest segment, no curvature, no jumps.

  const CURVE_FILE = "curve.csv", MAX_CURVE_POINTS = 2000, MAX_CURVE_VALUE = 1e100;
  const ORIGINAL = { ...T };
  const ORIGINAL_F = f;
  let drawn = null; // [xs, ys] of the curve in use; null: the page's own target

  function useTarget(samples) {
    drawn = samples;
    if (samples) {
      const [xs, ys] = samples;
      let lip = 0;
      for (let i = 0; i + 1 < xs.length; i++) lip = Math.max(lip, Math.abs((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])));
      Object.assign(T, { samples, domain: [xs[0], xs[xs.length - 1]], spec: CURVE_FILE, name: CURVE_FILE,
        formula: `samples from ${CURVE_FILE} (${xs.length} points)`, lipschitz: lip, curvature: null, jumps: [], squashed: null });
    } else Object.assign(T, ORIGINAL);
    [A, B] = T.domain;
    f = T.samples ? interp(T.samples[0], T.samples[1]) : uatCompileTree(T.tree);
    XG = linspace(A, B, DENSE); HG = (B - A) / (DENSE - 1); FG = XG.map(f);
    if (samples) { let m = 0; for (const y of FG) m = Math.max(m, Math.abs(y)); T.sup_norm = m; }
    targetFacts = { f, ...T };
    squashedFacts = T.squashed ? { f: squashed, ...T.squashed } : null;
    FMAX = T.sup_norm || 1;
    fmin = Infinity; fmaxv = -Infinity;
    for (const y of FG) { fmin = Math.min(fmin, y); fmaxv = Math.max(fmaxv, y); }
    pad = 0.15 * (fmaxv - fmin || 1); YR = [fmin - pad, fmaxv + pad];
    XP = linspace(A, B, PLOT_POINTS); MID = 0.5 * (A + B); HALF = 0.5 * (B - A);
    rmseGrids.clear(); heightCache.clear(); trainedCache.clear();
    if (samples) { state.out = "identity"; state.method = "construct"; }
    const h1 = app.querySelector("h1");
    if (h1) h1.textContent = `uat explore: f(x) = ${T.formula} on [${fmt(A)}, ${fmt(B)}]`;
  }

  // Rows "x,y" (or x y, x;y), x strictly increasing; null and a reason when they are not.
  function parseRows(text) {
    const xs = [], ys = [];
    for (const line of text.split(/\r?\n/)) {
      const t = line.replace(/#.*/, "").trim();
      if (!t) continue;
      const cells = t.split(/[\s,;]+/);
      if (cells.length !== 2 || !cells.every((c) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(c))) {
        if (!xs.length && !ys.length && /[a-z]/i.test(t)) continue; // a header
        return [null, `not two numbers: ${t.slice(0, 40)}`];
      }
      xs.push(Number(cells[0])); ys.push(Number(cells[1]));
    }
    if (xs.length < 2) return [null, "at least two rows x,y are needed"];
    if (xs.length > MAX_CURVE_POINTS) return [null, `at most ${MAX_CURVE_POINTS} rows`];
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || !(Math.abs(ys[i]) <= MAX_CURVE_VALUE)) return [null, `row ${i + 1}: not a finite value`];
      if (i && !(xs[i] > xs[i - 1])) return [null, `row ${i + 1}: x must increase`];
    }
    if (!(xs[xs.length - 1] - xs[0] > 0 && Number.isFinite(xs[xs.length - 1] - xs[0]))) return [null, "the x range is empty"];
    return [[xs, ys], ""];
  }
  const curveCsv = ([xs, ys]) => "x,y\n" + xs.map((x, i) => `${String(x)},${String(ys[i])}`).join("\n") + "\n";
  function trainedNet(t) {
    if (!trainedCache.has(t.neurons)) {
      const net = { w: t.w, b: t.b, v: t.v, c: t.c, act: t.activation, out: t.output_activation, group: 1 };
      net.errors = errorsOf(net);
      trainedCache.set(t.neurons, net);
    }
    return trainedCache.get(t.neurons);
  }

  // ---- DOM helpers ---------------------------------------------------------------------

  const el = uatEl;
  function svgEl(tag, attrs) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function slider(text, testid, min, max, step, value, oninput) {
    const input = el("input", { type: "range", min, max, step, "data-testid": testid, "aria-label": text });
    input.value = value;
    const out = el("output", {});
    input.addEventListener("input", () => oninput(Number(input.value)));
    return { label: el("label", {}, el("span", { text }), input, out), input, out };
  }
  function choice(text, testid, options, value, onchange) {
    const sel = el("select", { "data-testid": testid, "aria-label": text });
    for (const o of options) sel.append(el("option", { value: o, text: o }));
    sel.value = value;
    sel.addEventListener("change", () => onchange(sel.value));
    return { label: el("label", {}, el("span", { text }), sel), sel };
  }
  function readout(key, testid) {
    const v = el("span", { class: "v", "data-testid": testid });
    const k = el("span", { class: "k", text: key, "data-testid": `${testid}-label` });
    return { box: el("div", {}, k, v), v, k };
  }
  const fmt = uatFmt, setNumber = uatSetNumber;

  let onCanvasResize = () => {};
  const { fit: fitCanvas } = uatCanvasSizer(() => onCanvasResize());

  // What the projector toggle changes: type size and line width.
  const view = { font: 14, lw: 1 };
  const FONT = () => `${view.font}px system-ui, sans-serif`;

  // Round tick values, about one every `count`-th of the range (1, 2 or 5 times a power of 10).
  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0) || !Number.isFinite(span)) return { ticks: [lo], step: 1 };
    const raw = span / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / mag;
    const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag, ticks = [];
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) ticks.push(i === 0 ? 0 : i * step);
    return { ticks, step };
  }
  function tickText(v, step) {
    const big = Math.max(Math.abs(v), step);
    const t = v === 0 ? "0" : big >= 1e5 || step < 1e-4 ? v.toExponential(Math.max(0, Math.round(Math.log10(big / step)))) : v.toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
    return t.replace("-", "\u2212");
  }

  // A plot frame with round ticks and labels at view.font px; `opts.x === false` leaves the
  // x labels to a panel below (the error strip shares the x axis).
  function frame(ctx, box, xr, yr, label, opts = {}) {
    const X = (x) => box.x + ((x - xr[0]) / (xr[1] - xr[0])) * box.w;
    const Y = (y) => box.y + box.h - ((y - yr[0]) / (yr[1] - yr[0])) * box.h;
    const Xinv = (px) => xr[0] + ((px - box.x) / box.w) * (xr[1] - xr[0]);
    const Yinv = (py) => yr[0] + ((box.y + box.h - py) / box.h) * (yr[1] - yr[0]);
    const fs = view.font, xt = niceTicks(xr[0], xr[1], Math.max(3, Math.floor(box.w / (6 * fs)))),
      yt = niceTicks(yr[0], yr[1], opts.yCount || Math.max(2, Math.floor(box.h / (3 * fs))));
    ctx.lineWidth = 1; ctx.strokeStyle = "#ececec"; ctx.beginPath();
    for (const t of xt.ticks) { ctx.moveTo(X(t), box.y); ctx.lineTo(X(t), box.y + box.h); }
    for (const t of yt.ticks) { ctx.moveTo(box.x, Y(t)); ctx.lineTo(box.x + box.w, Y(t)); }
    ctx.stroke();
    ctx.strokeStyle = "#999"; ctx.strokeRect(box.x, box.y, box.w, box.h);
    if (yr[0] < 0 && yr[1] > 0) { ctx.strokeStyle = "#bbb"; ctx.beginPath(); ctx.moveTo(box.x, Y(0)); ctx.lineTo(box.x + box.w, Y(0)); ctx.stroke(); }
    ctx.fillStyle = "#333"; ctx.font = FONT(); ctx.strokeStyle = "#555"; ctx.beginPath();
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    const shown = { x: [], y: [], font: fs };
    for (const t of yt.ticks) {
      ctx.moveTo(box.x - 4, Y(t)); ctx.lineTo(box.x, Y(t));
      ctx.fillText(opts.yText ? opts.yText(t) : tickText(t, yt.step), box.x - 6, Y(t)); shown.y.push(t);
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of xt.ticks) {
      ctx.moveTo(X(t), box.y + box.h); ctx.lineTo(X(t), box.y + box.h + 4);
      if (opts.x !== false) { ctx.fillText(tickText(t, xt.step), X(t), box.y + box.h + 5); shown.x.push(t); }
    }
    ctx.stroke();
    ctx.textBaseline = "alphabetic";
    if (label) { ctx.textAlign = "left"; ctx.fillText(label, box.x + 6, box.y + fs + 3); }
    return { X, Y, Xinv, Yinv, box, ticks: shown };
  }

  // A curve given on the dense grid, drawn as its min and max in each pixel column: ~4 points
  // per pixel instead of 10,001 lines, and no spike between columns is lost.
  function denseCurve(ctx, fr, ys, color, width) {
    const cols = Math.max(1, Math.floor(fr.box.w)), xs = [], vs = [];
    for (let c = 0; c < cols; c++) {
      const j0 = Math.floor((c * DENSE) / cols), j1 = Math.max(j0 + 1, Math.floor(((c + 1) * DENSE) / cols));
      let lo = j0, hi = j0;
      for (let j = j0; j < j1; j++) { if (ys[j] < ys[lo]) lo = j; if (ys[j] > ys[hi]) hi = j; }
      for (const j of lo < hi ? [j0, lo, hi, j1 - 1] : [j0, hi, lo, j1 - 1]) { xs.push(XG[j]); vs.push(ys[j]); }
    }
    curve(ctx, fr, xs, vs, color, width);
  }

  function curve(ctx, fr, xs, ys, color, width) {
    ctx.save();
    ctx.beginPath(); ctx.rect(fr.box.x, fr.box.y, fr.box.w, fr.box.h); ctx.clip();
    ctx.strokeStyle = color; ctx.lineWidth = width * view.lw; ctx.beginPath();
    for (let i = 0; i < xs.length; i++) {
      const py = Math.max(-1e4, Math.min(1e4, fr.Y(ys[i])));
      if (i === 0) ctx.moveTo(fr.X(xs[i]), py); else ctx.lineTo(fr.X(xs[i]), py);
    }
    ctx.stroke(); ctx.restore();
  }

  // ---- the main panel: the construction, its bumps, errors and diagram ---------------------

  let fmin = Infinity, fmaxv = -Infinity;
  for (const y of FG) { fmin = Math.min(fmin, y); fmaxv = Math.max(fmaxv, y); }
  let pad = 0.15 * (fmaxv - fmin || 1);
  let YR = [fmin - pad, fmaxv + pad];
  const PLOT_POINTS = 400;
  let XP = linspace(A, B, PLOT_POINTS);
  // The main box and, below it on the same x axis, the error strip (its x labels at the foot).
  const BOX = (W, H) => ({ x: 4.5 * view.font, y: 6, w: W - 8 * view.font, h: H * 0.7 - 6 });
  const STRIP = (W, H) => ({ x: 4.5 * view.font, y: H * 0.7 + 8, w: W - 8 * view.font, h: H * 0.3 - 16 - view.font });

  let current = null; // { net, errors } of the hand-built net on screen
  let diagramKey = "";

  const ui = {};

  function unitAt(net, x) {
    const e = net.first.edges;
    for (let k = 0; k < e.length - 1; k++) if (x >= e[k] && x <= e[k + 1]) return k;
    return -1;
  }

  // Okabe–Ito colours, distinguishable with every common colour-vision deficiency; the parts
  // are neutral grey so they never read as the network.
  // The CLI's colours (uat/plot/figures.py): the network blue, the target black and dashed,
  // a trained network orange.
  const COLORS = {
    f: "#222222", net: "#0072B2", trained: "#D55E00", parts: "rgba(70, 70, 70, 0.45)", band: "rgba(0, 158, 115, 0.2)",
    error: "#333333", hi: "#CC79A7", hiFill: "rgba(204, 121, 167, 0.12)",
  };

  function denseOut(net, hs) {
    const out = outFn(net), ys = new Float64Array(DENSE);
    for (let j = 0; j < DENSE; j++) ys[j] = out(hs[j]);
    return ys;
  }

  // A faint part (one bump or ramp) is drawn only where it is at least a pixel away from 0:
  // drawn everywhere, 100 parts pile up along y = 0 into one solid line.
  function drawParts(ctx, fr, net, Y) {
    const units = net.w.length / 2, act = ACTS[net.act].f, q = Math.min(PLOT_POINTS, Math.ceil(fr.box.w / 2));
    const xq = linspace(A, B, q), minPx = 1.0, a = ACTS[net.act], y = new Float64Array(q);
    const at = (i, x) => { // a neuron's value; beyond |z| > cut its tail, α + β·z, without exp
      const z = x * net.w[i] + net.b[i];
      if (!(Math.abs(z) > a.cut)) return act(z);
      const [al, be] = a.tails[z > 0 ? 1 : 0];
      return al + be * z;
    };
    // A pair of step-like neurons is zero beyond both their transitions (+h and −h): only
    // the points inside are computed (800 bumps at 200 points each cost 500 ms a redraw).
    const unit = (u) => {
      const i = 2 * u, k = i + 1;
      let j0 = 0, j1 = q - 1;
      if (makesSteps(net.act) && a.cut > 0 && net.w[i] !== 0 && net.w[k] !== 0) {
        const ends = [i, k].flatMap((n) => [(-a.cut - net.b[n]) / net.w[n], (a.cut - net.b[n]) / net.w[n]]);
        const lo = Math.min(...ends), hi = Math.max(...ends);
        const side = (x) => net.v[i] * at(i, x) + net.v[k] * at(k, x);
        if (Math.abs(side(lo - 1)) + Math.abs(side(hi + 1)) <= 1e-12 * (Math.abs(net.v[i]) + Math.abs(net.v[k]))) {
          j0 = Math.max(0, Math.floor(((lo - A) / (B - A)) * (q - 1)) - 1);
          j1 = Math.min(q - 1, Math.ceil(((hi - A) / (B - A)) * (q - 1)) + 1);
        }
      }
      for (let j = j0; j <= j1; j++) y[j] = net.v[i] * at(i, xq[j]) + net.v[k] * at(k, xq[j]);
      return [j0, j1];
    };
    // A flat run (a ramp's plateau, 800 of them 300 points wide) is drawn as its two ends:
    // 240,000 segments a redraw took 20 ms to stroke.
    const path = ([j0, j1]) => {
      let pen = false, held = null;
      for (let i = j0; i <= j1; i++) {
        const py = Math.max(-1e4, Math.min(1e4, Y(y[i])));
        if (Math.abs(py - Y(0)) < minPx) { if (held) ctx.lineTo(held[0], held[1]); held = null; pen = false; continue; }
        const px = fr.X(xq[i]);
        if (pen && i < j1 && Math.abs(py - lastY) < 0.05) { held = [px, py]; continue; }
        if (held) ctx.lineTo(held[0], held[1]);
        held = null;
        if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        pen = true; lastY = py;
      }
      if (held) ctx.lineTo(held[0], held[1]);
    };
    let lastY = 0;
    ctx.save(); ctx.beginPath(); ctx.rect(fr.box.x, fr.box.y, fr.box.w, fr.box.h); ctx.clip();
    ctx.strokeStyle = COLORS.parts; ctx.lineWidth = view.lw; ctx.beginPath();
    for (let u = 0; u < units; u++) path(unit(u));
    ctx.stroke();
    const hu = net.ids.indexOf(state.hover);
    if (hu >= 0) {
      ctx.strokeStyle = COLORS.hi; ctx.lineWidth = 2.5 * view.lw; ctx.beginPath(); path(unit(hu)); ctx.stroke();
    }
    ctx.restore();
  }

  // Under a sigmoid output the parts add up to the hidden sum, not to y: they get their own
  // scale, on the right axis.
  function hiddenScale(ctx, fr, hs) {
    let lo = 0, hi = 0;
    for (let j = 0; j < DENSE; j += 5) { lo = Math.min(lo, hs[j]); hi = Math.max(hi, hs[j]); }
    const pad = 0.1 * (hi - lo || 1), yr = [lo - pad, hi + pad], box = fr.box;
    ctx.fillStyle = "#555"; ctx.font = FONT(); ctx.textAlign = "left";
    const t = niceTicks(yr[0], yr[1], 3), Yh = (y) => box.y + box.h - ((y - yr[0]) / (yr[1] - yr[0])) * box.h;
    ctx.textBaseline = "middle";
    for (const v of t.ticks) ctx.fillText(tickText(v, t.step), box.x + box.w + 4, Yh(v));
    ctx.textBaseline = "alphabetic";
    return (y) => box.y + box.h - ((y - yr[0]) / (yr[1] - yr[0])) * box.h;
  }

  // The error strip: y − f on the dense grid, its min and max in each pixel column.
  function errorStrip(ctx, sb, ys) {
    let emax = 0;
    for (let j = 0; j < DENSE; j++) emax = Math.max(emax, Math.abs(ys[j] - FG[j]));
    emax = emax > 0 && Number.isFinite(emax) ? emax : 1;
    const fe = frame(ctx, sb, [A, B], [-emax, emax], "", { yCount: 3 });
    ctx.fillStyle = "#333"; ctx.textAlign = "right"; ctx.fillText("error y − f", sb.x + sb.w - 6, sb.y + view.font + 2);
    ctx.strokeStyle = COLORS.error; ctx.lineWidth = view.lw; ctx.beginPath();
    const cols = Math.max(1, Math.floor(sb.w));
    for (let c = 0; c < cols; c++) {
      const j0 = Math.floor((c * DENSE) / cols), j1 = Math.floor(((c + 1) * DENSE) / cols);
      let lo = Infinity, hi = -Infinity;
      for (let j = j0; j < j1; j++) { const d = ys[j] - FG[j]; lo = Math.min(lo, d); hi = Math.max(hi, d); }
      ctx.moveTo(sb.x + c + 0.5, fe.Y(hi)); ctx.lineTo(sb.x + c + 0.5, fe.Y(lo) + 0.5);
    }
    ctx.stroke();
  }

  // f on top, dashed, so it stays visible where the network sits on it.
  function drawTarget(ctx, fr) {
    ctx.save(); ctx.setLineDash([6, 4]); denseCurve(ctx, fr, FG, COLORS.f, 2); ctx.restore();
  }

  function drawMain() {
    const { ctx, W, H } = fitCanvas(ui.main);
    const net = current.net, hs = current.errors.hs, ys = denseOut(net, hs);
    const fr = frame(ctx, BOX(W, H), [A, B], YR, `hand-built, N = ${net.w.length}`, { x: false });
    ctx.fillStyle = COLORS.band; ctx.beginPath(); // the ε band around f
    for (let j = 0; j < DENSE; j += 10) ctx.lineTo(fr.X(XG[j]), fr.Y(FG[j] + state.eps));
    for (let j = DENSE - 1; j >= 0; j -= 10) ctx.lineTo(fr.X(XG[j]), fr.Y(FG[j] - state.eps));
    ctx.fill();
    if (state.hover >= 0 && state.hover < net.k) {
      const e = net.first.edges;
      ctx.fillStyle = COLORS.hiFill;
      ctx.fillRect(fr.X(e[state.hover]), fr.box.y, fr.X(e[state.hover + 1]) - fr.X(e[state.hover]), fr.box.h);
    }
    drawParts(ctx, fr, net, net.out === "identity" ? fr.Y : hiddenScale(ctx, fr, hs));
    denseCurve(ctx, fr, ys, COLORS.net, 2);
    drawTarget(ctx, fr);
    errorStrip(ctx, STRIP(W, H), ys);
    ui.mainFrame = fr;
  }

  function drawTrained(tn, t) {
    const { ctx, W, H } = fitCanvas(ui.trained);
    const fr = frame(ctx, BOX(W, H), [A, B], YR, drawn ? "LM's nets: for the page's own f" : `trained (LM), N = ${t.neurons}`, { x: false });
    if (drawn) { drawTarget(ctx, fr); return; } // the live training below trains on your curve
    const ys = denseOut(tn, tn.errors.hs);
    denseCurve(ctx, fr, ys, COLORS.trained, 2);
    drawTarget(ctx, fr);
    errorStrip(ctx, STRIP(W, H), ys);
  }

  // Positions 0..n-1 to draw, at most `limit`, null for each elided run: the first and last
  // pairs, and a focus between two ellipses (uat/plot/diagram.py's shown_positions).
  function shownPositions(n, limit, focus) {
    if (n <= limit) return Array.from({ length: n }, (_, i) => i);
    let head = (limit + 1) >> 1;
    const keep = new Set();
    const fill = (h, tail) => { for (let i = 0; i < h; i++) keep.add(i); for (let i = n - tail; i < n; i++) keep.add(i); };
    if (focus >= 0 && focus < n && (focus >= head && focus < n - (limit - head))) {
      head = limit >> 1; fill(head, limit - 1 - head); keep.add(focus);
    } else fill(head, limit - head);
    const rows = [];
    for (const p of [...keep].sort((a, b) => a - b)) {
      if (rows.length && rows[rows.length - 1] !== null && p !== rows[rows.length - 1] + 1) rows.push(null);
      rows.push(p);
    }
    return rows;
  }
  const DIAGRAM_PAIRS = 16; // beyond this the diagram shows the first and last pairs, "⋮ N more"

  function buildDiagram(net, lit = -1) {
    const svg = ui.diagram, active = document.activeElement;
    // a keyboard user lifting a bump keeps the focus on it across the rebuild
    const focused = active && svg.contains(active) && active.dataset ? Number(active.dataset.unit) : -1;
    svg.replaceChildren();
    const pairs = net.w.length / 2, rows = shownPositions(pairs, DIAGRAM_PAIRS, net.ids.indexOf(lit >= 0 ? lit : focused));
    const slots = rows.reduce((s, r) => s + (r === null ? 1.5 : 2), 0);
    const W = 320, H = Math.min(380, Math.max(170, slots * 10 + 40)), yIn = H / 2;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const vmax = Math.max(...net.v.map(Math.abs)) || 1, step = (H - 40) / slots, r = slots > 24 ? 3.5 : 6;
    let y = 30;
    rows.forEach((u, at) => {
      if (u === null) { // the elided pairs: how many, between the shown ones
        const before = rows[at - 1], after = rows[at + 1];
        const gap = svgEl("text", { x: 172, y: y + 0.75 * step + 4, "font-size": 13, fill: "#222", stroke: "#fff", "stroke-width": 4, "paint-order": "stroke", class: "gap" });
        gap.textContent = `⋮ ${after - before - 1} more pairs`;
        svg.append(gap); y += 1.5 * step;
        return;
      }
      const pos = u;
      u = net.ids[pos];
      const g = svgEl("g", { class: "unit" + (u === lit ? " lit" : ""), "data-unit": u, tabindex: 0, role: "button", "aria-label": `bump ${u + 1} (↑ or ↓ changes its height)` });
      for (const i of [2 * pos, 2 * pos + 1]) {
        const yi = y + step / 2, v = net.v[i];
        g.append(svgEl("line", { x1: 30, y1: yIn, x2: 160, y2: yi, stroke: "#ccc", "stroke-width": 0.8 }));
        g.append(svgEl("line", { x1: 160, y1: yi, x2: 290, y2: yIn, stroke: v >= 0 ? COLORS.net : COLORS.trained, "stroke-width": 0.4 + (2.5 * Math.abs(v)) / vmax }));
        g.append(svgEl("circle", { cx: 160, cy: yi, r, fill: "#E69F00" }));
        y += step;
      }
      g.addEventListener("mouseenter", () => setHover(u));
      g.addEventListener("focus", () => setHover(u));
      g.addEventListener("keydown", (ev) => {
        if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
        ev.preventDefault();
        const step = (ev.key === "ArrowUp" ? 0.01 : -0.01) * (fmaxv - fmin || 1);
        if (makesSteps(state.act) && state.shifts === 1 && u < current.net.k) {
          dragHeight(u, current.net.first.heights[u] + step);
        }
      });
      svg.append(g);
    });
    for (const [cx, name] of [[30, "x"], [290, "y"]]) {
      svg.append(svgEl("circle", { cx, cy: yIn, r: 11, fill: "#555" }));
      const t = svgEl("text", { x: cx, y: yIn + 5, "font-size": 14, "text-anchor": "middle", fill: "#fff" });
      t.textContent = name; svg.append(t);
    }
    const note = svgEl("text", { x: 4, y: 16, "font-size": 13, fill: "#333" });
    note.textContent = `${net.w.length} neurons: ${pairs} pair${pairs > 1 ? "s" : ""} (+ and − output weights)`;
    svg.append(note);
    const again = focused >= 0 ? svg.querySelector(`g.unit[data-unit="${focused}"]`) : null;
    if (again) again.focus();
  }

  function showHover() {
    for (const g of ui.diagram.querySelectorAll("g.unit")) g.classList.toggle("hi", +g.dataset.unit === state.hover);
    const net = current.net, full = state.hover, u = net.ids.indexOf(full);
    if (u < 0) { ui.info.textContent = "Hover a bump (plot or diagram) to see its pair of neurons; drag it, or Tab to it in the diagram and press ↑ or ↓, to change its height."; return; }
    const p = (i) => `w = ${fmt(net.w[i])}, b = ${fmt(net.b[i])}, s = −b/w = ${fmt(-net.b[i] / net.w[i])}`;
    const h = full < net.k ? net.first.heights[full] : null;
    const what = makesSteps(net.act) ? "h" : "slope";
    ui.info.textContent = `bump ${full + 1}: up neuron ${p(2 * u)}; down neuron ${p(2 * u + 1)}; ${what} = ${fmt(h)}`;
  }

  function setHover(u) {
    if (u === state.hover) return;
    state.hover = u;
    drawMain();
    showHover();
  }

  // One bump more, left to right, the new pair lit (from the whole net: back to one bump).
  function nextBump() {
    if (state.method === "train") { state.method = "construct"; }
    state.grow = state.grow === null ? 1 : state.grow + 1;
    render(false);
    state.hover = state.grow !== null ? pairOrder(current.full)[state.grow - 1] : -1;
    drawMain(); showHover();
  }

  function dragHeight(k, h) {
    state.over[k] = h;
    render(false);
  }

  // ---- ε: the smallest width whose sup error is at most ε --------------------------------

  // The search runs in slices of ~8 ms between frames, so the sliders stay live; a newer
  // search (settings or ε changed) cancels the running one.
  let epsSearch = 0;
  function scheduleEps() {
    const id = ++epsSearch, eps = state.eps, st = settingsOf(state);
    ui.epsWidth.textContent = "…";
    ui.epsWidth.removeAttribute("data-value");
    ui.epsGo.disabled = true;
    let n = 2;
    const finish = (found) => {
      ui.epsWidth.textContent = found === null ? `none up to ${DATA.limits.neurons}` : `N = ${found}`;
      ui.epsWidth.setAttribute("data-value", found === null ? "" : String(found));
      ui.epsGo.disabled = found === null;
      // the width that meets ε is the construction's own: edits of another width are dropped
      ui.epsGo.onclick = () => { if (found !== null) { state.n = found; state.over = {}; state.grow = null; render(false); } };
    };
    const slice = () => {
      if (id !== epsSearch) return;
      const t0 = performance.now();
      for (; n <= DATA.limits.neurons && performance.now() - t0 < 8; n += 2) {
        const net = handBuilt(settingsOf(st, n), null);
        if (gridErrors(net).sup <= eps && errorsOf(net).sup <= eps) return finish(n); // grid sup ≤ sup
      }
      if (n > DATA.limits.neurons) finish(null);
      else setTimeout(slice, 0);
    };
    setTimeout(slice, 60);
  }

  // ---- render: rebuild, measure, draw, update every readout ----------------------------

  const timings = [];
  const ANNOUNCE_MS = 500;
  function render(settingsChanged) {
    const t0 = performance.now();
    if (settingsChanged) { state.over = {}; state.grow = null; }
    if (drawn) { state.method = "construct"; state.out = "identity"; } // LM's nets are for the page's f
    if (state.out === "sigmoid" && !T.squashed) state.out = "identity";
    const st = settingsOf(state);
    const full = handBuilt(st, state.over), pairs = full.w.length / 2;
    if (state.grow !== null && state.grow >= pairs) state.grow = null;
    const net = state.grow === null ? full : partialNet(full, state.grow);
    current = { net, errors: errorsOf(net), pairs, full };
    const t = trainedFor(state.n), tn = trainedNet(t);
    const e = state.method === "train" ? tn.errors : current.errors;
    setNumber(ui.sup.v, e.sup);
    setNumber(ui.rmse.v, e.rmse);
    ui.rmse.k.textContent = `RMSE (${e.grid.toLocaleString("en")}-point grid)`;
    setNumber(ui.supAt.v, e.at);
    showBound(st, net);
    ui.both.querySelector("[data-k=hn]").textContent = `hand-built, N = ${net.w.length}`;
    ui.both.querySelector("[data-k=tn]").textContent = `trained, N = ${t.neurons}`;
    setNumber(ui.both.querySelector("[data-testid=construct-sup-error]"), current.errors.sup);
    setNumber(ui.both.querySelector("[data-testid=construct-rmse]"), current.errors.rmse);
    setNumber(ui.both.querySelector("[data-testid=trained-sup-error]"), drawn ? null : tn.errors.sup);
    setNumber(ui.both.querySelector("[data-testid=trained-rmse]"), drawn ? null : tn.errors.rmse);
    drawMain();
    drawTrained(tn, t);
    const key = [st.n, st.shifts, st.act, st.out, st.heights, st.w, state.grow, JSON.stringify(state.over)].join();
    const lit = state.grow === null ? -1 : pairOrder(full)[state.grow - 1];
    if (key !== diagramKey) { buildDiagram(net, lit); diagramKey = key; }
    ui.growStatus.textContent = state.grow === null ? `all ${pairs} bumps` : `bump ${state.grow} of ${pairs}`;
    ui.growStatus.setAttribute("data-value", String(state.grow === null ? pairs : state.grow));
    showHover();
    syncControls();
    if (settingsChanged) scheduleEps();
    announce();
    const ms = performance.now() - t0;
    timings.push(ms);
    ui.timing.setAttribute("data-value", String(ms)); // for the benchmark; never shown
    if (host && host.onNet) { // the widget's `net`: the network on screen, in x
      const n = current.net;
      host.onNet({ w: Array.from(n.w), b: Array.from(n.b), v: Array.from(n.v), c: n.c, activation: n.act, output_activation: n.out, domain: [A, B] });
    }
  }

  // The bound is shown only while it is a theorem about the net on screen; otherwise the
  // page says why there is none.
  function showBound(st, net) {
    const edited = Object.keys(state.over).length > 0, growing = state.grow !== null;
    const bound = state.method === "train" || edited || growing ? null : netBound(st, net);
    let why = "";
    if (state.method === "train") why = "no bound: a trained net has none";
    else if (growing) why = `no bound: only ${state.grow} of ${current.pairs} bumps are built`;
    else if (edited) why = "no bound: heights dragged by hand (the bound holds for the construction's own heights)";
    else if (bound === null) {
      why = constructionBound(st) === null
        ? (makesSteps(st.act) ? "no bound: f has no finite Lipschitz constant here" : "no bound: f has no bounded curvature here")
        : "no bound: the steps are softer than the automatic steepness";
    }
    setNumber(ui.bound.v, bound);
    ui.bound.v.hidden = bound === null;
    ui.boundWhy.textContent = why;
    ui.boundWhy.hidden = bound !== null;
  }

  // Screen readers hear the readouts once the reader pauses, not at every slider step.
  let announceTimer = 0;
  function announce() {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      const v = (r) => r.v.textContent;
      const which = state.method === "train" ? " (trained)" : state.grow !== null ? ` (bump ${state.grow} of ${current.pairs})` : "";
      ui.live.textContent = `N = ${state.n}${which}: sup error ${v(ui.sup)}, RMSE ${v(ui.rmse)}, bound ${v(ui.bound)}`;
    }, ANNOUNCE_MS);
  }

  function syncControls() {
    const c = ui.c;
    c.n.input.value = state.n; c.n.out.textContent = `N = ${state.n} (${state.n / 2} bumps)`;
    c.w.input.value = Math.log10(state.w);
    c.w.out.textContent = state.auto ? `automatic: w = ${fmt(current.net.first.w)}` : `w = ${state.w}`;
    ui.auto.checked = state.auto;
    c.heights.sel.value = state.heights; c.act.sel.value = state.act; c.out.sel.value = state.out;
    c.method.sel.value = state.method;
    c.shifts.input.value = state.shifts; c.shifts.out.textContent = `M = ${state.shifts}`;
    c.eps.input.value = Math.log10(state.eps / FMAX);
    c.eps.out.textContent = `ε = ${state.eps}`;
    c.heights.sel.disabled = !makesSteps(state.act);
    ui.command.textContent = commandText();
    const h = hashText();
    ui.permalink.setAttribute("href", h);
    if (!host && location.hash !== h) { pendingHash = h; clearTimeout(hashTimer); hashTimer = setTimeout(flushHash, HASH_DELAY); }
  }
  // The address follows the view once the reader pauses: history.replaceState took 15 ms of a
  // 60 ms redraw at 8 × 200 neurons. A permalink opened or a hash typed is written at once.
  const HASH_DELAY = 200;
  let pendingHash = null, hashTimer = 0;
  function flushHash() {
    clearTimeout(hashTimer);
    if (pendingHash !== null && location.hash !== pendingHash) { try { history.replaceState(null, "", pendingHash); } catch (err) { /* file:// in some browsers */ } }
    pendingHash = null;
  }

  function buildMain() {
    const set = (k, v, changed = true) => { state[k] = v; render(changed); };
    const c = {};
    c.n = slider("neurons N (per copy)", "neurons", 2, DATA.limits.neurons, 2, state.n, (v) => {
      state.n = state.method === "train" ? trainedFor(v).neurons : v;
      state.over = {}; state.grow = null;
      render(false);
    });
    c.w = slider("steepness w (log scale)", "steepness", 0, 6, 0.01, Math.log10(state.w), (v) => {
      state.auto = false;
      set("w", Number(Math.pow(10, v).toPrecision(4)));
    });
    ui.auto = el("input", { type: "checkbox", "data-testid": "steepness-auto" });
    ui.auto.addEventListener("change", () => set("auto", ui.auto.checked));
    c.heights = choice("bump heights", "heights", HEIGHT_RULES, state.heights, (v) => set("heights", v));
    c.act = choice("hidden activation", "activation", ACT_NAMES, state.act, (v) => set("act", v));
    c.out = choice("output activation", "output", T.squashed ? ["identity", "sigmoid"] : ["identity"], state.out, (v) => set("out", v));
    c.shifts = slider("shifted copies M", "shifts", 1, DATA.limits.shifts, 1, state.shifts, (v) => set("shifts", v));
    c.method = choice("readouts for", "method", ["construct", "train"], state.method, (v) => {
      state.method = v;
      if (v === "train") state.n = trainedFor(state.n).neurons;
      render(false);
    });
    c.eps = slider("ε band (log scale, relative to ‖f‖)", "eps", Math.log10(EPS_RANGE[0]), Math.log10(EPS_RANGE[1]), 0.05, Math.log10(state.eps / FMAX), (v) => {
      state.eps = Number((FMAX * Math.pow(10, v)).toPrecision(3));
      render(false);
      scheduleEps();
    });
    ui.c = c;
    ui.main = el("canvas", { class: "main", "data-testid": "plot", role: "img", "aria-label": "target, network, bumps and error" });
    ui.trained = el("canvas", { class: "small", "data-testid": "trained-plot", role: "img", "aria-label": "trained network" });
    ui.diagram = svgEl("svg", { class: "diagram", "data-testid": "diagram", role: "group", "aria-label": "network diagram" });
    ui.info = el("div", { class: "info", "data-testid": "hover-info" });
    ui.sup = readout("sup error", "sup-error"); ui.rmse = readout("RMSE (10,001-point grid)", "rmse");
    ui.bound = readout("bound", "bound"); ui.supAt = readout("sup at x =", "sup-at");
    ui.boundWhy = el("span", { class: "why", "data-testid": "bound-note" });
    ui.bound.box.append(ui.boundWhy);
    ui.epsWidth = el("span", { class: "eps-hit", "data-testid": "eps-width" });
    ui.epsGo = el("button", { type: "button", text: "go to it", "data-testid": "eps-go" });
    ui.both = el("table", { class: "both" },
      el("tr", {}, el("th", { text: "" }), el("th", { "data-k": "hn" }), el("th", { "data-k": "tn" })),
      el("tr", {}, el("th", { text: "sup error" }), el("td", { "data-testid": "construct-sup-error" }), el("td", { "data-testid": "trained-sup-error" })),
      el("tr", {}, el("th", { text: "RMSE" }), el("td", { "data-testid": "construct-rmse" }), el("td", { "data-testid": "trained-rmse" })));
    ui.command = el("code", { "data-testid": "command" });
    const status = el("span", { "aria-live": "polite", "data-testid": "copy-status" });
    const copy = el("button", { type: "button", text: "copy the command", "data-testid": "copy-command" });
    copy.addEventListener("click", () => copyText(ui.command, status));
    ui.permalink = el("a", { href: "#", text: "permalink", "data-testid": "permalink" });
    const next = el("button", { type: "button", text: "next bump (n)", "data-testid": "next-bump", title: "build the net one bump at a time, left to right (key n)" });
    next.addEventListener("click", nextBump);
    const all = el("button", { type: "button", text: "all bumps", "data-testid": "all-bumps" });
    all.addEventListener("click", () => { state.grow = null; state.hover = -1; render(false); });
    ui.growStatus = el("span", { class: "grow-status", "data-testid": "grow-status" });
    ui.toolbar = el("div", { class: "command toolbar" }, next, all, ui.growStatus);
    ui.timing = el("p", { hidden: "", "data-testid": "timing" });
    ui.live = el("p", { class: "sr-only", "aria-live": "polite", "data-testid": "live" });
    const autoLabel = el("label", { class: "inline" }, ui.auto, el("span", { text: "automatic steepness" }));
    attachPlotPointer();
    // The plot first (a class sees it on the first screen), its numbers just above it, the
    // controls just below; the trained net and the diagram beside it on a wide screen.
    return el("section", { id: "construction" },
      el("div", { class: "readouts" }, ui.sup.box, ui.rmse.box, ui.bound.box, ui.supAt.box,
        el("div", {}, el("span", { class: "k", text: "smallest width with sup error ≤ ε" }), el("span", { class: "v" }, ui.epsWidth, " ", ui.epsGo))),
      el("div", { class: "row" },
        el("div", { class: "grow" }, ui.toolbar, ui.main, legend(), ui.info,
          el("div", { class: "controls" }, c.n.label, c.w.label, autoLabel, c.heights.label, c.act.label,
            c.out.label, c.shifts.label, c.method.label, c.eps.label)),
        el("div", { class: "side" }, ui.trained, ui.both, ui.diagram)),
      el("div", { class: "command" }, ui.command, copy, ui.permalink, status),
      ui.timing, ui.live);
  }

  function legend() {
    const key = (cls, text) => el("span", {}, el("span", { class: "key " + cls, "aria-hidden": "true" }), " " + text);
    return el("p", { class: "legend", "data-testid": "legend" },
      key("f", "target f (dashed, on top)"), key("net", "network"),
      key("parts", "each bump, where non-zero (under a sigmoid output: hidden-sum units, right axis)"),
      key("band", "f ± ε"), key("error", "error strip y − f"));
  }

  function copyText(node, status) {
    const text = node.textContent;
    const done = () => { status.textContent = "copied"; };
    const fallback = () => {
      const r = document.createRange(); r.selectNodeContents(node);
      const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
      try { document.execCommand("copy"); done(); } catch (err) { status.textContent = "select and copy the command"; }
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  function attachPlotPointer() {
    let dragging = -1;
    const pos = (ev) => {
      const r = ui.main.getBoundingClientRect(), fr = ui.mainFrame;
      return fr ? [fr.Xinv(ev.clientX - r.left), fr.Yinv(ev.clientY - r.top)] : [NaN, NaN];
    };
    const toHidden = (y) => (state.out === "sigmoid" ? logit(Math.min(Math.max(y, 1e-6), 1 - 1e-6)) : y);
    ui.main.addEventListener("pointermove", (ev) => {
      const [x, y] = pos(ev);
      if (dragging >= 0) { dragHeight(dragging, toHidden(y)); return; }
      setHover(x >= A && x <= B ? unitAt(current.net, x) : -1);
    });
    ui.main.addEventListener("pointerdown", (ev) => {
      const [x, y] = pos(ev);
      if (!(x >= A && x <= B) || !makesSteps(state.act) || state.shifts !== 1) return;
      dragging = unitAt(current.net, x);
      if (dragging >= 0) { ui.main.setPointerCapture(ev.pointerId); dragHeight(dragging, toHidden(y)); }
    });
    const stop = () => { dragging = -1; };
    ui.main.addEventListener("pointerup", stop);
    ui.main.addEventListener("pointercancel", stop);
    ui.main.addEventListener("pointerleave", () => { if (dragging < 0) setHover(-1); });
  }

  // ---- live training: full-batch Adam in the page ---------------------------------------
  // As uat/core/train.py's "adam": the MSE of all 3N + 1 weights on the normalised input
  // u = (x − m)/h ∈ [−1, 1], β = (0.9, 0.999), step lr/√(1 + t/300). The net drawn and its
  // sup error and RMSE come from errorsOf, the evaluator of the hand-built net.

  const TRAINABLE = ["sigmoid", "tanh", "relu", "softplus"];
  const ADAM_DECAY = 300, TRAIN_POINTS = 256, TRAIN_MAX_NEURONS = 400;
  const DERIV = { // the activation's slope from z and its value a
    sigmoid: (z, a) => a * (1 - a), tanh: (z, a) => 1 - a * a, relu: (z) => (z > 0 ? 1 : 0),
    softplus: (z) => sigma(z),
  };
  function mulberry32(seed) { // a small seeded generator: a reset replays the same run
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  let MID = 0.5 * (A + B), HALF = 0.5 * (B - A);
  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  const power = (k) => "10" + String(Math.round(k)).replace(/./g, (ch) => SUPERSCRIPT[ch]); // 10⁻³

  // A trainer of n neurons: θ = (w_u, b_u, v, c). `init` is "random" (uat's random start: soft
  // steps of either sign at random centres, small v) or a net in x to take over.
  function makeTrainer(n, act, out, seed, init) {
    const th = new Float64Array(3 * n + 1), m1 = new Float64Array(th.length), m2 = new Float64Array(th.length);
    const g = new Float64Array(th.length), a = new Float64Array(n), z = new Float64Array(n);
    const M = Math.max(TRAIN_POINTS, 4 * n), U = linspace(-1, 1, M);
    const Y = Float64Array.from(U, (u) => f(MID + HALF * u));
    if (init) {
      for (let i = 0; i < n; i++) { th[i] = init.w[i] * HALF; th[n + i] = init.b[i] + init.w[i] * MID; th[2 * n + i] = init.v[i]; }
      th[3 * n] = init.c;
    } else {
      const rnd = mulberry32(seed), normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      for (let i = 0; i < n; i++) {
        const w = (rnd() < 0.5 ? -1 : 1) * (1 + 3 * rnd()), centre = -1 + 2 * rnd();
        th[i] = w; th[n + i] = -w * centre; th[2 * n + i] = (0.5 * normal()) / Math.sqrt(n);
      }
    }
    const F = ACTS[act].f, D = DERIV[act];
    let t = 0, loss = NaN;
    function gradient() { // ∇ of mean (y − f)² and the RMSE on the training points
      g.fill(0);
      let sq = 0;
      for (let j = 0; j < M; j++) {
        let s = th[3 * n];
        for (let i = 0; i < n; i++) { z[i] = th[i] * U[j] + th[n + i]; a[i] = F(z[i]); s += th[2 * n + i] * a[i]; }
        let r = s - Y[j];
        if (out === "sigmoid") { const y = sigma(s); r = (y - Y[j]); sq += r * r; r *= y * (1 - y); } else sq += r * r;
        for (let i = 0; i < n; i++) {
          const d = r * th[2 * n + i] * D(z[i], a[i]);
          g[i] += d * U[j]; g[n + i] += d; g[2 * n + i] += r * a[i];
        }
        g[3 * n] += r;
      }
      for (let k = 0; k < g.length; k++) g[k] *= 2 / M;
      loss = Math.sqrt(sq / M);
    }
    gradient();
    return {
      n, act, out,
      get steps() { return t; },
      get loss() { return loss; },
      step(lr) {
        t++;
        const size = lr / Math.sqrt(1 + t / ADAM_DECAY), c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
        for (let k = 0; k < th.length; k++) {
          m1[k] = 0.9 * m1[k] + 0.1 * g[k]; m2[k] = 0.999 * m2[k] + 0.001 * g[k] * g[k];
          th[k] -= (size * (m1[k] / c1)) / (Math.sqrt(m2[k] / c2) + 1e-8);
        }
        gradient();
        return Number.isFinite(loss);
      },
      net() { // the weights in x, as the page's evaluator and `uat show` read them
        const w = [], b = [], v = [];
        for (let i = 0; i < n; i++) { w.push(th[i] / HALF); b.push(th[n + i] - (th[i] * MID) / HALF); v.push(th[2 * n + i]); }
        return { w, b, v, c: th[3 * n], act, out, group: 1, ids: [] };
      },
    };
  }

  function buildTraining() {
    const tr = { seed: 0, lr: 0.02, from: "random", trainer: null, playing: false, history: [], net: null, errors: null, note: "" };
    const canvas = el("canvas", { class: "small", "data-testid": "train-plot", role: "img", "aria-label": "the network being trained" });
    const lossCanvas = el("canvas", { class: "small", "data-testid": "train-loss", role: "img", "aria-label": "RMSE against steps, log scale" });
    const steps = readout("steps", "train-steps"), sup = readout("sup error", "train-sup-error"), rmse = readout("RMSE", "train-rmse");
    const ref = readout("what LM reaches at this width", "train-reference");
    const status = el("p", { class: "note", "data-testid": "train-status" });
    const button = (text, testid, onclick) => { const b = el("button", { type: "button", text, "data-testid": testid }); b.addEventListener("click", onclick); return b; };
    const play = button("play", "train-play", () => (tr.playing ? pause() : start()));
    const lr = slider("learning rate (log scale)", "train-lr", -4, -0.5, 0.01, Math.log10(tr.lr), (v) => { tr.lr = Number(Math.pow(10, v).toPrecision(3)); lr.out.textContent = `lr = ${tr.lr}`; });
    lr.out.textContent = `lr = ${tr.lr}`;
    const seed = el("input", { type: "number", min: 0, max: 999999, step: 1, value: 0, "data-testid": "train-seed", "aria-label": "seed" });
    seed.addEventListener("change", () => { const v = Math.floor(Number(seed.value)); tr.seed = v >= 0 && v <= 999999 ? v : 0; seed.value = tr.seed; reset("random"); });
    function widthNow() { return state.n; }
    function reset(from) {
      pause();
      tr.from = from;
      const act = TRAINABLE.includes(state.act) ? state.act : "sigmoid";
      if (from === "hand-built") {
        const net = current.net;
        if (net.w.length > TRAIN_MAX_NEURONS || !TRAINABLE.includes(net.act)) {
          tr.note = net.w.length > TRAIN_MAX_NEURONS ? `the optimiser takes nets up to ${TRAIN_MAX_NEURONS} neurons; this one has ${net.w.length}` : `${net.act} neurons cannot be trained by gradients (their slope is zero almost everywhere): starting from a random ${act} net`;
          if (net.w.length > TRAIN_MAX_NEURONS) { show(); return; }
          tr.trainer = makeTrainer(widthNow(), act, state.out, tr.seed, null); tr.from = "random";
        } else {
          tr.trainer = makeTrainer(net.w.length, net.act, net.out, tr.seed, net); tr.note = "";
        }
      } else { tr.trainer = makeTrainer(widthNow(), act, state.out, tr.seed, null); tr.note = ""; }
      tr.history = [];
      measure();
      show();
    }
    function measure() {
      tr.net = tr.trainer.net();
      tr.errors = errorsOf(tr.net);
      tr.history.push([tr.trainer.steps, tr.errors.rmse]);
    }
    function advance(count, budgetMs) { // up to `count` steps, or as many as fit in budgetMs
      const t0 = performance.now();
      for (let k = 0; k < count; k++) {
        if (!tr.trainer.step(tr.lr)) { pause(); tr.note = `training diverged at step ${tr.trainer.steps}: try a smaller learning rate than ${tr.lr}`; break; }
        if (budgetMs && performance.now() - t0 > budgetMs) break;
      }
      measure();
      show();
    }
    function start() {
      if (!tr.trainer) reset("random");
      tr.playing = true; play.textContent = "pause"; play.setAttribute("aria-pressed", "true");
      const frameStep = () => { if (!tr.playing) return; advance(1e9, 8); requestAnimationFrame(frameStep); };
      requestAnimationFrame(frameStep);
    }
    function pause() { tr.playing = false; play.textContent = "play"; play.setAttribute("aria-pressed", "false"); }
    function show() {
      const T0 = tr.trainer;
      if (!T0) return;
      setNumber(steps.v, T0.steps); steps.v.textContent = String(T0.steps);
      setNumber(sup.v, tr.errors.sup); setNumber(rmse.v, tr.errors.rmse);
      rmse.k.textContent = `RMSE (${tr.errors.grid.toLocaleString("en")}-point grid)`;
      const lm = trainedFor(T0.n), lmNet = drawn ? null : trainedNet(lm);
      setNumber(ref.v, lmNet ? lmNet.errors.rmse : null);
      ref.k.textContent = `what LM reaches (RMSE${lm.neurons === T0.n ? "" : `, at N = ${lm.neurons}`})`;
      status.textContent = tr.note || `${T0.n} ${T0.act} neurons from ${tr.from === "random" ? `a random start (seed ${tr.seed})` : "the hand-built net"}, Adam at lr = ${tr.lr}`;
      drawNet(); drawLoss(lmNet ? lmNet.errors.rmse : null, lm.neurons);
    }
    function drawNet() {
      const { ctx, W, H } = fitCanvas(canvas);
      const fr = frame(ctx, BOX(W, H), [A, B], YR, `Adam, N = ${tr.trainer.n}, step ${tr.trainer.steps}`, { x: false });
      const ys = denseOut(tr.net, tr.errors.hs);
      denseCurve(ctx, fr, ys, COLORS.trained, 2);
      drawTarget(ctx, fr);
      errorStrip(ctx, STRIP(W, H), ys);
    }
    function drawLoss(lmRmse, lmN) {
      const { ctx, W, H } = fitCanvas(lossCanvas), hs = tr.history;
      const vals = hs.map((p) => p[1]).concat(lmRmse === null ? [] : [lmRmse]).filter((v) => v > 0 && Number.isFinite(v));
      const lo = Math.floor(Math.log10(Math.min(...vals))), hi = Math.ceil(Math.log10(Math.max(...vals)) + 1e-9);
      const last = Math.max(10, hs.length ? hs[hs.length - 1][0] : 10), fs = view.font;
      const fr = frame(ctx, { x: 4.5 * fs, y: 6, w: W - 5.5 * fs, h: H - 16 - 2 * fs }, [0, last], [lo, hi === lo ? lo + 1 : hi], "RMSE (log scale)", { yCount: Math.min(6, hi - lo), yText: power });
      ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.fillText("step", fr.box.x + fr.box.w / 2, H - 2);
      if (lmRmse !== null && lmRmse > 0) {
        ctx.save(); ctx.strokeStyle = "#666"; ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5 * view.lw; ctx.beginPath();
        ctx.moveTo(fr.box.x, fr.Y(Math.log10(lmRmse))); ctx.lineTo(fr.box.x + fr.box.w, fr.Y(Math.log10(lmRmse))); ctx.stroke(); ctx.restore();
        ctx.fillStyle = "#444"; ctx.textAlign = "right";
        ctx.fillText(`LM at N = ${lmN}`, fr.box.x + fr.box.w - 6, fr.Y(Math.log10(lmRmse)) - 4);
      }
      curve(ctx, fr, hs.map((p) => p[0]), hs.map((p) => Math.log10(Math.max(p[1], 1e-300))), COLORS.trained, 2);
    }
    const section = el("section", { id: "training" },
      el("h2", { text: "Training, live: Adam from a random start, or from the hand-built net" }),
      el("div", { class: "readouts" }, steps.box, sup.box, rmse.box, ref.box),
      el("div", { class: "command" }, play, button("one step", "train-step", () => { if (!tr.trainer) reset("random"); pause(); advance(1, 0); }),
        button("reset (same seed)", "train-reset", () => reset(tr.from === "hand-built" ? "hand-built" : "random")),
        button("random start", "train-random", () => reset("random")),
        button("let the optimiser take over", "train-takeover", () => reset("hand-built")),
        el("label", { class: "inline" }, el("span", { text: "seed " }), seed)),
      el("div", { class: "controls" }, lr.label),
      el("div", { class: "row" }, el("div", { class: "grow" }, canvas), el("div", { class: "side" }, lossCanvas)),
      status);
    return {
      section, draw: () => { if (tr.trainer) show(); },
      api: { reset, run: (k) => advance(k, 0), net: () => tr.net, state: tr },
    };
  }

  // ---- the drawing panel ----------------------------------------------------------------

  function buildDrawing(redrawAll) {
    const K = 41, [a0, b0] = ORIGINAL.domain;
    const kx = Array.from({ length: K }, (_, i) => Number((a0 + ((b0 - a0) * i) / (K - 1)).toPrecision(6)));
    let ky = kx.map((x) => Number(f(x).toPrecision(4)));
    const canvas = el("canvas", { class: "small", "data-testid": "draw-plot", role: "img", "aria-label": "draw your own target: drag across the plot" });
    const status = el("p", { class: "note", "data-testid": "draw-status" });
    const rows = el("textarea", { rows: 4, cols: 30, "data-testid": "draw-rows", "aria-label": "x,y rows", placeholder: "x,y rows, one a line" });
    const csv = el("a", { "data-testid": "draw-csv", download: CURVE_FILE, text: `download ${CURVE_FILE}` });
    let fr = null, last = -1;
    const yr = () => [Math.min(YR[0], ...ky) - 0.1, Math.max(YR[1], ...ky) + 0.1];
    let range = yr();
    function draw() {
      const { ctx, W, H } = fitCanvas(canvas), fs = view.font;
      fr = frame(ctx, { x: 4 * fs, y: 6, w: W - 5 * fs, h: H - 14 - fs }, [a0, b0], range, "drag across to draw y(x)");
      ctx.save(); ctx.setLineDash([6, 4]); curve(ctx, fr, kx, ky, COLORS.f, 2); ctx.restore();
      ctx.fillStyle = COLORS.f;
      for (let i = 0; i < K; i++) { ctx.beginPath(); ctx.arc(fr.X(kx[i]), fr.Y(ky[i]), 2.5 * view.lw, 0, 2 * Math.PI); ctx.fill(); }
      if (drawn) csv.setAttribute("href", "data:text/csv;charset=utf-8," + encodeURIComponent(curveCsv(drawn)));
      csv.hidden = !drawn;
    }
    const put = (ev) => { // the knot under the pointer takes its height; a fast stroke fills between
      const r = canvas.getBoundingClientRect(), x = fr.Xinv(ev.clientX - r.left), y = fr.Yinv(ev.clientY - r.top);
      const i = Math.max(0, Math.min(K - 1, Math.round(((x - a0) / (b0 - a0)) * (K - 1))));
      const from = last < 0 ? i : last, yFrom = last < 0 ? y : ky[last];
      for (let j = Math.min(from, i); j <= Math.max(from, i); j++) {
        const t = from === i ? 1 : (j - from) / (i - from);
        ky[j] = Number((yFrom + t * (y - yFrom)).toPrecision(4));
      }
      last = i; draw();
    };
    canvas.addEventListener("pointerdown", (ev) => { range = yr(); last = -1; canvas.setPointerCapture(ev.pointerId); put(ev); });
    canvas.addEventListener("pointermove", (ev) => { if (last >= 0) put(ev); });
    canvas.addEventListener("pointerup", () => { last = -1; });
    const apply = (samples, what) => {
      useTarget(samples);
      state.over = {}; state.grow = null;
      status.textContent = samples ? `${what}: ${samples[0].length} points on [${fmt(samples[0][0])}, ${fmt(samples[0][samples[0].length - 1])}], linear between them, as uat reads ${CURVE_FILE}` : "the page's own f";
      redrawAll(); scheduleEps();
    };
    const button = (text, testid, onclick) => { const b = el("button", { type: "button", text, "data-testid": testid }); b.addEventListener("click", onclick); return b; };
    const section = el("section", { id: "draw" },
      el("h2", { text: "Your own curve" }),
      el("p", { class: "lead", text: `Drag across the plot to draw a target, or paste x,y rows; it replaces f everywhere on the page, the permalink keeps it, and ${CURVE_FILE} with the command reproduces it with the CLI.` }),
      el("div", { class: "row" },
        el("div", { class: "grow" }, canvas),
        el("div", { class: "side" }, rows, el("div", { class: "command" },
          button("use these rows", "draw-rows-use", () => { const [s, why] = parseRows(rows.value); if (s) apply(s, "your rows"); else status.textContent = `not used: ${why}`; })))),
      el("div", { class: "command" },
        button("use this curve", "draw-use", () => apply([kx.slice(), ky.slice()], "your curve")),
        button("back to the page's f", "draw-original", () => { ky = kx.map((x) => Number(ORIGINAL_F(x).toPrecision(4))); apply(null, ""); }),
        csv),
      status);
    return { section, draw: () => { range = yr(); draw(); } };
  }

  // ---- one neuron, then two: w, b and the step at s = −b/w --------------------------------

  function buildNeuron() {
    const L = B - A, Wm = 400 / L, R = Math.max(Math.abs(A), Math.abs(B), L);
    const nb = { w: Number((8 / L).toPrecision(3)), b: 0, two: false, s2: A + 0.75 * L, h: 0.8 };
    nb.b = Number((-nb.w * (A + 0.5 * L)).toPrecision(3));
    const canvas = el("canvas", { class: "small", "data-testid": "neuron-plot", role: "img", "aria-label": "one or two neurons" });
    const sOut = el("span", { class: "v", "data-testid": "neuron-s" });
    const w = slider("weight w", "neuron-w", -Wm, Wm, Wm / 400, nb.w, (v) => { nb.w = v; draw(); });
    const b = slider("bias b", "neuron-b", -Wm * R, Wm * R, (Wm * R) / 1000, nb.b, (v) => { nb.b = v; draw(); });
    const s2 = slider("second step s₂", "neuron-s2", A, B, L / 1000, nb.s2, (v) => { nb.s2 = v; draw(); });
    const h = slider("height h (output weights +h, −h)", "neuron-h", -2, 2, 0.01, nb.h, (v) => { nb.h = v; draw(); });
    const two = el("input", { type: "checkbox", "data-testid": "neuron-two" });
    two.addEventListener("change", () => { nb.two = two.checked; draw(); });
    function draw() {
      const s = -nb.b / nb.w;
      w.out.textContent = `w = ${fmt(nb.w)}`; b.out.textContent = `b = ${fmt(nb.b)}`;
      s2.out.textContent = `s₂ = ${fmt(nb.s2)}`; h.out.textContent = `h = ${fmt(nb.h)}`;
      sOut.textContent = fmt(s);
      sOut.setAttribute("data-value", String(s));
      s2.input.disabled = h.input.disabled = !nb.two;
      const { ctx, W, H } = fitCanvas(canvas);
      const yr = nb.two ? [-2.2, 2.2] : [-0.1, 1.1];
      const fr = frame(ctx, { x: 4 * view.font, y: 6, w: W - 5 * view.font, h: H - 14 - view.font }, [A, B], yr,
        nb.two ? "h·σ(w·x + b) − h·σ(w·(x − s₂))" : "σ(w·x + b)");
      const y = XP.map((x) => (nb.two ? nb.h * sigma(nb.w * x + nb.b) - nb.h * sigma(nb.w * (x - nb.s2)) : sigma(nb.w * x + nb.b)));
      curve(ctx, fr, XP, y, COLORS.net, 2);
      ctx.strokeStyle = "#999"; ctx.setLineDash([4, 3]); ctx.beginPath();
      for (const sx of nb.two ? [s, nb.s2] : [s]) if (sx >= A && sx <= B) { ctx.moveTo(fr.X(sx), fr.box.y); ctx.lineTo(fr.X(sx), fr.box.y + fr.box.h); }
      ctx.stroke(); ctx.setLineDash([]);
      neuronFrame = fr;
    }
    let neuronFrame = null, dragging = false;
    const move = (ev) => { // drag the step: keep w, move s (b = −w·s)
      const r = canvas.getBoundingClientRect(), x = neuronFrame.Xinv(ev.clientX - r.left);
      nb.b = Number((-nb.w * Math.min(Math.max(x, A), B)).toPrecision(4));
      b.input.value = nb.b; draw();
    };
    canvas.addEventListener("pointerdown", (ev) => { dragging = true; canvas.setPointerCapture(ev.pointerId); move(ev); });
    canvas.addEventListener("pointermove", (ev) => { if (dragging) move(ev); });
    canvas.addEventListener("pointerup", () => { dragging = false; });
    const section = el("section", { id: "neuron" },
      el("h2", { text: "One neuron, then two" }),
      el("p", { class: "lead", text: "A sigmoid neuron σ(w·x + b) is a smoothed step at s = −b/w; the larger w, the sharper. Two steps with output weights +h and −h make a bump of height h. Drag on the plot to move the step." }),
      el("div", { class: "controls" }, w.label, b.label,
        el("label", { class: "inline" }, two, el("span", { text: "add a second neuron" })), s2.label, h.label),
      el("div", { class: "readouts" }, el("div", {}, el("span", { class: "k", text: "step at s = −b/w" }), sOut)),
      canvas);
    return { section, draw };
  }

  // ---- Nielsen's challenge: five bumps under a sigmoid output --------------------------

  function buildChallenge() {
    const C = DATA.challenge, K = C.bumps, P = C.points;
    const xs = Array.from({ length: P }, (_, j) => A + ((B - A) * j) / P);
    const [offset, scale] = C.rescale, rescaled = offset !== 0 || scale !== 1;
    const fr01 = (x) => offset + scale * f(x);
    const g = (x) => logit(Math.min(Math.max(fr01(x), 1e-15), 1 - 1e-15));
    const goal = xs.map(g);
    const h = new Array(K).fill(0);
    const canvas = el("canvas", { class: "main", "data-testid": "challenge-plot", role: "img", "aria-label": "challenge: the hidden layer's output against σ⁻¹∘f" });
    const output = el("canvas", { class: "small", "data-testid": "challenge-output", role: "img", "aria-label": "challenge: the network's output against f" });
    const score = el("span", { class: "v", "data-testid": "challenge-score" });
    const result = el("span", { "data-testid": "challenge-result", "aria-live": "polite" });
    let touched = false, shown = false;
    const sliders = h.map((_, k) => slider(`h${k + 1}`, `challenge-h${k + 1}`, -3, 3, 0.01, 0, (v) => { h[k] = v; touched = true; shown = false; draw(); }));
    let lo = Math.min(...goal), hi = Math.max(...goal);
    const yr = [Math.min(lo, -1) - 0.5, Math.max(hi, 1) + 0.5];
    const edge = (k) => A + ((B - A) * k) / K;
    let fr = null;
    function deviation() { // Nielsen's score: mean |σ⁻¹(f(x)) − h| over x = j/100, bump by bump
      let s = 0;
      for (let j = 0; j < P; j++) s += Math.abs(goal[j] - h[Math.floor((j * K) / P)]);
      return s / P;
    }
    function median(v) { const a = [...v].sort((p, q) => p - q), m = a.length >> 1; return a.length % 2 ? a[m] : 0.5 * (a[m - 1] + a[m]); }
    function edges(ctx, f) { // the bump boundaries, dashed grey
      ctx.save(); ctx.strokeStyle = "#888"; ctx.lineWidth = view.lw; ctx.setLineDash([5, 4]); ctx.beginPath();
      for (let k = 1; k < K; k++) { ctx.moveTo(f.X(edge(k)), f.box.y); ctx.lineTo(f.X(edge(k)), f.box.y + f.box.h); }
      ctx.stroke(); ctx.restore();
    }
    function steps(ctx, f, val, color) { // one level a bump
      ctx.strokeStyle = color; ctx.lineWidth = 2.5 * view.lw; ctx.beginPath();
      h.forEach((v, k) => { ctx.moveTo(f.X(edge(k)), f.Y(val(v))); ctx.lineTo(f.X(edge(k + 1)), f.Y(val(v))); });
      ctx.stroke();
    }
    function draw() {
      const fs = view.font;
      let { ctx, W, H } = fitCanvas(canvas);
      fr = frame(ctx, { x: 4 * fs, y: 6, w: W - 5 * fs, h: H - 14 - fs }, [A, B], yr, "weighted output from the hidden layer, and σ⁻¹∘f");
      edges(ctx, fr);
      ctx.save(); ctx.setLineDash([6, 4]); curve(ctx, fr, XP, XP.map(g), COLORS.f, 2); ctx.restore();
      steps(ctx, fr, (v) => v, COLORS.net);
      ({ ctx, W, H } = fitCanvas(output));
      const fo = frame(ctx, { x: 4 * fs, y: 6, w: W - 5 * fs, h: H - 14 - fs }, [A, B], [0, 1], rescaled ? "output σ(h) against the rescaled f" : "output σ(h) against f");
      edges(ctx, fo);
      ctx.save(); ctx.setLineDash([6, 4]); curve(ctx, fo, XP, XP.map(fr01), COLORS.f, 2); ctx.restore();
      steps(ctx, fo, sigma, COLORS.net);
      const d = deviation();
      sliders.forEach((s, k) => { s.input.value = h[k]; s.out.textContent = `h${k + 1} = ${h[k].toFixed(2)}`; });
      score.textContent = d.toFixed(3);
      score.setAttribute("data-value", String(d));
      const won = touched && d < C.goal; // a success is the reader's, never the start's
      result.textContent = shown ? `A solution: the median of σ⁻¹∘f on each fifth (${d.toFixed(3)} < ${C.goal.toFixed(2)}).`
        : won ? "Success!" : `Not yet: get the average deviation below ${C.goal.toFixed(2)}.`;
      result.className = won || shown ? "success" : "fail";
    }
    let dragging = -1;
    const at = (ev) => {
      const r = canvas.getBoundingClientRect();
      return [fr.Xinv(ev.clientX - r.left), fr.Yinv(ev.clientY - r.top)];
    };
    canvas.addEventListener("pointerdown", (ev) => {
      const [x, y] = at(ev);
      if (!(x >= A && x <= B)) return;
      dragging = Math.min(K - 1, Math.floor(((x - A) / (B - A)) * K));
      touched = true; shown = false;
      canvas.setPointerCapture(ev.pointerId);
      h[dragging] = Math.round(Math.min(3, Math.max(-3, y)) * 100) / 100; draw();
    });
    canvas.addEventListener("pointermove", (ev) => {
      if (dragging < 0) return;
      h[dragging] = Math.round(Math.min(3, Math.max(-3, at(ev)[1])) * 100) / 100; draw();
    });
    canvas.addEventListener("pointerup", () => { dragging = -1; });
    const reset = el("button", { type: "button", text: "reset", "data-testid": "challenge-reset" });
    reset.addEventListener("click", () => { h.fill(0); touched = false; shown = false; draw(); });
    const solve = el("button", { type: "button", text: "show a solution", "data-testid": "challenge-solution" });
    solve.addEventListener("click", () => {
      for (let k = 0; k < K; k++) h[k] = Math.round(median(goal.filter((_, j) => Math.floor((j * K) / P) === k)) * 100) / 100;
      shown = true; touched = false; draw();
    });
    const key = (cls, text) => el("span", {}, el("span", { class: "key " + cls, "aria-hidden": "true" }), " " + text);
    const section = el("section", { id: "challenge" },
      el("h2", { text: "The challenge" }),
      el("p", { class: "lead", text: `Five bumps and a sigmoid output: the hidden layer must approximate σ⁻¹∘f. Drag the bumps (or move the sliders) until the average deviation from σ⁻¹∘f is below ${C.goal.toFixed(2)}.` }),
      rescaled ? el("p", { class: "lead", "data-testid": "challenge-rescale", text: `f leaves (0, 1), where a sigmoid output lives, so the challenge uses its shape rescaled, ${fmt(offset)} + ${fmt(scale)}·f(x) (from ${fmt(offset + scale * fmin)} to ${fmt(offset + scale * fmaxv)}), as far as makes the best five bumps score as in Nielsen's own task.` }) : "",
      el("div", { class: "readouts" }, el("div", {}, el("span", { class: "k", text: "average deviation" }), score), el("div", {}, el("span", { class: "k", text: "result" }), result)),
      el("div", { class: "row" },
        el("div", { class: "grow" }, canvas,
          el("p", { class: "legend", "data-testid": "challenge-legend" }, key("f", "σ⁻¹∘f (dashed): the goal"),
            key("net", "your five heights h₁ … h₅"), key("edge", "bump edges"))),
        el("div", { class: "side" }, output,
          el("p", { class: "legend" }, key("f", rescaled ? "the rescaled f (dashed)" : "f (dashed)"), key("net", "the network's output σ(h)")))),
      el("div", { class: "controls" }, ...sliders.map((s) => s.label)),
      el("div", { class: "command" }, reset, solve));
    return { section, draw };
  }

  // ---- start ---------------------------------------------------------------------------

  function start() {
    readHash();
    app.replaceChildren();
    const projector = el("button", { type: "button", text: "projector", "aria-pressed": "false", "data-testid": "projector", title: "large type and thick lines" });
    app.append(el("header", { class: "top" },
      el("h1", { text: `uat explore: f(x) = ${T.formula} on [${fmt(A)}, ${fmt(B)}]` }), projector));
    const challenge = DATA.settings.challenge ? buildChallenge() : null;
    if (challenge) app.append(challenge.section); // a challenge page opens on the challenge
    const neuron = buildNeuron();
    app.append(buildMain());
    const training = buildTraining();
    window.uatExplore.training = training.api;
    const drawing = challenge ? null : buildDrawing(() => redrawAll());
    app.append(training.section, ...(drawing ? [drawing.section] : []), neuron.section,
      el("p", { class: "note", text: "Every number is computed as `uat fit` computes it: the sup error on a 10,001-point grid refined around every local maximum, the RMSE on that grid (16 points a bump where the net has more than 625 bumps), the bound only while it is a theorem about the net on screen." }));
    const redrawAll = () => { neuron.draw(); if (challenge) challenge.draw(); render(false); training.draw(); if (drawing) drawing.draw(); };
    projector.addEventListener("click", () => { // large type and thick lines for a room
      const on = !app.classList.contains("projector");
      app.classList.toggle("projector", on);
      projector.setAttribute("aria-pressed", String(on));
      Object.assign(view, on ? { font: 22, lw: 2.2 } : { font: 14, lw: 1 });
      redrawAll();
    });
    const fromHash = () => { // a full render drops edits: a permalink's come back after it
      const edits = { ...state.over }, grow = state.grow;
      render(true);
      if (Object.keys(edits).length || grow !== null) { state.over = edits; state.grow = grow; render(false); }
    };
    fromHash();
    flushHash();
    neuron.draw();
    if (drawing) drawing.draw();
    if (challenge) challenge.draw();
    window.addEventListener("resize", redrawAll);
    let pending = false;
    onCanvasResize = () => { // a canvas changed size (projector, a scroll bar, a narrower window)
      if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; redrawAll(); }); }
    };
    if (!host) document.addEventListener("keydown", (ev) => { // n: next bump, unless typing in a field
      const tag = (ev.target && ev.target.tagName) || "";
      if (ev.key === "n" && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !/^(INPUT|SELECT|TEXTAREA)$/.test(tag)) { ev.preventDefault(); nextBump(); }
    });
    if (!host) window.addEventListener("hashchange", () => { if (location.hash !== hashText()) { state.over = {}; state.grow = null; readHash(); fromHash(); flushHash(); } });
  }

  window.uatExplore = { errorsOf, handBuilt, netAt, constructionBound, timings, state, render, dragHeight, setHover, data: DATA, view, frame: () => ui.mainFrame };
  start();
}

if (typeof document !== "undefined" && document.getElementById("uat-data")) {
  uatExploreMount(JSON.parse(document.getElementById("uat-data").textContent), document.getElementById("app"));
}
