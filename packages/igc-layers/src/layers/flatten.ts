import { flatten, type Shape, type Tensor } from '@igcnet/tensor';
import { Module } from '../module/module.js';

/** [N, ...] → [N, prod(...)]. A view; moves no data. */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return flatten(x);
  }

  protected override inferShape(input: Shape): Shape {
    return [input.reduce((a, b) => a * b, 1)];
  }
}
