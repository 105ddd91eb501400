import { registerGradient } from '../engine/engine.js';
import { run } from '../ops/util.js';

registerGradient('MaxPool', ([dy], { x }, _out, attrs) => ({
  x: () => run('MaxPoolGrad', { dy: dy!, x }, attrs),
}));

registerGradient('AvgPool', ([dy], { x }, _out, attrs) => ({
  x: () =>
    run(
      'AvgPoolGrad',
      { dy: dy! },
      { ...attrs, inputShape: x.shape as unknown as readonly [number, number, number, number] },
    ),
}));
