/**
 * A Float32Array that grows to the largest size asked of it and is then reused, so repeated
 * kernels allocate nothing and memory stays bounded by the largest problem seen.
 */
export class Scratch {
  private buf = new Float32Array(0);

  /** A view of at least `size` floats; its contents are unspecified. */
  get(size: number): Float32Array {
    if (this.buf.length < size) this.buf = new Float32Array(Math.max(size, this.buf.length * 1.5));
    return this.buf;
  }
}
