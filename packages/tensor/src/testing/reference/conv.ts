import { type Nd, nd } from './nd.js';

/** Conv geometry as the Conv2D kernel receives it: everything resolved. */
export interface RefConvGeometry {
  stride: readonly [number, number];
  /** [top, bottom, left, right] */
  pad: readonly [number, number, number, number];
  dilation: readonly [number, number];
  groups: number;
}

type Quad = readonly [number, number, number, number];

/** Output height and width of a conv of `x` [N,C,H,W] with a kh×kw kernel. */
export function convOutSize(
  h: number,
  w: number,
  kh: number,
  kw: number,
  g: RefConvGeometry,
): [number, number] {
  const oh = Math.floor((h + g.pad[0] + g.pad[1] - g.dilation[0] * (kh - 1) - 1) / g.stride[0]) + 1;
  const ow = Math.floor((w + g.pad[2] + g.pad[3] - g.dilation[1] * (kw - 1) - 1) / g.stride[1]) + 1;
  return [oh, ow];
}

/**
 * Visits every (output cell, weight tap, input cell) triple of a conv whose input cell is inside
 * the image; forward, backprop-input and backprop-filter are all sums over these triples.
 */
function forEachTap(
  xShape: Quad,
  wShape: Quad,
  g: RefConvGeometry,
  fn: (xi: number, wi: number, yi: number) => void,
): void {
  const [n, cin, h, w] = xShape;
  const [cout, cpg, kh, kw] = wShape;
  const [oh, ow] = convOutSize(h, w, kh, kw, g);
  const outPerGroup = cout / g.groups;
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const group = Math.floor(co / outPerGroup);
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const yi = ((b * cout + co) * oh + oy) * ow + ox;
          for (let ci = 0; ci < cpg; ci++) {
            const c = group * cpg + ci;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * g.stride[0] - g.pad[0] + ky * g.dilation[0];
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * g.stride[1] - g.pad[2] + kx * g.dilation[1];
                if (ix < 0 || ix >= w) continue;
                fn(((b * cin + c) * h + iy) * w + ix, ((co * cpg + ci) * kh + ky) * kw + kx, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** Cross-correlation of NCHW `x` with OIHW `w` plus an optional bias. */
export function conv2d(x: Nd, w: Nd, bias: Nd | undefined, g: RefConvGeometry): Nd {
  const xs = x.shape as unknown as Quad;
  const ws = w.shape as unknown as Quad;
  const [oh, ow] = convOutSize(xs[2], xs[3], ws[2], ws[3], g);
  const out = nd([xs[0], ws[0], oh, ow]);
  if (bias) {
    for (let i = 0; i < out.data.length; i++)
      out.data[i] = bias.data[Math.floor(i / (oh * ow)) % ws[0]]!;
  }
  forEachTap(xs, ws, g, (xi, wi, yi) => {
    out.data[yi] = out.data[yi]! + x.data[xi]! * w.data[wi]!;
  });
  return out;
}

/** Gradient of conv2d with respect to x, by scattering dy through the weight. */
export function conv2dBackpropInput(dy: Nd, w: Nd, inputShape: Quad, g: RefConvGeometry): Nd {
  const dx = nd(inputShape);
  forEachTap(inputShape, w.shape as unknown as Quad, g, (xi, wi, yi) => {
    dx.data[xi] = dx.data[xi]! + dy.data[yi]! * w.data[wi]!;
  });
  return dx;
}

/** Gradient of conv2d with respect to w. */
export function conv2dBackpropFilter(x: Nd, dy: Nd, filterShape: Quad, g: RefConvGeometry): Nd {
  const dw = nd(filterShape);
  forEachTap(x.shape as unknown as Quad, filterShape, g, (xi, wi, yi) => {
    dw.data[wi] = dw.data[wi]! + dy.data[yi]! * x.data[xi]!;
  });
  return dw;
}
