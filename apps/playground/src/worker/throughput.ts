/** Images per second over the last steps, with time spent paused left out. */
export class Throughput {
  private readonly times: number[] = [];
  private readonly images: number[] = [];
  private paused = 0;
  private last = performance.now();

  constructor(private readonly window = 10) {}

  /** Time the run spent paused since the last step. */
  pausedFor(ms: number): void {
    this.paused += ms;
  }

  /** Records a step of `images` images; returns images/s over the window. */
  step(images: number): number {
    const now = performance.now();
    this.times.push(now - this.last - this.paused);
    this.images.push(images);
    this.last = now;
    this.paused = 0;
    if (this.times.length > this.window) {
      this.times.shift();
      this.images.shift();
    }
    const ms = this.times.reduce((a, b) => a + b, 0);
    const n = this.images.reduce((a, b) => a + b, 0);
    return ms > 0 ? (1000 * n) / ms : 0;
  }
}
