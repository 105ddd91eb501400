import type { EpochEvent, LogEvent } from '../loop/events.js';
import type { ChartSeries, ChartSpec, ClientSpec } from './client.js';
import type { RunMetrics } from './metrics.js';

/** Colours of runs, in order (Tableau 10). */
export const RUN_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Six significant digits: the page stays small and the charts cannot tell the difference. */
function num(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(6));
}

function fromLogs(
  run: number,
  label: string,
  logs: readonly LogEvent[],
  f: (l: LogEvent) => number,
  smooth: boolean,
): ChartSeries {
  return {
    run,
    label,
    kind: 'step',
    smooth,
    x: logs.map((l) => num(l.epoch)!),
    y: logs.map((l) => num(f(l))),
  };
}

function fromEpochs(
  run: number,
  label: string,
  epochs: readonly EpochEvent[],
  f: (e: EpochEvent) => number | undefined,
): ChartSeries | undefined {
  const kept = epochs.filter((e) => num(f(e)) !== null);
  if (kept.length === 0) return undefined;
  return {
    run,
    label,
    kind: 'epoch',
    smooth: false,
    x: kept.map((e) => e.epoch),
    y: kept.map((e) => num(f(e))),
  };
}

/** A step-level series when the run has step lines, else the epoch figures (older files). */
function trainSeries(
  run: number,
  label: string,
  m: RunMetrics,
  step: (l: LogEvent) => number,
  epoch: (e: EpochEvent) => number | undefined,
  smooth = true,
): ChartSeries | undefined {
  return m.logs.length > 0
    ? fromLogs(run, label, m.logs, step, smooth)
    : fromEpochs(run, label, m.epochs, epoch);
}

const dotted = (s: ChartSeries | undefined): ChartSeries | undefined =>
  s ? { ...s, dash: [2, 4] } : undefined;

const present = (s: (ChartSeries | undefined)[]): ChartSeries[] =>
  s.filter((x): x is ChartSeries => x !== undefined);

/**
 * The charts of a report, on shared axes for every run: train loss (step level) with the test
 * loss per epoch over it, top-1 error likewise (and test top-5), the learning rate, images/s and
 * the gradient norm.
 */
export function chartSpec(
  runs: readonly { name: string; metrics: RunMetrics }[],
  options: { smoothing?: number; watch?: boolean } = {},
): ClientSpec {
  const loss: ChartSeries[] = [];
  const error: ChartSeries[] = [];
  const lr: ChartSeries[] = [];
  const speed: ChartSeries[] = [];
  const norm: ChartSeries[] = [];
  runs.forEach(({ metrics: m }, i) => {
    loss.push(
      ...present([
        trainSeries(
          i,
          'train loss',
          m,
          (l) => l.trainLoss,
          (e) => e.trainLoss,
        ),
        fromEpochs(i, 'test loss', m.epochs, (e) => e.testLoss),
      ]),
    );
    const p = (v: number | undefined) => (v === undefined ? undefined : 100 * v);
    error.push(
      ...present([
        trainSeries(
          i,
          'train top-1',
          m,
          (l) => 100 * l.trainTop1Error,
          (e) => p(e.trainTop1Error),
        ),
        fromEpochs(i, 'test top-1', m.epochs, (e) => p(e.testTop1Error)),
        dotted(fromEpochs(i, 'test top-5', m.epochs, (e) => p(e.testTop5Error))),
      ]),
    );
    // A log axis has no place for 0: such points are left out.
    const positive = (v: number) => (v > 0 ? v : Number.NaN);
    lr.push(
      ...present([
        trainSeries(
          i,
          'lr',
          m,
          (l) => positive(l.lr),
          (e) => positive(e.lr),
          false,
        ),
      ]),
    );
    speed.push(
      ...present([
        trainSeries(
          i,
          'images/s',
          m,
          (l) => l.imagesPerSec,
          (e) => e.imagesPerSec,
        ),
      ]),
    );
    if (m.logs.length > 0) norm.push(fromLogs(i, 'grad norm', m.logs, (l) => l.gradNorm, true));
  });
  const charts: ChartSpec[] = [
    { id: 'loss', title: 'Loss', yLabel: 'cross-entropy', log: false, series: loss },
    { id: 'error', title: 'Top-1 error', yLabel: 'error (%)', log: false, series: error },
    { id: 'lr', title: 'Learning rate', yLabel: 'learning rate', log: true, series: lr },
    { id: 'speed', title: 'Training speed', yLabel: 'images/s', log: false, series: speed },
    { id: 'gradnorm', title: 'Gradient norm', yLabel: 'global L2 norm', log: false, series: norm },
  ];
  return {
    runs: runs.map((r, i) => ({ name: r.name, color: RUN_COLORS[i % RUN_COLORS.length]! })),
    charts: charts.filter((c) => c.series.length > 0),
    smoothing: options.smoothing ?? 0.6,
    watch: options.watch ?? false,
  };
}
