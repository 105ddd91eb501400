import { channelShuffle, type Shape, type Tensor } from '@igcnet/tensor';
import { assertPositiveInt } from '../layers/geometry.js';
import { Module } from '../module/module.js';

/**
 * Where channel `i` goes under `Interleave(groups)` on `channels` channels: with
 * M = channels / groups, channel l·M + m moves to m·groups + l. `dest[i]` is its new index.
 * This is MXNet's `Reorder(branch_factor = groups)` of the official code and ShuffleNet's
 * channel shuffle.
 */
export function interleaveDestination(channels: number, groups: number): Int32Array {
  checkSplit(channels, groups);
  const m = channels / groups;
  const dest = new Int32Array(channels);
  for (let l = 0; l < groups; l++) for (let j = 0; j < m; j++) dest[l * m + j] = j * groups + l;
  return dest;
}

/** The inverse view of `interleaveDestination`: output channel `j` reads input `source[j]`. */
export function interleaveSource(channels: number, groups: number): Int32Array {
  const dest = interleaveDestination(channels, groups);
  const src = new Int32Array(channels);
  for (let i = 0; i < channels; i++) src[dest[i]!] = i;
  return src;
}

function checkSplit(channels: number, groups: number): void {
  assertPositiveInt(channels, 'Interleave', 'channels');
  assertPositiveInt(groups, 'Interleave', 'groups');
  if (channels % groups !== 0)
    throw new Error(`Interleave: ${channels} channels cannot be split into ${groups} groups`);
}

/**
 * The IGC permutation on the channel axis. `Interleave(L)` is P^T of the paper: with C = L·M
 * channels in L primary partitions of M, channel l·M + m moves to m·L + l, so that secondary
 * partition m (channels [m·L, (m+1)·L)) holds the m-th output of every primary partition.
 * `Interleave(M)` is its inverse P. It has no parameters and costs no multiply-adds.
 */
export class Interleave extends Module {
  readonly groups: number;

  constructor(groups: number) {
    super();
    assertPositiveInt(groups, 'Interleave', 'groups');
    this.groups = groups;
  }

  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }

  protected override inferShape(input: Shape): Shape {
    checkSplit(input[0] ?? 0, this.groups);
    return input;
  }

  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
