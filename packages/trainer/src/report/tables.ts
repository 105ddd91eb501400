import type { EpochEvent } from '../loop/events.js';
import { duration, esc, fmt, pct } from './html_util.js';
import type { RunMetrics } from './metrics.js';

/** The final figures of a run, as its row of the runs table. */
export interface RunSummary {
  epochs: number;
  steps: number | undefined;
  trainLoss: number | undefined;
  testTop1Error: number | undefined;
  testTop5Error: number | undefined;
  best: { error: number; epoch: number } | undefined;
  imagesPerSec: number | undefined;
  trainSeconds: number;
}

/** Final figures from a run's metrics (the last epoch; the last step line while none is done). */
export function summarize(m: RunMetrics): RunSummary {
  const last: EpochEvent | undefined = m.epochs.at(-1);
  const lastLog = m.logs.at(-1);
  let best: RunSummary['best'];
  for (const e of m.epochs)
    if (e.testTop1Error !== undefined && (best === undefined || e.testTop1Error < best.error))
      best = { error: e.testTop1Error, epoch: e.epoch };
  return {
    epochs: last?.epoch ?? lastLog?.epoch ?? 0,
    steps: lastLog?.step,
    trainLoss: last?.trainLoss ?? lastLog?.trainLoss,
    testTop1Error: last?.testTop1Error,
    testTop5Error: last?.testTop5Error,
    best,
    imagesPerSec: last?.imagesPerSec ?? lastLog?.imagesPerSec,
    trainSeconds: m.epochs.reduce((a, e) => a + (e.seconds ?? 0), 0),
  };
}

/** A run as the tables show it. */
export interface RunRow {
  name: string;
  color: string;
  facts: Record<string, string | number>;
  metrics: RunMetrics;
}

/**
 * One row per run with its facts (model, dataset, parameters …) and final figures, so that runs
 * compare at a glance without JavaScript.
 */
export function runsTable(runs: readonly RunRow[]): string {
  const factKeys = [...new Set(runs.flatMap((r) => Object.keys(r.facts)))];
  const head = [
    'run',
    ...factKeys,
    'epochs',
    'steps',
    'final train loss',
    'test top-1 error',
    'test top-5 error',
    'best test top-1 (epoch)',
    'images/s',
    'training time',
  ];
  const rows = runs.map((r) => {
    const s = summarize(r.metrics);
    const cells = [
      `<th><span class="swatch" style="background:${r.color}"></span>${esc(r.name)}</th>`,
      ...factKeys.map((k) => `<td>${esc(String(r.facts[k] ?? ''))}</td>`),
      `<td>${Number.isInteger(s.epochs) ? s.epochs : s.epochs.toFixed(2)}</td>`,
      `<td>${s.steps ?? ''}</td>`,
      `<td>${s.trainLoss === undefined ? '' : s.trainLoss.toFixed(4)}</td>`,
      `<td>${pct(s.testTop1Error)}</td>`,
      `<td>${pct(s.testTop5Error)}</td>`,
      `<td>${s.best ? `${pct(s.best.error)} (${s.best.epoch})` : ''}</td>`,
      `<td>${s.imagesPerSec === undefined ? '' : s.imagesPerSec.toFixed(0)}</td>`,
      `<td>${s.trainSeconds > 0 ? duration(s.trainSeconds) : ''}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="runs"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The epoch lines of a run. */
export function epochTable(epochs: readonly EpochEvent[]): string {
  if (epochs.length === 0) return '<p>No epoch finished yet.</p>';
  const rows = epochs
    .map(
      (m) =>
        `<tr><td>${m.epoch}</td><td>${fmt(m.lr)}</td><td>${m.trainLoss.toFixed(4)}</td><td>${pct(m.trainTop1Error)}</td><td>${m.testLoss?.toFixed(4) ?? ''}</td><td>${pct(m.testTop1Error)}</td><td>${pct(m.testTop5Error)}</td><td>${m.imagesPerSec?.toFixed(0) ?? ''}</td><td>${m.seconds?.toFixed(1) ?? ''}</td></tr>`,
    )
    .join('');
  return `<table class="epochs"><thead><tr><th>epoch</th><th>lr</th><th>train loss</th><th>train top-1 error</th><th>test loss</th><th>test top-1 error</th><th>test top-5 error</th><th>images/s</th><th>seconds</th></tr></thead><tbody>${rows}</tbody></table>`;
}
