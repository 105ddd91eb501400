import { relu, type Shape, type Tensor } from '@igcnet/tensor';
import { Module } from '../module/module.js';

/** max(x, 0), elementwise. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }

  protected override inferShape(input: Shape): Shape {
    return input;
  }
}
