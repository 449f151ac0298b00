// uat explore on a surface: K×K towers over the plane (uat/core/towers.py `towers`),
// drawn in 3-D on a plain canvas and measured as uat/core/metrics.py `errors` measures it.
//
// Plain JavaScript, no build step, no libraries, no network: uat/web/towers.py embeds, for
// every K the slider reaches, what the library computed (heights, steepness, thresholds); this
// file lays out the layers and ports the refined sup error (grid, its local maxima zoomed in,
// across the net's step lines and their crossings, both sides of the target's jumps) and the
// grid RMSE, so the page's numbers are those of `uat fit TARGET --towers K --json`.
"use strict";
function uatTowersMount(DATA, app) {
  const T = DATA.target, M = DATA.metrics, N = M.grid;
  const [[XA, XB], [YA, YB]] = T.box;
  const SX = XB - XA, SY = YB - YA;
  const f = uatCompileTree(T.tree);
  const sigma = (z) => 1 / (1 + Math.exp(-z));
  const clip = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);
  const TINY = 1e-18; // a first-layer output below it adds < H·1e-18 to a threshold's input

  const linspace = uatLinspace, el = uatEl, fmt = uatFmt, setNumber = uatSetNumber;
  const GX = linspace(XA, XB, N), GY = linspace(YA, YB, N);
  const FG = new Float64Array(N * N); // the target on the grid, row r (y), column c (x)
  for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) FG[r * N + c] = f(GX[c], GY[r]);
  const JUMPS = (() => { // both sides of the target's known jumps, as metrics._plane_jumps
    const [p, nrm] = T.jumps, delta = M.jump_offset * Math.hypot(SX, SY), xs = [], ys = [];
    for (const sgn of [1, -1]) {
      for (let i = 0; i < p.length; i++) {
        xs.push(clip(p[i][0] + sgn * (delta * nrm[i][0]), XA, XB));
        ys.push(clip(p[i][1] + sgn * (delta * nrm[i][1]), YA, YB));
      }
    }
    return { x: xs, y: ys, f: xs.map((x, i) => f(x, ys[i])) };
  })();

  // ---- the network (uat.core.towers.towers) ------------------------------------------------------

  function build(st) {
    const L = DATA.towers[st.k - 1], k = st.k, nielsen = st.form === "nielsen";
    const h = Float64Array.from(L.heights);
    for (const [key, val] of Object.entries(st.over)) if (+key < h.length) h[+key] = val;
    const w = st.w === null ? L.steepness : st.w;
    const xe = linspace(XA, XB, k + 1), ye = linspace(YA, YB, k + 1);
    const margin = Math.max(Math.min(SX, SY) / k / 2, Math.log(1000.0) / w);
    xe[0] -= margin; ye[0] -= margin; xe[k] += margin; ye[k] += margin;
    const steps = nielsen ? k + 1 : k;
    const v = new Float64Array(k * k);
    const P = (j, i) => (j === 0 || i === 0 ? 0 : h[(j - 1) * k + i - 1]);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) {
        v[j * k + i] = nielsen ? h[j * k + i] : (P(j + 1, i + 1) - P(j, i + 1)) - (P(j + 1, i) - P(j, i));
      }
    }
    const S = new Float64Array((k + 1) * (k + 1)); // summed-area table of the output weights
    for (let j = 1; j <= k; j++) {
      for (let i = 1; i <= k; i++) {
        S[j * (k + 1) + i] = v[(j - 1) * k + i - 1] + S[(j - 1) * (k + 1) + i] + S[j * (k + 1) + i - 1] - S[(j - 1) * (k + 1) + i - 1];
      }
    }
    const H = L.threshold[nielsen ? "nielsen" : "quadrant"];
    return { k, w, H, h, v, S, nielsen, steps, sx: xe.slice(0, steps), sy: ye.slice(0, steps), edges: [xe, ye],
      neurons: 2 * steps + k * k, edited: Object.keys(st.over).length > 0 };
  }

  // Each coordinate's first-layer outputs as runs of equal values (steps far away are exactly
  // 0 or 1): u_i = σ(w·c − w·s_i) for quadrants, its ridge u_i − u_{i+1} for Nielsen's.
  // A threshold neuron (j, i) sees z = H·(u_i + u_j) − 3H/2, and e^{−z} = e^{3H/2 − H·u_i}·e^{−H·u_j}
  // factors: each run keeps its factor, so the output is a sum over pairs of runs of
  // (block sum of output weights) / (1 + P·Q): a handful of terms instead of K², no exp.
  function axisRuns(net, s, coords, lead) {
    const k = net.k, m = coords.length, w = net.w, H = net.H;
    const starts = new Int32Array(m * (k + 2)), factor = new Float64Array(m * (k + 1)), counts = new Int32Array(m);
    const a = new Float64Array(net.steps);
    for (let p = 0; p < m; p++) {
      const c = coords[p];
      for (let i = 0; i < net.steps; i++) a[i] = sigma(w * c + -w * s[i]);
      let n = 0, prev = NaN;
      for (let i = 0; i < k; i++) {
        let u = net.nielsen ? a[i] - a[i + 1] : a[i];
        if (Math.abs(u) < TINY) u = 0;
        if (u !== prev) { starts[p * (k + 2) + n] = i; factor[p * (k + 1) + n] = Math.exp(lead - H * u); n++; prev = u; }
      }
      starts[p * (k + 2) + n] = k;
      counts[p] = n;
    }
    return { starts, factor, counts };
  }
  function pairSum(net, rx, px, ry, py) {
    const k = net.k, K1 = k + 1, K2 = k + 2, S = net.S;
    let total = 0;
    const na = rx.counts[px], nb = ry.counts[py];
    for (let a = 0; a < na; a++) {
      const i0 = rx.starts[px * K2 + a], i1 = rx.starts[px * K2 + a + 1], P = rx.factor[px * K1 + a];
      for (let b = 0; b < nb; b++) {
        const j0 = ry.starts[py * K2 + b], j1 = ry.starts[py * K2 + b + 1];
        const block = S[j1 * K1 + i1] - S[j0 * K1 + i1] - S[j1 * K1 + i0] + S[j0 * K1 + i0];
        if (block !== 0) total += block / (1 + P * ry.factor[py * K1 + b]);
      }
    }
    return total;
  }
  // The net on every (x, y) of xs × ys: out[iy·nx + ix].
  // Each distinct coordinate once: soft steps put the points across them outside the box,
  // clipped onto its edge (w = 0.1: 391 x-values, 2 distinct).
  function distinct(cs) {
    if (cs.length <= 32) return { vals: cs, idx: null };
    const at = new Map(), idx = new Int32Array(cs.length), vals = [];
    for (let i = 0; i < cs.length; i++) {
      let j = at.get(cs[i]);
      if (j === undefined) { j = vals.length; at.set(cs[i], j); vals.push(cs[i]); }
      idx[i] = j;
    }
    return vals.length * 4 > cs.length * 3 ? { vals: cs, idx: null } : { vals: Float64Array.from(vals), idx };
  }
  function tensor(net, xs, ys) {
    const ux = distinct(xs), uy = distinct(ys), nx = ux.vals.length;
    const rx = axisRuns(net, net.sx, ux.vals, 1.5 * net.H), ry = axisRuns(net, net.sy, uy.vals, 0);
    const u = new Float64Array(nx * uy.vals.length);
    for (let iy = 0; iy < uy.vals.length; iy++) for (let ix = 0; ix < nx; ix++) u[iy * nx + ix] = pairSum(net, rx, ix, ry, iy);
    if (!ux.idx && !uy.idx) return u;
    const out = new Float64Array(xs.length * ys.length);
    for (let iy = 0; iy < ys.length; iy++) {
      const row = (uy.idx ? uy.idx[iy] : iy) * nx;
      for (let ix = 0; ix < xs.length; ix++) out[iy * xs.length + ix] = u[row + (ux.idx ? ux.idx[ix] : ix)];
    }
    return out;
  }
  const netAt = (net, x, y) => tensor(net, [x], [y])[0];

  // ---- errors (uat.core.metrics.errors) -----------------------------------------------------------

  // The measurement is a generator: it yields between pieces of about a millisecond, so that
  // the page draws first and measures in slices (`measure`); `errorsOf` runs it through.
  function* refine(net, starts, step, into) {
    const Z = M.zoom_points, u = linspace(-1, 1, Z);
    let best = -1, where = [NaN, NaN], span = [step[0], step[1]], finite = true;
    const centre = starts.map((s) => [s[0], s[1]]), xs = new Float64Array(Z), ys = new Float64Array(Z);
    for (let z = 0; z < M.zooms; z++) {
      let top = -1, topE = -Infinity;
      for (let r = 0; r < centre.length; r++) {
        for (let q = 0; q < Z; q++) { xs[q] = clip(centre[r][0] + span[0] * u[q], XA, XB); ys[q] = clip(centre[r][1] + span[1] * u[q], YA, YB); }
        const vals = tensor(net, xs, ys);
        let kBest = 0, eBest = -Infinity;
        for (let p = 0; p < Z * Z; p++) {
          const e = Math.abs(vals[p] - f(xs[p % Z], ys[(p / Z) | 0]));
          if (!Number.isFinite(e)) finite = false;
          if (e > eBest) { eBest = e; kBest = p; }
        }
        centre[r] = [xs[kBest % Z], ys[(kBest / Z) | 0]];
        if (eBest > topE) { topE = eBest; top = r; }
      }
      if (top >= 0 && topE > best) { best = topE; where = [centre[top][0], centre[top][1]]; }
      span = [span[0] / 2, span[1] / 2];
      yield;
    }
    into.push({ value: best, where, finite });
  }

  function* jumpErrors(net, into) {
    const n = JUMPS.x.length;
    let best = -Infinity, at = 0, finite = true;
    for (let i = 0; i < n; i++) {
      const e = Math.abs(netAt(net, JUMPS.x[i], JUMPS.y[i]) - JUMPS.f[i]);
      if (!Number.isFinite(e)) finite = false;
      if (e > best) { best = e; at = i; }
      if (i % 500 === 499) yield;
    }
    into.push(n ? { value: best, where: [JUMPS.x[at], JUMPS.y[at]], finite } : { value: -1, where: [NaN, NaN], finite });
  }

  const acrossCache = new Map(); // (K, w, form) → the points across the step lines and f there
  function acrossPoints(net) {
    const key = `${net.k}|${net.w}|${net.nielsen}`;
    if (acrossCache.has(key)) return acrossCache.get(key);
    const lines = (s, lo, hi) => Array.from(new Set(Array.from(s, (si) => -(-net.w * si) / net.w))).sort((p, q) => p - q).filter((c) => c >= lo && c <= hi);
    const half = 6.0 / net.w, t = linspace(-1, 1, M.across);
    const spread = (ls, lo, hi) => Float64Array.from(ls.flatMap((c) => Array.from(t, (ti) => clip(c + half * ti, lo, hi))));
    const lx = lines(net.sx, XA, XB), ly = lines(net.sy, YA, YB);
    const X1 = spread(lx, XA, XB), Y1 = spread(ly, YA, YB);
    const sets = [[X1, GY], [GX, Y1]];
    if (X1.length && Y1.length) sets.push([X1, Y1]);
    const parts = sets.filter(([xs, ys]) => xs.length && ys.length).map(([xs, ys]) => ({ xs, ys, fv: null }));
    const found = { parts, span: [half / (M.across >> 1), half / (M.across >> 1)] };
    if (acrossCache.size > 32) acrossCache.clear();
    acrossCache.set(key, found);
    return found;
  }
  function* acrossSteps(net, into) {
    const { parts, span } = acrossPoints(net), P = M.peaks, bestE = [], bestP = [];
    let finite = true;
    for (const part of parts) {
      const { xs, ys } = part, nx = xs.length, rows = Math.max(1, Math.floor(4000 / nx));
      if (!part.fv) { // f there, once for each (K, w, form)
        const fv = new Float64Array(nx * ys.length);
        for (let iy = 0; iy < ys.length; iy++) { for (let ix = 0; ix < nx; ix++) fv[iy * nx + ix] = f(xs[ix], ys[iy]); if (iy % rows === rows - 1) yield; }
        part.fv = fv;
      }
      for (let y0 = 0; y0 < ys.length; y0 += rows) {
        const vals = tensor(net, xs, ys.subarray(y0, y0 + rows)), fv = part.fv;
        for (let p = 0; p < vals.length; p++) {
          const e = Math.abs(vals[p] - fv[y0 * nx + p]);
          if (!Number.isFinite(e)) { finite = false; continue; }
          if (bestE.length === P && !(e > bestE[P - 1])) continue;
          let at = bestE.length;
          while (at > 0 && bestE[at - 1] < e) at--;
          bestE.splice(at, 0, e); bestP.splice(at, 0, [xs[p % nx], ys[y0 + ((p / nx) | 0)]]);
          if (bestE.length > P) { bestE.pop(); bestP.pop(); }
        }
        yield;
      }
    }
    into.push({ starts: bestP, span, finite });
  }

  function gridPeaks(E) {
    const peaks = [];
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const e = E[r * N + c];
        let peak = true;
        for (let dr = -1; dr <= 1 && peak; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr, cc = c + dc;
            if ((dr || dc) && rr >= 0 && rr < N && cc >= 0 && cc < N && !(e >= E[rr * N + cc])) { peak = false; break; }
          }
        }
        if (peak) peaks.push(r * N + c);
      }
    }
    peaks.sort((p, q) => E[p] - E[q] || p - q);
    return peaks.reverse().slice(0, M.peaks);
  }

  // Sup error (grid, refined around its peaks, across the step lines, at jumps), RMSE on the grid.
  function* measuring(net) {
    const V = new Float64Array(N * N), E = new Float64Array(N * N), rows = 10;
    let gridSup = -Infinity, at = 0, finite = true;
    for (let r0 = 0; r0 < N; r0 += rows) {
      V.set(tensor(net, GX, GY.subarray(r0, r0 + rows)), r0 * N);
      for (let p = r0 * N; p < Math.min(N, r0 + rows) * N; p++) {
        const e = Math.abs(V[p] - FG[p]);
        E[p] = e;
        if (!Number.isFinite(e)) finite = false;
        if (e > gridSup) { gridSup = e; at = p; }
      }
      yield;
    }
    let sup = gridSup, where = [GX[at % N], GY[(at / N) | 0]];
    const starts = gridPeaks(E).map((p) => [GX[p % N], GY[(p / N) | 0]]);
    yield;
    const found = [], across = [];
    yield* refine(net, starts, [SX / (N - 1), SY / (N - 1)], found);
    yield* jumpErrors(net, found);
    yield* acrossSteps(net, across);
    if (across[0].starts.length) yield* refine(net, across[0].starts, across[0].span, found);
    for (const r of found) {
      finite = finite && r.finite && across[0].finite;
      if (r.value > sup) { sup = r.value; where = r.where; }
    }
    let ss = 0;
    if (gridSup > 0) for (let p = 0; p < N * N; p++) { const q = E[p] / gridSup; ss += q * q; }
    const rmse = gridSup > 0 ? gridSup * Math.sqrt(ss / (N * N)) : 0;
    return { sup: finite ? sup : NaN, rmse: finite ? rmse : NaN, at: where, gridSup, V, E };
  }
  function errorsOf(net) {
    const gen = measuring(net);
    for (;;) { const r = gen.next(); if (r.done) return r.value; }
  }

  // ---- 3-D: a small projection and the painter's algorithm ----------------------------------

  const view = { az: -0.6, el: 0.6, font: 14 };
  function projector(box, zr) { // the box's eight corners fill the canvas, whatever the turn
    const ca = Math.cos(view.az), sa = Math.sin(view.az), ce = Math.cos(view.el), se = Math.sin(view.el);
    const zs = zr[1] > zr[0] ? 0.7 / (zr[1] - zr[0]) : 0;
    const unit = (x, y, z) => {
      const X = (x - XA) / SX - 0.5, Y = (y - YA) / SY - 0.5, Z = (z - zr[0]) * zs - 0.35;
      const xr = X * ca - Y * sa, yr = X * sa + Y * ca;
      return [xr, -(Z * ce + yr * se), yr * ce - Z * se];
    };
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const x of [XA, XB]) for (const y of [YA, YB]) for (const z of zr) {
      const [u, v] = unit(x, y, z);
      x0 = Math.min(x0, u); x1 = Math.max(x1, u); y0 = Math.min(y0, v); y1 = Math.max(y1, v);
    }
    const pad = 2.2 * view.font, scale = Math.min((box.w - 2 * pad) / (x1 - x0), (box.h - 2 * pad) / (y1 - y0));
    const ox = box.x + box.w / 2 - (scale * (x0 + x1)) / 2, oy = box.y + box.h / 2 - (scale * (y0 + y1)) / 2;
    return (x, y, z) => { const [u, v, d] = unit(x, y, z); return [ox + scale * u, oy + scale * v, d]; };
  }
  // A height field z[r·n + c] over xs × ys, back to front, shaded by its slope and height.
  function drawSurface(ctx, box, xs, ys, z, zr, colour) {
    const P = projector(box, zr), nx = xs.length, ny = ys.length;
    const pts = new Array(nx * ny);
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) pts[r * nx + c] = P(xs[c], ys[r], z[r * nx + c]);
    const far = (r, c) => P(xs[c], ys[r], zr[0])[2];
    const rows = far(0, 0) > far(ny - 1, 0) ? [...Array(ny - 1).keys()] : [...Array(ny - 1).keys()].reverse();
    const cols = far(0, 0) > far(0, nx - 1) ? [...Array(nx - 1).keys()] : [...Array(nx - 1).keys()].reverse();
    const span = zr[1] - zr[0] || 1;
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.beginPath(); // the floor, behind the surface
    [[XA, YA], [XB, YA], [XB, YB], [XA, YB], [XA, YA]].map(([x, y]) => P(x, y, zr[0])).forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
    ctx.stroke();
    let style = null; // consecutive quads of one shade share a path: a fill a run, not a quad
    ctx.beginPath();
    for (const r of rows) {
      for (const c of cols) {
        const a = pts[r * nx + c], b = pts[r * nx + c + 1], d = pts[(r + 1) * nx + c], e = pts[(r + 1) * nx + c + 1];
        const zz = (z[r * nx + c] + z[(r + 1) * nx + c + 1]) / 2, slope = (z[r * nx + c + 1] - z[r * nx + c] + z[(r + 1) * nx + c] - z[r * nx + c]) / span;
        const light = Math.max(0.35, Math.min(1, 0.8 - 2.5 * slope)), level = (zz - zr[0]) / span;
        const next = shade(colour, Math.round(light * 32), Math.round(level * 16));
        if (next !== style) { if (style) ctx.fill(); ctx.fillStyle = style = next; ctx.beginPath(); }
        ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.lineTo(e[0], e[1]); ctx.lineTo(d[0], d[1]); ctx.closePath();
      }
    }
    if (style) ctx.fill();
    return P;
  }
  const shades = new Map(); // fill styles by colour, light and level (quantised: a string each)
  function shade(colour, light, level) {
    const key = `${colour}|${light}|${level}`;
    if (!shades.has(key)) {
      const [R, G, B] = colour, l = light / 32, h = level / 16;
      shades.set(key, `rgb(${Math.round(R * l + 60 * h)},${Math.round(G * l + 60 * h)},${Math.round(B * l + 40 * h)})`);
    }
    return shades.get(key);
  }
  function drawFloor(ctx, P, zr) { // the corners' coordinates, outside the surface
    ctx.fillStyle = "#333"; ctx.font = `${view.font}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    const o = P((XA + XB) / 2, (YA + YB) / 2, zr[0]);
    const lab = (x, y, text) => { // pushed away from the floor's centre
      const p = P(x, y, zr[0]), dx = p[0] - o[0], dy = p[1] - o[1], r = Math.hypot(dx, dy) || 1;
      ctx.fillText(text, p[0] + (dx / r) * 1.2 * view.font, p[1] + (dy / r) * 1.2 * view.font);
    };
    lab(XA, YA, `(${fmtTick(XA)}, ${fmtTick(YA)})`); lab(XB, YA, `x = ${fmtTick(XB)}`); lab(XA, YB, `y = ${fmtTick(YB)}`);
  }
  const fmtTick = (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(3)).replace("-", "\u2212");

  // ---- page -------------------------------------------------------------------------------

  let redrawAll = () => {};
  const { fit: fitCanvas } = uatCanvasSizer(() => redrawAll());


  const S0 = DATA.settings, KMAX = DATA.limits.towers;
  const state = { k: S0.towers, w: S0.steepness, form: S0.form, over: {}, sel: [0, 0], panel: "tower" };
  let net = null, errs = null;
  const ui = {};
  const NET_RGB = [0, 114, 178], TARGET_RGB = [150, 150, 150];

  // The 3-D view's mesh: about four points a tower when the steps are steep, fewer when they
  // are soft (every threshold neuron then sees every step: K² terms a point, on a smooth surface).
  let mesh = null;
  const meshF = new Map();
  function meshOf(net) {
    const soft = Math.min(net.k, (2 * 41) / (net.w * Math.min(SX, SY) / net.k) + 1) + 2; // runs an axis
    const n = Math.max(17, Math.min(73, 4 * net.k + 1, Math.floor(Math.sqrt(400000) / soft)));
    const xs = linspace(XA, XB, n), ys = linspace(YA, YB, n), z = tensor(net, xs, ys);
    if (!meshF.has(n)) {
      const zf = new Float64Array(n * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) zf[r * n + c] = f(xs[c], ys[r]);
      meshF.set(n, zf);
    }
    const zf = meshF.get(n);
    let lo = Infinity, hi = -Infinity;
    for (let q = 0; q < z.length; q++) { lo = Math.min(lo, z[q], zf[q]); hi = Math.max(hi, z[q], zf[q]); }
    return { xs, ys, z, zf, zr: [lo, hi] };
  }
  const current = () => errs !== null && errs.net === net;
  function drawMain() {
    const { ctx, W, H } = fitCanvas(ui.plot), { xs, ys, z, zf, zr } = mesh;
    const box = { x: 0, y: 0, w: W, h: H };
    const P = drawSurface(ctx, box, xs, ys, ui.showTarget.checked ? zf : z, zr, ui.showTarget.checked ? TARGET_RGB : NET_RGB);
    if (ui.showTarget.checked) { // the net as a wire over the target (uat's colours: network blue)
      ctx.strokeStyle = "rgba(0, 114, 178, 0.8)"; ctx.lineWidth = 1; ctx.beginPath();
      for (let a = 0; a < ys.length; a += 2) for (let b = 0; b < xs.length; b++) { const p = P(xs[b], ys[a], z[a * xs.length + b]); b ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1]); }
      ctx.stroke();
    }
    drawFloor(ctx, P, zr);
    const [i, j] = state.sel, [xe, ye] = net.edges; // the selected tower's footprint
    const x0 = Math.max(xe[i], XA), x1 = Math.min(xe[i + 1], XB), y0 = Math.max(ye[j], YA), y1 = Math.min(ye[j + 1], YB);
    const hz = net.h[j * net.k + i];
    ctx.strokeStyle = "#CC79A7"; ctx.lineWidth = 2.5; ctx.beginPath();
    [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].forEach(([x, y], n) => { const p = P(x, y, hz); n ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1]); });
    ctx.stroke();
    if (!current()) return;
    const m = P(errs.at[0], errs.at[1], zr[0]); // where the sup error is
    ctx.fillStyle = "#D55E00"; ctx.beginPath(); ctx.arc(m[0], m[1], 5, 0, 2 * Math.PI); ctx.fill();
  }

  function drawMap() {
    const { ctx, W, H } = fitCanvas(ui.map), pad = 3.2 * view.font, side = Math.max(40, Math.min(W - pad - 10, H - pad - 10));
    const box = { x: pad, y: 8, w: side, h: side };
    if (!errs) return;
    if (!errs.image) { // the error image, once for each measurement
      const img = new ImageData(N, N), E = errs.E, top = errs.gridSup || 1;
      for (let r = 0; r < N; r++) {
        for (let c = 0; c < N; c++) {
          const q = Math.min(1, E[r * N + c] / top), o = 4 * ((N - 1 - r) * N + c);
          img.data[o] = 255; img.data[o + 1] = Math.round(255 * (1 - 0.75 * q)); img.data[o + 2] = Math.round(255 * (1 - q)); img.data[o + 3] = 255;
        }
      }
      errs.image = document.createElement("canvas"); errs.image.width = N; errs.image.height = N;
      errs.image.getContext("2d").putImageData(img, 0, 0);
    }
    ctx.imageSmoothingEnabled = false; ctx.drawImage(errs.image, box.x, box.y, box.w, box.h);
    const X = (x) => box.x + ((x - XA) / SX) * box.w, Y = (y) => box.y + box.h - ((y - YA) / SY) * box.h;
    ctx.strokeStyle = "rgba(0,0,0,0.25)"; ctx.lineWidth = 1; ctx.beginPath();
    const [xe, ye] = net.edges;
    for (let i = 1; i < net.k; i++) { ctx.moveTo(X(xe[i]), box.y); ctx.lineTo(X(xe[i]), box.y + box.h); ctx.moveTo(box.x, Y(ye[i])); ctx.lineTo(box.x + box.w, Y(ye[i])); }
    ctx.stroke(); ctx.strokeStyle = "#999"; ctx.strokeRect(box.x, box.y, box.w, box.h);
    const [i, j] = state.sel;
    ctx.strokeStyle = "#CC79A7"; ctx.lineWidth = 2.5;
    ctx.strokeRect(X(Math.max(xe[i], XA)), Y(Math.min(ye[j + 1], YB)), X(Math.min(xe[i + 1], XB)) - X(Math.max(xe[i], XA)), Y(Math.max(ye[j], YA)) - Y(Math.min(ye[j + 1], YB)));
    ctx.fillStyle = "#D55E00"; ctx.beginPath(); ctx.arc(X(errs.at[0]), Y(errs.at[1]), 5, 0, 2 * Math.PI); ctx.fill();
    if (!current()) { ctx.fillStyle = "rgba(255,255,255,0.6)"; ctx.fillRect(box.x, box.y, box.w, box.h); }
    ctx.fillStyle = "#333"; ctx.font = `${view.font}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const x of [XA, (XA + XB) / 2, XB]) ctx.fillText(fmtTick(x), X(x), box.y + box.h + 4);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const y of [YA, (YA + YB) / 2, YB]) ctx.fillText(fmtTick(y), box.x - 5, Y(y));
    ui.mapBox = box;
  }

  function drawPanel() { // one neuron, a ridge or a tower of the selected cell, as a surface
    const { ctx, W, H } = fitCanvas(ui.panel), n = 41, xs = linspace(XA, XB, n), ys = linspace(YA, YB, n), z = new Float64Array(n * n);
    const [i, j] = state.sel, [xe, ye] = net.edges, w = net.w;
    const ridge = (c, e, a) => sigma(w * c + -w * e[a]) - sigma(w * c + -w * e[a + 1]);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x = xs[c], y = ys[r];
        z[r * n + c] = state.panel === "neuron" ? sigma(w * x + -w * xe[i])
          : state.panel === "ridge" ? ridge(x, xe, i)
          : sigma(net.H * (ridge(x, xe, i) + ridge(y, ye, j)) - 1.5 * net.H);
      }
    }
    drawFloor(ctx, drawSurface(ctx, { x: 0, y: 0, w: W, h: H }, xs, ys, z, [0, 1], NET_RGB), [0, 1]);
  }

  function command() {
    const parts = ["uat", "fit", T.spec, "--towers", String(state.k)];
    if (DATA.domain_text !== null) parts.push("--domain=" + DATA.domain_text);
    if (state.form === "nielsen") parts.push("--method", "nielsen");
    if (state.w !== null) parts.push("--steepness", String(state.w));
    if (DATA.settings.heights !== "minimax") parts.push("--heights", DATA.settings.heights);
    const quote = (s) => (/^[\w.,:+\-=/]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
    return parts.map(quote).join(" ");
  }

  // A redraw draws the net at once; its errors follow in slices of a few milliseconds (the
  // readouts say "measuring" meanwhile), so that a slider never waits for the refined sup.
  function render() {
    const t0 = performance.now();
    net = build(state);
    mesh = meshOf(net);
    const idx = state.sel[1] * net.k + state.sel[0];
    ui.neurons.textContent = `${net.neurons} (${2 * net.steps} steps, ${net.k * net.k} towers)`;
    ui.kOut.textContent = `${state.k} × ${state.k}`;
    ui.wOut.textContent = `${fmt(net.w)}${state.w === null ? " (auto)" : ""}`;
    ui.auto.checked = state.w === null;
    ui.wSlider.value = Math.log10(net.w);
    ui.height.value = String(net.h[idx]);
    ui.selOut.textContent = `tower (${state.sel[0] + 1}, ${state.sel[1] + 1}) of ${net.k} × ${net.k}`;
    ui.command.textContent = net.edited ? "edited heights: no command builds this net" : command();
    ui.edited.hidden = !net.edited;
    for (const node of [ui.sup, ui.sup2, ui.rmse, ui.rmse2]) { node.textContent = "measuring…"; node.setAttribute("data-value", ""); }
    ui.supAt.textContent = "…";
    drawMain(); drawMap(); drawPanel();
    timings.push(performance.now() - t0);
    if (timings.length > 200) timings.shift();
    measure();
  }
  function showErrors() {
    setNumber(ui.sup, errs.sup); setNumber(ui.sup2, errs.sup);
    setNumber(ui.rmse, errs.rmse); setNumber(ui.rmse2, errs.rmse);
    setNumber(ui.bound, null); setNumber(ui.bound2, null);
    ui.supAt.textContent = `(${fmt(errs.at[0])}, ${fmt(errs.at[1])})`;
    drawMain(); drawMap();
  }
  const queue = [], channel = new MessageChannel(); // a task without setTimeout's 4 ms clamp
  channel.port1.onmessage = () => queue.shift()();
  const post = (fn) => { queue.push(fn); channel.port2.postMessage(0); };
  let generation = 0, pending = false, settledAt = 0;
  function measure() {
    const mine = ++generation, owner = net, gen = measuring(net), t0 = performance.now();
    pending = true;
    const slice = () => {
      if (mine !== generation) return;
      const t = performance.now();
      let r;
      do r = gen.next(); while (!r.done && performance.now() - t < 6);
      if (!r.done) { post(slice); return; }
      errs = { ...r.value, net: owner };
      pending = false; settledAt = performance.now() - t0;
      showErrors();
    };
    post(slice);
  }
  const timings = [];

  function setK(k) {
    state.k = Math.max(1, Math.min(KMAX, Math.round(k)));
    state.over = {};
    state.sel = [Math.min(state.sel[0], state.k - 1), Math.min(state.sel[1], state.k - 1)];
    render();
  }
  function setHeight(value) {
    if (!Number.isFinite(value)) return;
    state.over[state.sel[1] * state.k + state.sel[0]] = value;
    render();
  }
  const range = () => { let lo = Infinity, hi = -Infinity; for (const v of FG) { lo = Math.min(lo, v); hi = Math.max(hi, v); } return hi - lo || 1; };
  const RANGE = range();

  function mount() {
    const slider = (text, testid, min, max, step, value, on) => {
      const input = el("input", { type: "range", min, max, step, "data-testid": testid, "aria-label": text });
      input.value = value; input.addEventListener("input", () => on(Number(input.value)));
      const out = el("output", {});
      return { label: el("label", {}, el("span", { text }), input, out), input, out };
    };
    const readout = (key, testid) => { const v = el("span", { class: "v", "data-testid": testid }); return { box: el("div", {}, el("span", { class: "k", text: key }), v), v }; };
    const k = slider("towers per side K", "towers", 1, KMAX, 1, state.k, setK);
    const w = slider("steepness w (log scale)", "steepness", -1, 5, 0.01, 1, (v) => { state.w = Math.pow(10, v); render(); });
    ui.kOut = k.out; ui.wOut = w.out; ui.wSlider = w.input;
    ui.auto = el("input", { type: "checkbox", "data-testid": "steepness-auto" });
    ui.auto.addEventListener("change", () => { state.w = ui.auto.checked ? null : net.w; render(); });
    const form = el("select", { "data-testid": "form", "aria-label": "towers" },
      el("option", { value: "quadrant", text: "quadrant towers (uat's)" }), el("option", { value: "nielsen", text: "Nielsen's towers (holes at corners)" }));
    form.value = state.form;
    form.addEventListener("change", () => { state.form = form.value; render(); });
    ui.height = el("input", { type: "number", step: "any", "data-testid": "tower-height", "aria-label": "height of the selected tower" });
    ui.height.addEventListener("change", () => setHeight(Number(ui.height.value)));
    const heightDrag = el("input", { type: "range", min: -1, max: 1, step: 0.01, value: 0, "data-testid": "tower-drag", "aria-label": "drag the selected tower's height" });
    let dragBase = null;
    heightDrag.addEventListener("input", () => {
      if (dragBase === null) dragBase = net.h[state.sel[1] * state.k + state.sel[0]];
      setHeight(dragBase + Number(heightDrag.value) * RANGE);
    });
    heightDrag.addEventListener("change", () => { dragBase = null; heightDrag.value = 0; });
    const reset = el("button", { type: "button", text: "reset heights", "data-testid": "reset-heights" });
    reset.addEventListener("click", () => { state.over = {}; render(); });
    ui.selOut = el("span", { "data-testid": "tower-selected" });
    ui.plot = el("canvas", { class: "main surface", "data-testid": "plot", role: "img", tabindex: 0, "aria-label": "the network's surface in 3-D: drag to turn it; arrow keys raise or lower the selected tower" });
    ui.map = el("canvas", { class: "small", "data-testid": "error-map", role: "img", tabindex: 0, "aria-label": "the error |net − f| over the plane: click a tower to select it" });
    ui.panel = el("canvas", { class: "small", "data-testid": "parts-plot", role: "img", "aria-label": "one neuron, a ridge or a tower as a surface" });
    const panelChoice = el("select", { "data-testid": "parts", "aria-label": "part" },
      ...[["neuron", "one neuron σ(w(x − s))"], ["ridge", "a ridge: two neurons"], ["tower", "a tower: two ridges thresholded"]].map(([v, t]) => el("option", { value: v, text: t })));
    panelChoice.value = state.panel;
    panelChoice.addEventListener("change", () => { state.panel = panelChoice.value; drawPanel(); });
    ui.showTarget = el("input", { type: "checkbox", "data-testid": "show-target" });
    ui.showTarget.addEventListener("change", drawMain);
    const r = { sup: readout("sup error (refined)", "sup-error"), rmse: readout(`RMSE (${N}² grid)`, "rmse"), bound: readout("bound", "bound"),
      at: readout("sup at (x, y)", "sup-at"), n: readout("hidden neurons", "neurons") };
    ui.sup = r.sup.v; ui.rmse = r.rmse.v; ui.bound = r.bound.v; ui.supAt = r.at.v; ui.neurons = r.n.v;
    ui.sup2 = el("td", { "data-testid": "construct-sup-error" }); ui.rmse2 = el("td", { "data-testid": "construct-rmse" }); ui.bound2 = el("td", { "data-testid": "construct-bound" });
    ui.command = el("code", { "data-testid": "command" });
    ui.edited = el("p", { class: "note", "data-testid": "edited-note", text: "Edited heights keep the built net's thresholds; `uat fit` builds only the minimax towers." });
    app.replaceChildren(
      el("header", { class: "top" }, el("h1", { text: `${T.name}: ${T.formula}: K × K towers over the plane` })),
      el("div", { class: "row" },
        el("div", { class: "grow" }, ui.plot,
          el("p", { class: "legend", "data-testid": "legend" }, el("span", {}, el("span", { class: "key net" }), " the network (blue surface; the wire when f is shown)"),
            el("span", {}, el("span", { class: "key trained" }), " where the sup error is"), el("span", {}, el("span", { class: "key hi" }), " the selected tower"),
            el("label", { class: "inline" }, ui.showTarget, " show f (grey) under the net"))),
        el("div", { class: "side" },
          el("div", { class: "readouts" }, r.sup.box, r.rmse.box, r.bound.box, r.at.box, r.n.box),
          el("p", { class: "why", "data-testid": "bound-note", text: `No bound: ${DATA.bound_note}.` }),
          el("table", { class: "both" }, el("tr", {}, el("th", { text: "" }), el("th", { text: "built" })),
            el("tr", {}, el("th", { text: "sup error" }), ui.sup2), el("tr", {}, el("th", { text: "RMSE" }), ui.rmse2), el("tr", {}, el("th", { text: "bound" }), ui.bound2)),
          el("div", { class: "controls" }, k.label, w.label, el("label", { class: "inline" }, ui.auto, "automatic steepness (uat fit's)"), el("label", {}, el("span", { text: "towers" }), form)),
          el("div", { class: "command" }, ui.command), ui.edited)),
      el("section", {}, el("h2", { text: "The error over the plane, and one tower" }),
        el("div", { class: "row" },
          el("div", { class: "grow" }, ui.map, el("p", { class: "note", text: "|net − f| on the grid (white 0, red the grid's largest); the dot is where the refined sup error is. Click a cell to select its tower." })),
          el("div", { class: "side" }, el("div", { class: "controls" }, ui.selOut,
            el("label", {}, el("span", { text: "height (type it, or ↑/↓ on the plot)" }), ui.height),
            el("label", {}, el("span", { text: "drag the height" }), heightDrag), reset)))),
      el("section", {}, el("h2", { text: "How a tower is made" }),
        el("p", { class: "lead", text: "A steep neuron is a step along a line; two make a ridge; a second-layer neuron that fires only where an x-ridge and a y-ridge cross makes a tower. Quadrant towers (uat's) add four quadrants with signs and leave no holes; Nielsen's leave a hole where four towers meet." }),
        el("label", {}, el("span", { text: "show " }), panelChoice), ui.panel));
    let drag = null; // drag to turn
    ui.plot.addEventListener("pointerdown", (ev) => { drag = [ev.clientX, ev.clientY, view.az, view.el]; ui.plot.setPointerCapture(ev.pointerId); });
    ui.plot.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      view.az = drag[2] + (ev.clientX - drag[0]) * 0.01;
      view.el = Math.max(0.05, Math.min(1.5, drag[3] + (ev.clientY - drag[1]) * 0.01));
      drawMain();
    });
    ui.plot.addEventListener("pointerup", () => { if (drag) drawPanel(); drag = null; });
    const keys = (ev) => {
      const step = { ArrowUp: 0.05, ArrowDown: -0.05 }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      setHeight(net.h[state.sel[1] * state.k + state.sel[0]] + step * RANGE);
    };
    ui.plot.addEventListener("keydown", keys); ui.map.addEventListener("keydown", keys);
    ui.map.addEventListener("click", (ev) => {
      const b = ui.mapBox, rect = ui.map.getBoundingClientRect();
      const x = XA + ((ev.clientX - rect.left - b.x) / b.w) * SX, y = YA + ((b.y + b.h - (ev.clientY - rect.top)) / b.h) * SY;
      if (x < XA || x > XB || y < YA || y > YB) return;
      state.sel = [Math.min(state.k - 1, Math.floor(((x - XA) / SX) * state.k)), Math.min(state.k - 1, Math.floor(((y - YA) / SY) * state.k))];
      render();
    });
    let queued = false;
    redrawAll = () => { // a canvas changed size: redraw once, at the next frame
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; if (mesh) { drawMain(); drawMap(); drawPanel(); } }); }
    };
  }

  mount();
  render();
  const settled = () => new Promise((done) => { const check = () => (pending ? setTimeout(check, 5) : done(settledAt)); check(); });
  window.uatTowers = { state, render, build, errorsOf, settled, netAt: (x, y) => netAt(net, x, y), timings, view, data: DATA };
}

if (typeof document !== "undefined" && document.getElementById("uat-data")) {
  uatTowersMount(JSON.parse(document.getElementById("uat-data").textContent), document.getElementById("app"));
}
