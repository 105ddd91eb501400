import type { EpochEvent } from '../loop/events.js';

/** One line of a chart. */
interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100
    ? v.toFixed(0)
    : a >= 1
      ? v.toFixed(2)
      : a >= 0.001
        ? v.toPrecision(2)
        : v.toExponential(1);
}

/** An SVG line chart with axes, ticks and a legend; `log` uses a log10 y axis. */
function chart(title: string, series: Series[], opts: { log?: boolean; yLabel: string }): string {
  const W = 560;
  const H = 300;
  const m = { l: 64, r: 16, t: 32, b: 44 };
  const all = series
    .flatMap((s) => s.points)
    .filter(([, y]) => Number.isFinite(y) && (!opts.log || y > 0));
  if (all.length === 0) return `<figure><figcaption>${esc(title)}: no data</figcaption></figure>`;
  const ty = (y: number) => (opts.log ? Math.log10(y) : y);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => ty(y));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((ty(y) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const real = opts.log ? 10 ** yv : yv;
    const y = H - m.b - (i / 4) * (H - m.t - m.b);
    ticks.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    ticks.push(`<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${fmt(real)}</text>`);
    const xv = x0 + ((x1 - x0) * i) / 4;
    const x = px(xv);
    const xr = Math.round(xv * 10) / 10;
    const label = Number.isInteger(xr) ? String(xr) : xr.toFixed(1);
    ticks.push(`<text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${label}</text>`);
  }
  const lines = series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const pts = s.points.filter(([, y]) => Number.isFinite(y) && (!opts.log || y > 0));
      const d = pts
        .map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
        .join('');
      const dots =
        pts.length <= 60
          ? pts
              .map(
                ([x, y]) =>
                  `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`,
              )
              .join('')
          : '';
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>${dots}`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${m.l + 10 + i * 150}" y="10" width="12" height="12" fill="${s.color}"/><text x="${m.l + 28 + i * 150}" y="20">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fff"/>${ticks.join('')}
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>
<text x="${(W + m.l) / 2}" y="${H - 8}" text-anchor="middle">epoch</text>
<text transform="translate(14 ${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>
${lines}${legend}</svg></figure>`;
}

/** Everything the report shows besides the metrics. */
export interface ReportInfo {
  title: string;
  /** Key facts (model, dataset, backend …) shown as a table. */
  facts: Record<string, string | number>;
}

/** A self-contained HTML page with loss, error and learning-rate plots per epoch. */
export function renderReport(metrics: readonly EpochEvent[], info: ReportInfo): string {
  const e = (f: (m: EpochEvent) => number | undefined): [number, number][] =>
    metrics.flatMap((m) => {
      const v = f(m);
      return v === undefined ? [] : [[m.epoch, v] as [number, number]];
    });
  const last = metrics[metrics.length - 1]!;
  const best = metrics.reduce<EpochEvent | undefined>(
    (b, m) =>
      m.testTop1Error !== undefined && (b === undefined || m.testTop1Error < b.testTop1Error!)
        ? m
        : b,
    undefined,
  );
  const facts = {
    ...info.facts,
    epochs: metrics.length,
    'final train loss': last.trainLoss.toFixed(4),
    ...(last.testTop1Error !== undefined
      ? { 'final test top-1 error': `${(100 * last.testTop1Error).toFixed(2)}%` }
      : {}),
    ...(last.testTop5Error !== undefined
      ? { 'final test top-5 error': `${(100 * last.testTop5Error).toFixed(2)}%` }
      : {}),
    ...(best
      ? {
          'best test top-1 error': `${(100 * best.testTop1Error!).toFixed(2)}% (epoch ${best.epoch})`,
        }
      : {}),
    'images/s (last epoch)': last.imagesPerSec.toFixed(1),
  };
  const rows = Object.entries(facts)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join('');
  const table = metrics
    .map(
      (m) =>
        `<tr><td>${m.epoch}</td><td>${fmt(m.lr)}</td><td>${m.trainLoss.toFixed(4)}</td><td>${(100 * m.trainTop1Error).toFixed(2)}</td><td>${m.testLoss?.toFixed(4) ?? ''}</td><td>${m.testTop1Error !== undefined ? (100 * m.testTop1Error).toFixed(2) : ''}</td><td>${m.testTop5Error !== undefined ? (100 * m.testTop5Error).toFixed(2) : ''}</td><td>${m.seconds.toFixed(1)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}figure{display:inline-block;margin:8px}figcaption{font-weight:600;margin-bottom:4px}table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{text-align:left;background:#f6f6f6}</style>
</head><body>
<h1>${esc(info.title)}</h1>
<table>${rows}</table>
${chart(
  'Loss',
  [
    { name: 'train', color: '#1f77b4', points: e((m) => m.trainLoss) },
    { name: 'test', color: '#d62728', points: e((m) => m.testLoss) },
  ],
  { yLabel: 'cross-entropy' },
)}
${chart(
  'Top-1 error',
  [
    { name: 'train', color: '#1f77b4', points: e((m) => m.trainTop1Error * 100) },
    {
      name: 'test',
      color: '#d62728',
      points: e((m) => (m.testTop1Error === undefined ? undefined : m.testTop1Error * 100)),
    },
    {
      name: 'test top-5',
      color: '#2ca02c',
      points: e((m) => (m.testTop5Error === undefined ? undefined : m.testTop5Error * 100)),
    },
  ],
  { yLabel: 'error (%)' },
)}
${chart('Learning rate', [{ name: 'lr', color: '#9467bd', points: e((m) => m.lr) }], { log: true, yLabel: 'learning rate' })}
<h2>Per epoch</h2>
<table><tr><th>epoch</th><th>lr</th><th>train loss</th><th>train err %</th><th>test loss</th><th>test top-1 %</th><th>test top-5 %</th><th>seconds</th></tr>${table}</table>
</body></html>
`;
}
