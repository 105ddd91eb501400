import { chartAssets } from './assets.js';
import { chartSpec, RUN_COLORS } from './chart_data.js';
import { renderCharts } from './client.js';
import { evalSection } from './eval_html.js';
import type { EvalReport } from './eval_report.js';
import { esc, scriptJson } from './html_util.js';
import type { RunMetrics } from './metrics.js';
import { smoothEma } from './smoothing.js';
import { epochTable, runsTable } from './tables.js';

/** One run of a report. */
export interface ReportRun {
  /** Short name shown in legends and tables (the folder's name). */
  name: string;
  metrics: RunMetrics;
  /** Key facts (model, dataset, parameters, batch size …), a column each in the runs table. */
  facts: Record<string, string | number>;
  /** The test pass with predictions, when one was recorded. */
  eval?: EvalReport;
}

/** Options of {@link renderReport}. */
export interface ReportOptions {
  title: string;
  /** Initial smoothing of the step-level curves (TensorBoard's slider, 0 to 0.999; default 0.6). */
  smoothing?: number;
  /** Set while `igc report --watch` regenerates the page: it reloads itself every so many seconds. */
  reloadSeconds?: number;
  /** Shown as the time the page was made. */
  generated?: Date;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1240px}
h1{font-size:1.5em;margin:0 0 8px}h2{margin-top:28px}.live{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:10px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}
th{background:#f6f6f6;text-align:left}table.runs td{white-space:nowrap}.scroll{overflow-x:auto}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
#charts{display:flex;flex-wrap:wrap;gap:8px}.chart{border:1px solid #eee;padding:4px}
.u-legend .raw{display:none}.u-legend th,.u-legend td{border:0;background:none;padding:1px 4px}.controls{margin:8px 0}
table.confusion td{min-width:26px;text-align:center}table.confusion td.total{background:#f6f6f6}
.bar{display:inline-block;height:9px;background:#2ca02c;margin-right:6px;vertical-align:middle}
.samples{display:flex;flex-wrap:wrap;gap:6px}.sample{margin:0;width:96px;text-align:center;font-size:11px;border:2px solid #2ca02c;padding:3px}
.sample.wrong{border-color:#d62728}.sample img{image-rendering:pixelated;display:block;margin:0 auto;background:#000}
details{margin:10px 0}summary{font-weight:600;cursor:pointer}`;

/**
 * A self-contained HTML page comparing one or more runs: a table of their final figures;
 * charts on shared axes (step-level train loss and error with a smoothing control and the test
 * curves per epoch over them, the learning rate, images/s, the gradient norm), drawn by uPlot,
 * which is inlined; then per run its epoch table and, when recorded, the confusion matrix,
 * per-class accuracy and a grid of test images. The tables need no JavaScript, and nothing is
 * fetched when the page is viewed.
 */
export function renderReport(runs: readonly ReportRun[], options: ReportOptions): string {
  if (runs.length === 0) throw new Error('renderReport: no runs');
  const assets = chartAssets();
  const watch = options.reloadSeconds !== undefined;
  const spec = chartSpec(runs, {
    ...(options.smoothing !== undefined ? { smoothing: options.smoothing } : {}),
    watch,
  });
  const rows = runs.map((r, i) => ({ ...r, color: RUN_COLORS[i % RUN_COLORS.length]! }));
  const generated = options.generated ?? new Date();
  const details = runs
    .map(
      (r) => `<details open><summary>${esc(r.name)}</summary>
<h3>Per epoch</h3>${epochTable(r.metrics.epochs)}
${r.eval ? `<h3>Test split</h3>${evalSection(r.eval)}` : '<p>No evaluation with predictions recorded (igc train writes one at its end; igc eval --report for a checkpoint).</p>'}
</details>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(options.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${watch ? `<meta http-equiv="refresh" content="${Math.max(1, Math.round(options.reloadSeconds!))}">` : ''}
<style>${assets.css}
${STYLE}</style>
</head><body>
<h1>${esc(options.title)}</h1>
<p class="live">${watch ? `Live: regenerated while the run trains; this page reloads every ${Math.round(options.reloadSeconds!)} s. ` : ''}Made ${esc(generated.toISOString().replace('T', ' ').slice(0, 19))} UTC.</p>
<div class="scroll">${runsTable(rows)}</div>
<h2>Training curves</h2>
<noscript><p>The charts need JavaScript; every figure is also in the tables below.</p></noscript>
<div class="controls"><label>Smoothing <input id="smoothing" type="range" min="0" max="0.999" step="0.001" value="${spec.smoothing}"></label> <span id="smoothing-value">${spec.smoothing}</span></div>
<div id="charts"></div>
<h2>Runs</h2>
${details}
<script>${assets.js}</script>
<script type="application/json" id="report-data">${scriptJson(spec)}</script>
<script>(${renderCharts.toString()})(uPlot, JSON.parse(document.getElementById('report-data').textContent), ${smoothEma.toString()});</script>
</body></html>
`;
}
