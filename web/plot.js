/* plot.js - the trajectory plot: an SVG of height against range (metres), axes with round-number ticks, the
 * maximum ordinate marked, and the level of the target drawn. Built from SVG elements, no markup strings. */
import { s } from './dom.js';

/* Round tick steps (1, 2, 2.5, 5 x 10^k) giving about `want` ticks over [lo, hi]. */
function niceTicks(lo, hi, want) {
    if (!(hi > lo)) hi = lo + 1;
    const raw = (hi - lo) / Math.max(1, want);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = mag;
    for (const m of [1, 2, 2.5, 5, 10]) { step = m * mag; if (step >= raw) break; }
    const start = Math.floor(lo / step) * step;
    const ticks = [];
    for (let v = start; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
    return { ticks, step };
}

function fmt(v) {
    return Math.round(v).toLocaleString('en-US');
}

/* points: [[x, y], ...] or [{x, y}, ...] in metres. opts: {targetHeight, title}. Returns an <svg>. */
export function trajectoryPlot(points, opts) {
    opts = opts || {};
    const pts = (points || []).map(p => Array.isArray(p) ? [Number(p[0]), Number(p[1])] : [Number(p.x), Number(p.y)])
        .filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const W = 760, H = 340, L = 70, R = 20, T = 30, B = 50;
    const xmax = Math.max(1, ...pts.map(p => p[0]));
    const ys = pts.map(p => p[1]).concat([0, opts.targetHeight || 0]);
    const ylo = Math.min(...ys), yhi = Math.max(...ys) * 1.12 + 1;
    const xt = niceTicks(0, xmax, 8), yt = niceTicks(Math.min(0, ylo), yhi, 5);
    const x0 = 0, x1 = xt.ticks[xt.ticks.length - 1] >= xmax ? xt.ticks[xt.ticks.length - 1] : xmax;
    const y0 = yt.ticks[0], y1 = Math.max(yt.ticks[yt.ticks.length - 1], yhi);
    const X = v => L + (v - x0) / (x1 - x0) * (W - L - R);
    const Y = v => H - B - (v - y0) / (y1 - y0) * (H - T - B);
    let apex = pts[0] || [0, 0];
    for (const p of pts) if (p[1] > apex[1]) apex = p;
    const end = pts[pts.length - 1] || [0, 0];

    const desc = 'Trajectory from the gun to ' + fmt(end[0]) + ' m; maximum ordinate ' + fmt(apex[1]) +
        ' m above the gun at ' + fmt(apex[0]) + ' m range.';
    const svg = s('svg', { class: 'plot', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': 'plot-title plot-desc' },
        s('title', { id: 'plot-title' }, opts.title || 'Trajectory: height against range'),
        s('desc', { id: 'plot-desc' }, desc));
    const grid = s('g', { class: 'grid' });
    const axes = s('g', { class: 'axes' });
    for (const v of xt.ticks) {
        if (v < x0 || v > x1) continue;
        grid.appendChild(s('line', { x1: X(v), x2: X(v), y1: Y(y0), y2: Y(y1) }));
        axes.appendChild(s('line', { x1: X(v), x2: X(v), y1: Y(y0), y2: Y(y0) + 6 }));
        axes.appendChild(s('text', { x: X(v), y: Y(y0) + 20, 'text-anchor': 'middle' }, fmt(v)));
    }
    for (const v of yt.ticks) {
        if (v < y0 || v > y1) continue;
        grid.appendChild(s('line', { x1: X(x0), x2: X(x1), y1: Y(v), y2: Y(v) }));
        axes.appendChild(s('line', { x1: X(x0) - 6, x2: X(x0), y1: Y(v), y2: Y(v) }));
        axes.appendChild(s('text', { x: X(x0) - 10, y: Y(v) + 4, 'text-anchor': 'end' }, fmt(v)));
    }
    axes.appendChild(s('line', { x1: X(x0), x2: X(x1), y1: Y(y0), y2: Y(y0) }));
    axes.appendChild(s('line', { x1: X(x0), x2: X(x0), y1: Y(y0), y2: Y(y1) }));
    axes.appendChild(s('text', { class: 'axis-label', x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle' }, 'Range (m)'));
    axes.appendChild(s('text', { class: 'axis-label', x: 16, y: (T + H - B) / 2, 'text-anchor': 'middle',
        transform: 'rotate(-90 16 ' + (T + H - B) / 2 + ')' }, 'Height above the gun (m)'));
    svg.appendChild(grid);
    svg.appendChild(axes);
    if (y0 < 0) svg.appendChild(s('line', { class: 'zero', x1: X(x0), x2: X(x1), y1: Y(0), y2: Y(0) }));
    if (opts.targetHeight !== undefined && opts.targetHeight !== null)
        svg.appendChild(s('line', { class: 'target-level', x1: X(x0), x2: X(x1), y1: Y(opts.targetHeight), y2: Y(opts.targetHeight) }));
    svg.appendChild(s('polyline', { class: 'path', points: pts.map(p => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join(' ') }));
    const mo = s('g', { class: 'maxord' },
        s('line', { x1: X(apex[0]), x2: X(apex[0]), y1: Y(apex[1]), y2: Y(y0) }),
        s('circle', { cx: X(apex[0]), cy: Y(apex[1]), r: 5 }),
        s('text', { x: X(apex[0]), y: Y(apex[1]) - 10, 'text-anchor': 'middle' }, 'Max ordinate ' + fmt(apex[1]) + ' m'));
    svg.appendChild(mo);
    svg.appendChild(s('circle', { class: 'impact', cx: X(end[0]), cy: Y(end[1]), r: 4 }));
    svg.appendChild(s('circle', { class: 'gun', cx: X(pts.length ? pts[0][0] : 0), cy: Y(pts.length ? pts[0][1] : 0), r: 4 }));
    return svg;
}
