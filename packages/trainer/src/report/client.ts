/// <reference lib="dom" />
import type uPlot from 'uplot';

/** One line of a chart: a run's step-level or epoch-level figures. */
export interface ChartSeries {
  /** Index into {@link ClientSpec.runs}. */
  run: number;
  label: string;
  /** Step lines are drawn as lines; epoch figures as dashed lines with points. */
  kind: 'step' | 'epoch';
  /** Drawn twice: faint as recorded, and smoothed by the page's control. */
  smooth: boolean;
  /** Dash pattern of epoch figures (default: 6 on, 4 off). */
  dash?: number[];
  /** Fractional epochs. */
  x: number[];
  y: (number | null)[];
}

/** A chart of the report page. */
export interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  /** Log-scaled y axis. */
  log: boolean;
  series: ChartSeries[];
}

/** What the report page hands its chart script. */
export interface ClientSpec {
  runs: { name: string; color: string }[];
  charts: ChartSpec[];
  /** Initial smoothing weight, as TensorBoard's slider (0: none). */
  smoothing: number;
  /** The page reloads itself (`igc report --watch`): keep the scroll position across reloads. */
  watch: boolean;
}

/** The smoothing function handed to {@link renderCharts}. */
export type Smoother = (ys: readonly (number | null)[], weight: number) => (number | null)[];

/**
 * Draws the charts of a report page into `#charts` with uPlot, wiring the `#smoothing` slider.
 * This function runs in the browser from its source text: it must not use anything from its
 * module, only its arguments and browser globals.
 */
export function renderCharts(U: typeof uPlot, spec: ClientSpec, smooth: Smoother): void {
  const key = 'igcnet-report';
  const host = document.getElementById('charts');
  const slider = document.getElementById('smoothing') as HTMLInputElement | null;
  const shown = document.getElementById('smoothing-value');
  if (!host) return;
  const remember = (name: string, value: string) => {
    try {
      sessionStorage.setItem(`${key}-${name}`, value);
    } catch {
      // Storage can be off (private windows, file pages in some browsers): nothing to keep then.
    }
  };
  const recall = (name: string): number | undefined => {
    try {
      const v = sessionStorage.getItem(`${key}-${name}`);
      return v === null || !Number.isFinite(Number(v)) ? undefined : Number(v);
    } catch {
      return undefined;
    }
  };
  let weight = Math.min(0.999, Math.max(0, recall('smoothing') ?? spec.smoothing));
  const value = (_u: uPlot, v: number | null) =>
    v == null ? '–' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4);

  const dataFor = (c: ChartSpec): uPlot.AlignedData => {
    const tables: uPlot.AlignedData[] = [];
    for (const s of c.series) {
      tables.push([s.x, s.y]);
      if (s.smooth) tables.push([s.x, smooth(s.y, weight)]);
    }
    return U.join(tables);
  };
  const seriesFor = (c: ChartSpec): uPlot.Series[] => {
    const out: uPlot.Series[] = [
      { label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(3)) },
    ];
    for (const s of c.series) {
      const run = spec.runs[s.run]!;
      const label = spec.runs.length > 1 ? `${run.name} · ${s.label}` : s.label;
      if (s.kind === 'epoch') {
        out.push({
          label,
          stroke: run.color,
          width: 1.5,
          dash: s.dash ?? [6, 4],
          spanGaps: true,
          value,
          points: { show: true, size: 7, fill: run.color },
        });
      } else {
        const line: uPlot.Series = {
          label,
          stroke: run.color,
          width: 2,
          spanGaps: true,
          value,
          points: { show: false },
        };
        // Faint as recorded, strong as smoothed, as TensorBoard draws them.
        if (s.smooth)
          out.push({
            ...line,
            label: `${label} (raw)`,
            class: 'raw',
            stroke: `${run.color}40`,
            width: 1,
          });
        out.push(line);
      }
    }
    return out;
  };
  // Log axes hand null for ticks they leave unlabelled.
  const logTick = (v: number | null) =>
    v == null ? '' : v >= 0.01 ? String(Number(v.toPrecision(2))) : v.toExponential(0);
  const width = () => Math.max(320, Math.min(580, host.clientWidth - 16));

  const plots = spec.charts.map((c) => {
    const box = document.createElement('div');
    box.className = 'chart';
    box.id = `chart-${c.id}`;
    host.appendChild(box);
    const opts: uPlot.Options = {
      title: c.title,
      width: width(),
      height: 280,
      cursor: { sync: { key } },
      scales: {
        x: {
          time: false,
          range: (_u, min, max) => [Math.min(0, Math.floor(min)), Math.max(1, Math.ceil(max))],
        },
        y: c.log ? { distr: 3, log: 10 } : {},
      },
      axes: [
        {
          label: 'epoch',
          // Whole epochs only: the axis counts passes over the data.
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
          values: (_u, ticks) => ticks.map((t) => String(Math.round(t))),
        },
        {
          label: c.yLabel,
          size: 64,
          // uPlot's default labels round small powers of ten on a log axis to 0.
          ...(c.log ? { values: (_u: uPlot, ticks: number[]) => ticks.map(logTick) } : {}),
        },
      ],
      series: seriesFor(c),
    };
    return { c, u: new U(opts, dataFor(c), box) };
  });

  const update = () => {
    if (shown) shown.textContent = weight.toFixed(3);
    for (const p of plots) if (p.c.series.some((s) => s.smooth)) p.u.setData(dataFor(p.c));
  };
  if (slider) {
    slider.value = String(weight);
    slider.addEventListener('input', () => {
      weight = Number(slider.value);
      remember('smoothing', String(weight));
      update();
    });
  }
  if (shown) shown.textContent = weight.toFixed(3);
  window.addEventListener('resize', () => {
    for (const p of plots) p.u.setSize({ width: width(), height: 280 });
  });
  if (spec.watch) {
    const y = recall('scroll');
    if (y !== undefined) window.scrollTo(0, y);
    window.addEventListener('beforeunload', () => remember('scroll', String(window.scrollY)));
  }
}
