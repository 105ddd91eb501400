import { relu, relu6, type Shape, type Tensor } from '@igcnet/tensor';
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

/**
 * min(max(x, 0), 6), elementwise: the activation of MobileNetV2 and IGCV3 (MXNet's
 * `clip(0, 6)` in the official code, ONNX `Clip`).
 */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }

  protected override inferShape(input: Shape): Shape {
    return input;
  }
}
