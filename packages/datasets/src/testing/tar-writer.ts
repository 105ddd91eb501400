/** Handcrafted tar archives for tests, including malicious entries no normal tool would write. */
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  /** '0' file, '5' directory, '2' symlink, '1' hard link, '3' char device, '6' FIFO. */
  type?: string;
  linkpath?: string;
  body?: Uint8Array | string;
}

function field(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  block.set(bytes.subarray(0, length), offset);
}

function octal(n: number, length: number): string {
  return `${n.toString(8).padStart(length - 1, '0')}\0`;
}

/** A .tar.gz of the entries, in ustar format. */
export function tarGz(entries: TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    const body =
      typeof e.body === 'string' ? new TextEncoder().encode(e.body) : (e.body ?? new Uint8Array(0));
    const type = e.type ?? '0';
    const size = type === '0' ? body.length : 0;
    const h = new Uint8Array(512);
    field(h, 0, 100, e.path);
    field(h, 100, 8, octal(type === '5' ? 0o755 : 0o644, 8));
    field(h, 108, 8, octal(0, 8));
    field(h, 116, 8, octal(0, 8));
    field(h, 124, 12, octal(size, 12));
    field(h, 136, 12, octal(1700000000, 12));
    field(h, 148, 8, '        ');
    field(h, 156, 1, type);
    field(h, 157, 100, e.linkpath ?? '');
    field(h, 257, 6, 'ustar\0');
    field(h, 263, 2, '00');
    const sum = h.reduce((a, b) => a + b, 0);
    field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(h);
    if (size > 0) {
      const padded = new Uint8Array(Math.ceil(size / 512) * 512);
      padded.set(body);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return gzipSync(out);
}
