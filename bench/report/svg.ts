import type { ScaleResult } from '../sections/scale';
import { measuredText, verdict, type TargetCheck } from './targets';

/** Escapes text for SVG. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One grouped bar chart: per target, the measured ratio (green = pass, red = miss) beside the target (grey),
 * on one "× of baseline / of budget" axis. Hand-written SVG, no dependency.
 */
export function chartSvg(checks: TargetCheck[], subtitle: string): string {
  const groupW = 120;
  const left = 56;
  const right = 16;
  const top = 56;
  const plotH = 240;
  const bottom = 78;
  const width = left + right + Math.max(1, checks.length) * groupW;
  const height = top + plotH + bottom;
  const maxValue = Math.max(2, ...checks.flatMap((c) => [c.chartValue, c.chartTarget]).filter(Number.isFinite));
  const yMax = Math.min(4, Math.ceil(maxValue * 1.15 * 2) / 2);
  const y = (v: number) => top + plotH - (Math.min(Math.max(v, 0), yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">node-red-contrib-trueconf-room: measured vs target (ratios to baselines of the same run, or to a budget)</text>`,
    `<text x="${left}" y="38" fill="#555">${esc(subtitle)}</text>`,
  );
  // Grid and axis labels.
  for (let v = 0; v <= yMax + 1e-9; v += 0.5) {
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="${v === 0 ? '#333' : '#e3e3e3'}"/>`,
    );
    parts.push(
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v.toFixed(1)}×</text>`,
    );
  }
  checks.forEach((c, i) => {
    const gx = left + i * groupW;
    const barW = 34;
    const mx = gx + groupW / 2 - barW - 3;
    const tx = gx + groupW / 2 + 3;
    const colour = c.pass ? '#2e9d48' : c.inconclusive ? '#d68a00' : '#d0392b';
    const mv = Number.isFinite(c.chartValue) ? c.chartValue : 0;
    parts.push(
      `<rect x="${mx}" y="${y(mv).toFixed(1)}" width="${barW}" height="${(y(0) - y(mv)).toFixed(1)}" fill="${colour}"><title>${esc(c.label)}: ${esc(c.detail)}</title></rect>`,
    );
    parts.push(
      `<rect x="${tx}" y="${y(c.chartTarget).toFixed(1)}" width="${barW}" height="${(y(0) - y(c.chartTarget)).toFixed(1)}" fill="#b8b8b8"/>`,
    );
    const clipped = mv > yMax ? '↑' : '';
    parts.push(
      `<text x="${mx + barW / 2}" y="${(y(mv) - 4).toFixed(1)}" text-anchor="middle" font-weight="bold" fill="${colour}">${c.unit === '×' ? measuredText(c) : c.chartTarget !== 0 ? mv.toFixed(2) : String(c.measured)}${clipped}</text>`,
    );
    parts.push(
      `<text x="${tx + barW / 2}" y="${(y(c.chartTarget) - 4).toFixed(1)}" text-anchor="middle" fill="#555">${c.chartTarget}</text>`,
    );
    const op = c.kind === 'max' ? (c.strict ? '<' : '≤') : '≥';
    const words = c.short.split(' ');
    const lines: string[] = [];
    for (const w of words) {
      const last = lines[lines.length - 1];
      if (last !== undefined && (last + ' ' + w).length <= 17) lines[lines.length - 1] = last + ' ' + w;
      else lines.push(w);
    }
    lines.push(`target ${op} ${c.chartTarget}`, verdict(c) === 'FAIL' ? 'MISS' : verdict(c));
    lines.forEach((line, k) => {
      const bold = k === lines.length - 1;
      parts.push(
        `<text x="${gx + groupW / 2}" y="${top + plotH + 16 + k * 13}" text-anchor="middle"${bold ? ` font-weight="bold" fill="${colour}"` : ''}>${esc(line)}</text>`,
      );
    });
  });
  parts.push(
    `<rect x="${width - right - 210}" y="44" width="10" height="10" fill="#2e9d48"/><text x="${width - right - 196}" y="53">measured</text>`,
    `<rect x="${width - right - 140}" y="44" width="10" height="10" fill="#b8b8b8"/><text x="${width - right - 126}" y="53">target</text>`,
    `<rect x="${width - right - 80}" y="44" width="10" height="10" fill="#d0392b"/><text x="${width - right - 66}" y="53">missed</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

interface Series {
  name: string;
  colour: string;
  points: [number, number][];
}

/** One small panel: lines over a log-scaled x axis (Room counts) or bars (a histogram), with a target line. */
function panel(
  x0: number,
  y0: number,
  w: number,
  h: number,
  title: string,
  unit: string,
  series: Series[],
  opts: { logX?: boolean; bars?: boolean; target?: number; xLabel: string },
): string[] {
  const out: string[] = [];
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const yMax = niceMax(Math.max(opts.target ?? 0, ...ys, 1e-9) * 1.1);
  const fx = opts.logX ? (v: number) => Math.log10(Math.max(v, 1)) : (v: number) => v;
  const xMin = opts.bars ? 0 : fx(Math.min(...xs));
  const xMax = fx(Math.max(...xs)) + (opts.bars ? fx(xs[1] - xs[0] || 1) : 0);
  const px = (v: number) => x0 + ((fx(v) - xMin) / Math.max(1e-9, xMax - xMin)) * w;
  const py = (v: number) => y0 + h - (Math.min(Math.max(v, 0), yMax) / yMax) * h;
  out.push(`<text x="${x0}" y="${y0 - 10}" font-weight="bold">${esc(title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(
      `<line x1="${x0}" y1="${py(v).toFixed(1)}" x2="${x0 + w}" y2="${py(v).toFixed(1)}" stroke="${k === 0 ? '#333' : '#e3e3e3'}"/>`,
      `<text x="${x0 - 5}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmtTick(v)}${unit}</text>`,
    );
  }
  const ticks = opts.bars ? [0, xMax / 4, xMax / 2, (3 * xMax) / 4, xMax] : [...new Set(xs)];
  for (const t of ticks) {
    const tx = opts.bars ? x0 + (t / xMax) * w : px(t);
    out.push(`<text x="${tx.toFixed(1)}" y="${y0 + h + 14}" text-anchor="middle" fill="#555">${fmtTick(t)}</text>`);
  }
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 30}" text-anchor="middle" fill="#555">${esc(opts.xLabel)}</text>`);
  if (opts.target !== undefined) {
    out.push(
      `<line x1="${x0}" y1="${py(opts.target).toFixed(1)}" x2="${x0 + w}" y2="${py(opts.target).toFixed(1)}" stroke="#d0392b" stroke-dasharray="5,4"/>`,
      `<text x="${x0 + w}" y="${(py(opts.target) - 4).toFixed(1)}" text-anchor="end" fill="#d0392b">target ${fmtTick(opts.target)}${unit}</text>`,
    );
  }
  series.forEach((s, k) => {
    if (opts.bars) {
      const bw = (w / Math.max(1, xMax)) * (xs[1] - xs[0] || 1);
      for (const [x, y] of s.points)
        out.push(
          `<rect x="${(x0 + (x / xMax) * w).toFixed(1)}" y="${py(y).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${(py(0) - py(y)).toFixed(1)}" fill="${s.colour}"/>`,
        );
    } else {
      const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
      for (const [x, y] of s.points)
        out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.colour}"/>`);
    }
    out.push(
      `<rect x="${x0 + 4}" y="${y0 + 4 + k * 14}" width="10" height="10" fill="${s.colour}"/><text x="${x0 + 18}" y="${y0 + 13 + k * 14}">${esc(s.name)}</text>`,
    );
  });
  return out;
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmtTick(v: number): string {
  if (v >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  return String(+v.toPrecision(3));
}

/** The scale curve: per-Room memory, idle CPU and deploy time against the Room count, and the mass reconnect. */
export function scaleSvg(s: ScaleResult, subtitle: string): string {
  const pw = 250;
  const ph = 170;
  const gap = 95;
  const left = 60;
  const top = 78;
  // Top row: the curves against the Room count; bottom row: the mass reconnects over time.
  const rowH = ph + 95;
  const rows = s.reconnect || s.outage ? 2 : 1;
  const width = left + 3 * (pw + gap) - gap + 20;
  const height = top + rows * rowH - 35;
  const pts = s.points;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">One Node-RED, 1 to ${(pts[pts.length - 1]?.rooms ?? 0).toLocaleString('en-US')} Rooms (room-config + room-command + room-event each)</text>`,
    `<text x="${left}" y="38" fill="#555">${esc(subtitle)}</text>`,
  ];
  const at = (k: number) => left + k * (pw + gap);
  parts.push(
    ...panel(
      at(0),
      top,
      pw,
      ph,
      // From the second size on: the first Room carries the first-use costs and would flatten the rest.
      `Memory per Room (${fmtTick(pts[1]?.rooms ?? 1)}+ Rooms)`,
      ' KB',
      [
        { name: 'RSS per Room', colour: '#1f6fb2', points: pts.slice(1).map((p) => [p.rooms, p.rssPerRoom / 1024]) },
        { name: 'heap per Room', colour: '#2e9d48', points: pts.slice(1).map((p) => [p.rooms, p.heapPerRoom / 1024]) },
        {
          name: 'heap per added Room',
          colour: '#8e44ad',
          points: pts.filter((p) => Number.isFinite(p.heapMarginal)).map((p) => [p.rooms, p.heapMarginal / 1024]),
        },
      ],
      { logX: true, xLabel: 'Rooms (log scale)' },
    ),
    ...panel(
      at(1),
      top,
      pw,
      ph,
      'Idle CPU, % of one core',
      '%',
      [{ name: 'Node-RED process', colour: '#1f6fb2', points: pts.map((p) => [p.rooms, p.idleCpu * 100]) }],
      { logX: true, target: 2, xLabel: 'Rooms (log scale)' },
    ),
    ...panel(
      at(2),
      top,
      pw,
      ph,
      'Deploy to all green',
      ' s',
      [{ name: 'discovery on', colour: '#1f6fb2', points: pts.map((p) => [p.rooms, p.deployMs / 1000]) }],
      { logX: true, target: 10, xLabel: 'Rooms (log scale)' },
    ),
  );
  [s.reconnect, s.outage].forEach((r, k) => {
    if (!r) return;
    const last = Math.max(r.readyMs, ...r.attemptsMs);
    const bins = Math.max(1, Math.ceil(last / r.binMs));
    const counts = new Array<number>(bins).fill(0);
    for (const t of r.attemptsMs) counts[Math.min(bins - 1, Math.floor(t / r.binMs))]++;
    const what = r.downMs ? `${(r.downMs / 1000).toFixed(0)} s outage` : 'network blink';
    parts.push(
      ...panel(
        at(k === 0 ? 0 : 1.5),
        top + rowH,
        k === 0 ? pw + 0.5 * (pw + gap) - gap : pw + 0.5 * (pw + gap),
        ph,
        `Mass reconnect of ${r.rooms.toLocaleString('en-US')}, ${what}: connections per ${r.binMs} ms`,
        '',
        [
          {
            name: `all green ${(r.readyMs / 1000).toFixed(1)} s after the drop${r.downMs ? ` (back at ${(r.backMs / 1000).toFixed(1)} s)` : ''}`,
            colour: '#1f6fb2',
            points: counts.map((c, i) => [(i * r.binMs) / 1000, c]),
          },
        ],
        { bars: true, xLabel: 's after every socket dropped' },
      ),
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
