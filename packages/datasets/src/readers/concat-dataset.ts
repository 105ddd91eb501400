import type { Dataset, GetOptions, ImageShape, Sample } from '../types.js';

/**
 * Several datasets of one format read as one, e.g. CIFAR's five training batches or SVHN's
 * train+extra, without copying their pixels into one buffer.
 */
export class ConcatDataset implements Dataset {
  readonly parts: readonly Dataset[];
  readonly split: string;
  readonly labels: Int32Array;
  readonly notes: readonly string[];
  readonly #starts: number[];

  constructor(parts: readonly Dataset[], split: string, notes: readonly string[] = []) {
    const first = parts[0];
    if (first === undefined) throw new Error('ConcatDataset needs at least one part');
    for (const p of parts) {
      if (p.format !== first.format || p.imageShape.join() !== first.imageShape.join()) {
        throw new Error(
          `cannot join ${p.format} ${p.split} (${p.imageShape.join('×')}) with ${first.format} ${first.split} (${first.imageShape.join('×')})`,
        );
      }
    }
    this.parts = parts;
    this.split = split;
    this.notes = [...notes, ...parts.flatMap((p) => p.notes)];
    this.#starts = [];
    let total = 0;
    for (const p of parts) {
      this.#starts.push(total);
      total += p.length;
    }
    this.labels = new Int32Array(total);
    parts.forEach((p, i) => {
      this.labels.set(p.labels, this.#starts[i]);
    });
  }

  get format() {
    return this.parts[0]!.format;
  }
  get classNames(): readonly string[] {
    return this.parts[0]!.classNames;
  }
  get imageShape(): ImageShape {
    return this.parts[0]!.imageShape;
  }
  get length(): number {
    return this.labels.length;
  }

  get(index: number, options?: GetOptions): Sample | Promise<Sample> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `index ${index} is outside ${this.format} ${this.split} (0..${this.length - 1})`,
      );
    }
    // Binary search for the last part that starts at or before index.
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.parts[lo]!.get(index - this.#starts[lo]!, options);
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close()));
  }
}
