import type { Dataset, DatasetFormat, ImageShape, Sample } from '../types.js';

/**
 * How images sit in a byte buffer.
 * - `planar`: record i starts at `offset + i*stride` and holds C planes of H×W row-major bytes
 *   (CIFAR, MNIST), so a sample is a zero-copy view.
 * - `matlab`: one H×W×C×N array in MATLAB's column-major order (SVHN's `X`), transposed per
 *   sample on access.
 */
export type PixelLayout =
  | { kind: 'planar'; bytes: Uint8Array; offset: number; stride: number }
  | { kind: 'matlab'; bytes: Uint8Array };

/** Everything a {@link PackedDataset} needs. */
export interface PackedDatasetInit {
  format: DatasetFormat;
  split: string;
  classNames: readonly string[];
  imageShape: ImageShape;
  labels: Int32Array;
  layout: PixelLayout;
  notes?: readonly string[];
}

/** A dataset whose images are already in memory as bytes (CIFAR, SVHN, MNIST). */
export class PackedDataset implements Dataset {
  readonly format: DatasetFormat;
  readonly split: string;
  readonly classNames: readonly string[];
  readonly imageShape: ImageShape;
  readonly labels: Int32Array;
  readonly notes: readonly string[];
  readonly #layout: PixelLayout;
  readonly #size: number;

  constructor(init: PackedDatasetInit) {
    this.format = init.format;
    this.split = init.split;
    this.classNames = init.classNames;
    this.imageShape = init.imageShape;
    this.labels = init.labels;
    this.notes = init.notes ?? [];
    this.#layout = init.layout;
    this.#size = init.imageShape[0] * init.imageShape[1] * init.imageShape[2];
  }

  get length(): number {
    return this.labels.length;
  }

  get(index: number): Sample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `index ${index} is outside ${this.format} ${this.split} (0..${this.length - 1})`,
      );
    }
    const layout = this.#layout;
    const label = this.labels[index]!;
    if (layout.kind === 'planar') {
      const start = layout.offset + index * layout.stride;
      return {
        image: layout.bytes.subarray(start, start + this.#size),
        shape: this.imageShape,
        label,
      };
    }
    const [c, h, w] = this.imageShape;
    const out = new Uint8Array(this.#size);
    const src = layout.bytes;
    const base = index * this.#size;
    // MATLAB index of (row r, column x, channel ch) is r + h*x + h*w*ch.
    for (let ch = 0; ch < c; ch++) {
      const plane = base + ch * h * w;
      const dst = ch * h * w;
      for (let x = 0; x < w; x++) {
        const col = plane + x * h;
        for (let r = 0; r < h; r++) out[dst + r * w + x] = src[col + r]!;
      }
    }
    return { image: out, shape: this.imageShape, label };
  }

  async close(): Promise<void> {}
}
