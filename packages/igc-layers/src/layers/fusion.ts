/**
 * Inference fusion: a conv followed by BN in eval mode (and ReLU) runs as one `fusedConv2d`, so a
 * backend can apply BN and ReLU in the conv's epilogue (WebGPU: one dispatch instead of four or
 * more). In training mode BN needs the conv's whole output for its batch statistics, so the conv
 * stays apart and BN + ReLU fuse instead (`BatchNorm2d.forwardRelu`, `batchNormRelu`).
 */
import type { InferenceBatchNorm, Tensor } from '@igcnet/tensor';
import type { Module } from '../module/module.js';
import { BatchNorm2d } from './batchnorm2d.js';
import { ReLU } from './relu.js';

/** What a fusable conv applies after its convolution. */
export interface ConvEpilogue {
  /** Batch norm in eval mode: its running statistics are applied. */
  bn?: BatchNorm2d;
  relu?: boolean;
}

/**
 * A module whose forward ends in a convolution that can take an epilogue: `forwardFused(x, e)`
 * equals `relu?(e.bn.forward(this.forward(x)))` with `e.bn` in eval mode. `Conv2d` (and so the
 * primary and secondary group convs) and `IGCConv` are fusable.
 */
export interface FusableConv {
  forwardFused(x: Tensor, epilogue: ConvEpilogue): Tensor;
}

/** Whether `m` can run a conv epilogue. */
export function isFusableConv(m: Module): m is Module & FusableConv {
  return typeof (m as Partial<FusableConv>).forwardFused === 'function';
}

/**
 * `next` as the BN to fuse into `conv`, or undefined when they do not fuse: `conv` must be
 * fusable and `next` a BN in eval mode.
 */
export function fusableBn(conv: Module, next: Module | undefined): BatchNorm2d | undefined {
  return isFusableConv(conv) && next instanceof BatchNorm2d && !next.training ? next : undefined;
}

/** Whether `m` is a ReLU module. */
export function isRelu(m: Module | undefined): boolean {
  return m instanceof ReLU;
}

/** The `bn` option of `fusedConv2d` for a BN module's running statistics. */
export function inferenceBn(bn: BatchNorm2d): InferenceBatchNorm {
  return {
    gamma: bn.weight,
    beta: bn.bias,
    mean: bn.runningMean,
    variance: bn.runningVar,
    eps: bn.eps,
  };
}
