import {
  avgPool2d,
  globalAvgPool,
  maxPool2d,
  type Padding,
  type Pair,
  reshape,
  type Shape,
  type Tensor,
} from '@igcnet/tensor';
import { chw, Module } from '../module/module.js';
import { fmtPair } from './conv2d.js';
import { pairOf, windowOutput } from './geometry.js';

/** Options of the window pooling layers. */
export interface Pool2dOptions {
  kernelSize: Pair;
  /** Defaults to the kernel size. */
  stride?: Pair;
  /** Defaults to 0. */
  padding?: Padding;
}

abstract class WindowPool extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding;

  constructor(opts: Pool2dOptions) {
    super();
    this.kernelSize = pairOf(opts.kernelSize);
    this.stride = pairOf(opts.stride ?? opts.kernelSize);
    this.padding = opts.padding ?? 0;
  }

  protected override inferShape(input: Shape): Shape {
    const [c, h, w] = chw(input, this.constructor.name);
    return [c, ...windowOutput(h, w, this.kernelSize, this.stride, this.padding)];
  }

  override extraRepr(): string {
    const pad = typeof this.padding === 'object' ? `[${this.padding.join(',')}]` : this.padding;
    return `kernel=${fmtPair(this.kernelSize)}, stride=${fmtPair(this.stride)}, padding=${pad}`;
  }
}

/** Max pooling, as `torch.nn.MaxPool2d`. */
export class MaxPool2d extends WindowPool {
  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernel: this.kernelSize, stride: this.stride, padding: this.padding });
  }
}

/** Average pooling (padded cells count in the divisor, as PyTorch and MXNet by default). */
export class AvgPool2d extends WindowPool {
  forward(x: Tensor): Tensor {
    return avgPool2d(x, { kernel: this.kernelSize, stride: this.stride, padding: this.padding });
  }
}

/**
 * Mean over H and W: [N, C, H, W] → [N, C, 1, 1], as `AdaptiveAvgPool2d(1)`. The IGC heads'
 * 8×8 (CIFAR) and 7×7 (ImageNet) average pools are global at the standard input sizes; this
 * layer also serves smaller test inputs.
 */
export class GlobalAvgPool extends Module {
  forward(x: Tensor): Tensor {
    const m = globalAvgPool(x);
    const out = reshape(m, [m.shape[0]!, m.shape[1]!, 1, 1]);
    m.dispose();
    return out;
  }

  protected override inferShape(input: Shape): Shape {
    const [c] = chw(input, 'GlobalAvgPool');
    return [c, 1, 1];
  }
}
