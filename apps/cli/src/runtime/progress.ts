import type { TrainEvent } from '@igcnet/trainer';

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

function pct(x: number | undefined): string {
  return x === undefined ? '–' : `${(100 * x).toFixed(2)}%`;
}

/**
 * Renders training events: on a terminal a progress bar redrawn in place (images/s, loss, ETA),
 * elsewhere plain lines, ten per epoch, so logs stay readable.
 */
export class Progress {
  private lastLine = -1;
  private drawn = false;
  constructor(
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
    private readonly epochs: number,
  ) {}

  onEvent(e: TrainEvent): void {
    if (e.type === 'step') {
      const done = e.step + 1;
      const etaSec = ((e.steps - done) * e.seconds) / done;
      const head = `epoch ${e.epoch + 1}/${this.epochs}`;
      const stats = `${e.imagesPerSec.toFixed(0)} img/s  loss ${e.loss.toFixed(4)}  lr ${e.lr.toPrecision(2)}`;
      if (this.tty) {
        const width = 24;
        const fill = Math.round((done / e.steps) * width);
        const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
        this.write(`\r${head} ${bar} ${done}/${e.steps}  ${stats}  ETA ${duration(etaSec)}\x1b[K`);
        this.drawn = true;
      } else {
        const line = Math.floor((done / e.steps) * 10);
        if (line !== this.lastLine || done === e.steps) {
          this.lastLine = line;
          this.write(`${head} step ${done}/${e.steps}  ${stats}  ETA ${duration(etaSec)}\n`);
        }
      }
      return;
    }
    if (e.type === 'epoch') {
      if (this.drawn) this.write('\n');
      this.drawn = false;
      this.lastLine = -1;
      this.write(
        `epoch ${e.epoch}/${this.epochs}: train loss ${e.trainLoss.toFixed(4)}, train error ${pct(e.trainTop1Error)}, ` +
          `test error ${pct(e.testTop1Error)} (top-5 ${pct(e.testTop5Error)}), ${e.imagesPerSec.toFixed(0)} img/s, ${e.seconds.toFixed(1)} s\n`,
      );
    }
  }
}
