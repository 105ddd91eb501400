import { type Nd, nd } from './nd.js';

/** Pooling window, as the pooling kernels receive it. */
export interface RefPoolAttrs {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  /** [top, bottom, left, right] */
  pad: readonly [number, number, number, number];
}

type Quad = readonly [number, number, number, number];

interface Window {
  /** Flat output index. */
  oi: number;
  /** Flat input indices of the real (unpadded) cells, row-major. */
  cells: number[];
  /** Cells of the window inside the padded image, as PyTorch's count_include_pad divisor. */
  paddedCount: number;
}

function windows(shape: Quad, a: RefPoolAttrs): { windows: Window[]; outShape: Quad } {
  const [n, c, h, w] = shape;
  const oh = Math.floor((h + a.pad[0] + a.pad[1] - a.kernel[0]) / a.stride[0]) + 1;
  const ow = Math.floor((w + a.pad[2] + a.pad[3] - a.kernel[1]) / a.stride[1]) + 1;
  const list: Window[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const cells: number[] = [];
        let paddedCount = 0;
        for (let ky = 0; ky < a.kernel[0]; ky++) {
          for (let kx = 0; kx < a.kernel[1]; kx++) {
            const iy = oy * a.stride[0] - a.pad[0] + ky;
            const ix = ox * a.stride[1] - a.pad[2] + kx;
            if (iy >= -a.pad[0] && iy < h + a.pad[1] && ix >= -a.pad[2] && ix < w + a.pad[3])
              paddedCount++;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.push((p * h + iy) * w + ix);
          }
        }
        list.push({ oi: (p * oh + oy) * ow + ox, cells, paddedCount });
      }
    }
  }
  return { windows: list, outShape: [n, c, oh, ow] };
}

/** Index of the first maximum among a window's real cells. */
function firstMax(x: Nd, cells: readonly number[]): number {
  let best = cells[0]!;
  for (const i of cells) if (x.data[i]! > x.data[best]!) best = i;
  return best;
}

/** Max pooling; padded cells never win. */
export function maxPool(x: Nd, a: RefPoolAttrs): Nd {
  const { windows: ws, outShape } = windows(x.shape as unknown as Quad, a);
  const out = nd(outShape);
  for (const win of ws) out.data[win.oi] = x.data[firstMax(x, win.cells)]!;
  return out;
}

/** Gradient of max pooling: dy goes to the first maximum of each window. */
export function maxPoolGrad(dy: Nd, x: Nd, a: RefPoolAttrs): Nd {
  const dx = nd(x.shape);
  for (const win of windows(x.shape as unknown as Quad, a).windows) {
    const i = firstMax(x, win.cells);
    dx.data[i] = dx.data[i]! + dy.data[win.oi]!;
  }
  return dx;
}

function divisor(win: Window, countIncludePad: boolean): number {
  return countIncludePad ? win.paddedCount : win.cells.length;
}

/** Average pooling; the divisor counts padded cells when `countIncludePad`. */
export function avgPool(x: Nd, a: RefPoolAttrs, countIncludePad: boolean): Nd {
  const { windows: ws, outShape } = windows(x.shape as unknown as Quad, a);
  const out = nd(outShape);
  for (const win of ws) {
    let s = 0;
    for (const i of win.cells) s += x.data[i]!;
    out.data[win.oi] = s / divisor(win, countIncludePad);
  }
  return out;
}

/** Gradient of average pooling for an input of `inputShape`. */
export function avgPoolGrad(
  dy: Nd,
  a: RefPoolAttrs,
  countIncludePad: boolean,
  inputShape: Quad,
): Nd {
  const dx = nd(inputShape);
  for (const win of windows(inputShape, a).windows) {
    const d = dy.data[win.oi]! / divisor(win, countIncludePad);
    for (const i of win.cells) dx.data[i] = dx.data[i]! + d;
  }
  return dx;
}
