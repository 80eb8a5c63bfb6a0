import { measuredText, type TargetCheck } from './targets';

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
    `<text x="${left}" y="20" font-size="14" font-weight="bold">node-red-contrib-trueconf-room: measured vs target (ratios against baselines of the same run)</text>`,
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
    const colour = c.pass ? '#2e9d48' : '#d0392b';
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
    lines.push(`target ${op} ${c.chartTarget}`, c.pass ? 'PASS' : 'MISS');
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
