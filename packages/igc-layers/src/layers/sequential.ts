import type { Tensor } from '@igcnet/tensor';
import { Module } from '../module/module.js';
import { BatchNorm2d } from './batchnorm2d.js';
import { fusableBn, isFusableConv, isRelu } from './fusion.js';

/**
 * Runs its children in order, as `torch.nn.Sequential`. Children are named `0`, `1`, … unless
 * given as [name, module] pairs.
 */
export class Sequential extends Module {
  private readonly items: Module[] = [];

  constructor(...modules: (Module | readonly [string, Module])[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end (named by its index unless a name is given); returns this. */
  append(m: Module | readonly [string, Module]): this {
    const [name, mod] = m instanceof Module ? [String(this.items.length), m] : m;
    this.registerModule(name, mod);
    this.items.push(mod);
    return this;
  }

  /** Number of children. */
  get length(): number {
    return this.items.length;
  }

  /** The i-th child (negative counts from the end). */
  at(i: number): Module {
    const m = this.items.at(i);
    if (!m) throw new Error(`Sequential: no child at ${i} (length ${this.items.length})`);
    return m;
  }

  /** The children in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }

  /**
   * Frees each intermediate as soon as the next one is computed, so no scope is needed. A conv
   * followed by a BN in eval mode (and a ReLU) runs as one fused conv; any other BN followed by a
   * ReLU runs as one `BatchNorm2d.forwardRelu` (fused for training).
   */
  forward(x: Tensor): Tensor {
    let y = x;
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const m = items[i]!;
      const bn = fusableBn(m, items[i + 1]);
      let next: Tensor;
      if (bn && isFusableConv(m)) {
        const relu = isRelu(items[i + 2]);
        next = m.forwardFused(y, { bn, relu });
        i += relu ? 2 : 1;
      } else if (m instanceof BatchNorm2d && isRelu(items[i + 1])) {
        next = m.forwardRelu(y);
        i += 1;
      } else {
        next = m.forward(y);
      }
      if (y !== x && next !== y) y.dispose();
      y = next;
    }
    return y;
  }
}
