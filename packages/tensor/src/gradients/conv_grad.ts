import { registerGradient } from '../engine/engine.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from '../ops/conv.js';
import { channelShuffle } from '../ops/layout.js';
import { sum } from '../ops/reduction.js';

type Quad = readonly [number, number, number, number];

registerGradient('Conv2D', ([dy], { x, w }, _out, attrs) => ({
  x: () => conv2dBackpropInput(dy!, w, x.shape as unknown as Quad, attrs),
  w: () => conv2dBackpropFilter(x, dy!, w.shape as unknown as Quad, attrs),
  // The bias is added before the folded output shuffle: un-shuffle dy to sum per channel.
  bias: () =>
    sum(
      attrs.outShuffle && attrs.outShuffle > 1
        ? channelShuffle(dy!, dy!.shape[1]! / attrs.outShuffle)
        : dy!,
      [0, 2, 3],
    ),
}));
