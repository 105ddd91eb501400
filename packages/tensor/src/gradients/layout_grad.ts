import { registerGradient } from '../engine/engine.js';
import { channelShuffle, pad, slice, transpose } from '../ops/layout.js';

registerGradient('Transpose', ([dy], _in, _out, { perm }) => {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return { x: () => transpose(dy!, inv) };
});

registerGradient('Concat', ([dy], { xs }, _out, { axis }) => ({
  xs: () => {
    let offset = 0;
    return xs.map((t) => {
      const begin = t.shape.map((_, i) => (i === axis ? offset : 0));
      offset += t.shape[axis]!;
      return slice(dy!, begin, t.shape);
    });
  },
}));

registerGradient('Slice', ([dy], { x }, _out, { begin, size }) => ({
  x: () =>
    pad(
      dy!,
      x.shape.map((d, i) => [begin[i]!, d - begin[i]! - size[i]!] as const),
    ),
}));

registerGradient('Pad', ([dy], { x }, _out, { paddings }) => ({
  x: () =>
    slice(
      dy!,
      paddings.map(([b]) => b),
      x.shape,
    ),
}));

registerGradient('ChannelShuffle', ([dy], { x }, _out, { groups }) => ({
  x: () => channelShuffle(dy!, x.shape[1]! / groups),
}));
