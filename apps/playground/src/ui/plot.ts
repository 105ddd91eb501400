/** One line of a chart. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** Draw dots as well (sparse series such as test accuracy). */
  dots?: boolean;
  /** A lighter, thinner line (raw values under their smoothed curve). */
  faint?: boolean;
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/**
 * A small canvas line chart (no charting library, to keep the bundle lean): axes with round
 * ticks, a legend, and redraws batched to one per animation frame.
 */
export class LineChart {
  private series: Series[] = [];
  private queued = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly o: { title: string; yMin?: number; yMax?: number },
  ) {
    this.draw();
  }

  set(series: Series[]): void {
    this.series = series;
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  private draw(): void {
    const c = this.canvas;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = c.clientWidth || 480;
    const h = c.clientHeight || 220;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pad = { l: 44, r: 10, t: 22, b: 26 };
    const all = this.series.flatMap((s) => s.points);
    let x1 = Math.max(1, ...all.map((p) => p[0]));
    const x0 = 0;
    let y0 = this.o.yMin ?? Math.min(...all.map((p) => p[1]), 0);
    let y1 = this.o.yMax ?? Math.max(...all.map((p) => p[1]), 1e-6);
    if (!Number.isFinite(y0) || !Number.isFinite(y1) || y1 <= y0) [y0, y1] = [0, 1];
    if (x1 <= x0) x1 = x0 + 1;
    const X = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
    const Y = (y: number) => h - pad.b - ((y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#444';
    g.fillText(this.o.title, pad.l, 14);
    g.strokeStyle = '#ddd';
    g.lineWidth = 1;
    const ys = niceStep(y1 - y0, 4);
    for (let y = Math.ceil(y0 / ys) * ys; y <= y1 + 1e-9; y += ys) {
      g.beginPath();
      g.moveTo(pad.l, Y(y));
      g.lineTo(w - pad.r, Y(y));
      g.stroke();
      g.fillText(Number(y.toPrecision(3)).toString(), 4, Y(y) + 4);
    }
    const xs = niceStep(x1 - x0, 5);
    for (let x = 0; x <= x1 + 1e-9; x += xs) {
      g.fillText(String(Math.round(x)), X(x) - 6, h - 8);
    }
    let lx = pad.l + 16 + g.measureText(this.o.title).width;
    for (const s of this.series) {
      g.strokeStyle = s.color;
      g.fillStyle = s.color;
      g.globalAlpha = s.faint ? 0.3 : 1;
      g.lineWidth = s.faint ? 1 : 2;
      g.beginPath();
      for (const [i, [x, y]] of s.points.entries()) {
        if (i === 0) g.moveTo(X(x), Y(y));
        else g.lineTo(X(x), Y(y));
      }
      g.stroke();
      if (s.dots) for (const [x, y] of s.points) g.fillRect(X(x) - 2.5, Y(y) - 2.5, 5, 5);
      g.globalAlpha = 1;
      if (!s.faint) {
        g.fillRect(lx, 8, 10, 3);
        g.fillText(s.name, lx + 14, 14);
        lx += 24 + g.measureText(s.name).width;
      }
    }
  }
}
