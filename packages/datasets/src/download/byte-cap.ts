import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through until `max` have gone by, then fails the stream instead of going on. */
export class ByteCap extends Transform {
  readonly max: number;
  bytes = 0;
  exceeded = false;

  constructor(max: number) {
    super();
    this.max = max;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      this.exceeded = true;
      done(new Error(`more than ${this.max} bytes`));
      return;
    }
    done(null, chunk);
  }
}
