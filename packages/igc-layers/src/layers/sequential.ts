import type { Tensor } from '@igcnet/tensor';
import { Module } from '../module/module.js';

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

  /** Frees each intermediate as soon as the next one is computed, so no scope is needed. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.items) {
      const next = m.forward(y);
      if (y !== x && next !== y) y.dispose();
      y = next;
    }
    return y;
  }
}
