import { add, relu, type Shape, type Tensor } from '@igcnet/tensor';
import { Module, type TraceVisitor } from '../module/module.js';
import { BatchNorm2d, type BatchNorm2dOptions } from './batchnorm2d.js';
import { Conv2d } from './conv2d.js';
import { fusableBn, isFusableConv } from './fusion.js';
import type { InitOptions } from './init.js';
import { ReLU } from './relu.js';

/** Options of `Projection`. */
export interface ProjectionOptions extends InitOptions {
  /** Defaults to 1. */
  stride?: number;
  /**
   * Groups of the 1×1 conv. 1 (dense) for ResNet and RegConv; L for the IGC nets, whose
   * official down-sampling shortcut is a group conv (paper.md §5 item 3).
   */
  groups?: number;
  bn?: BatchNorm2dOptions;
}

/** The projection shortcut: 1×1 conv (stride s, no bias) → BN, no ReLU. Children `conv`, `bn`. */
export class Projection extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, opts: ProjectionOptions = {}) {
    super();
    this.conv = this.registerModule(
      'conv',
      new Conv2d(inChannels, outChannels, {
        kernelSize: 1,
        stride: opts.stride ?? 1,
        groups: opts.groups ?? 1,
        ...(opts.init ? { init: opts.init } : {}),
        ...(opts.rng ? { rng: opts.rng } : {}),
      }),
    );
    this.bn = this.registerModule('bn', new BatchNorm2d(outChannels, opts.bn));
  }

  forward(x: Tensor): Tensor {
    const bn = fusableBn(this.conv, this.bn);
    if (bn) return this.conv.forwardFused(x, { bn });
    const c = this.conv.forward(x);
    const y = this.bn.forward(c);
    c.dispose();
    return y;
  }
}

/** The parts of a `BasicBlock`. */
export interface BasicBlockParts {
  /** First unit (a 3×3 conv or an IGC), carrying the block's stride. */
  conv1: Module;
  /** BN after the first unit. */
  bn1: BatchNorm2d;
  /** Second unit. */
  conv2: Module;
  /** BN after the second unit, before the addition. */
  bn2: BatchNorm2d;
  /** The shortcut; absent for the identity. */
  shortcut?: Module;
}

/**
 * The original post-activation residual block of ResNet, used by every "+Ident." IGC net:
 * `out = ReLU(shortcut(x) + BN2(U2(ReLU(BN1(U1(x))))))`, where U is a regular conv or an IGC
 * and the shortcut is the identity or a projection. Children `conv1`, `bn1`, `relu`, `conv2`,
 * `bn2` and, when given, `shortcut`.
 */
export class BasicBlock extends Module {
  readonly conv1: Module;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Module;
  readonly bn2: BatchNorm2d;
  readonly shortcut: Module | undefined;

  constructor(parts: BasicBlockParts) {
    super();
    this.conv1 = this.registerModule('conv1', parts.conv1);
    this.bn1 = this.registerModule('bn1', parts.bn1);
    this.relu = this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', parts.conv2);
    this.bn2 = this.registerModule('bn2', parts.bn2);
    if (parts.shortcut) this.shortcut = this.registerModule('shortcut', parts.shortcut);
  }

  forward(x: Tensor): Tensor {
    // Each intermediate is freed as soon as it is used, so a forward outside `tidy` leaves
    // nothing behind (the tape defers frees it still needs).
    const t = this.unit(this.conv1, this.bn1, x, true);
    const main = this.unit(this.conv2, this.bn2, t, false);
    t.dispose();
    const sc = this.shortcut ? this.shortcut.forward(x) : x;
    const sum = add(main, sc);
    main.dispose();
    if (sc !== x) sc.dispose();
    const out = relu(sum);
    sum.dispose();
    return out;
  }

  /**
   * relu?(bn(conv(x))): one fused conv when BN is in eval mode; in training BN and ReLU fuse
   * (`BatchNorm2d.forwardRelu`).
   */
  private unit(conv: Module, bn: BatchNorm2d, x: Tensor, withRelu: boolean): Tensor {
    if (fusableBn(conv, bn) && isFusableConv(conv))
      return conv.forwardFused(x, { bn, relu: withRelu });
    const c = conv.forward(x);
    const y = withRelu ? bn.forwardRelu(c) : bn.forward(c);
    c.dispose();
    return y;
  }

  protected override traceChildren(input: Shape, visit: TraceVisitor, path: string): Shape {
    const p = (n: string): string => (path === '' ? n : `${path}.${n}`);
    let s = this.conv1.traceShapes(input, visit, p('conv1'));
    s = this.bn1.traceShapes(s, visit, p('bn1'));
    s = this.relu.traceShapes(s, visit, p('relu'));
    s = this.conv2.traceShapes(s, visit, p('conv2'));
    s = this.bn2.traceShapes(s, visit, p('bn2'));
    const sc = this.shortcut ? this.shortcut.traceShapes(input, visit, p('shortcut')) : input;
    if (sc.join() !== s.join()) {
      throw new Error(
        `BasicBlock${path ? ` '${path}'` : ''}: the shortcut gives [${sc.join(',')}] but the main path [${s.join(',')}]`,
      );
    }
    return s;
  }
}
