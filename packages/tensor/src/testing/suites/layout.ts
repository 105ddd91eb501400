import { describe, expect } from 'vitest';
import {
  channelShuffle,
  concat,
  flatten,
  pad,
  reshape,
  slice,
  transpose,
} from '../../ops/layout.js';
import { expectExact } from '../compare.js';
import { randn, toNd, toTensor } from '../data.js';
import { checkGradients } from '../grad.js';
import type { Kit } from '../kit.js';
import * as ref from '../reference/layout.js';
import { nd } from '../reference/nd.js';

const PERMS3: readonly (readonly number[])[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** Reshape, transpose, concat, slice, pad and the IGC interleave; values move, never change. */
export function layoutSuite(kit: Kit): void {
  describe('layout', () => {
    kit.test('reshape and flatten share data (no kernel)', [], async () => {
      const x = randn(kit.rng(800), [2, 3, 4]);
      const t = toTensor(x);
      await expectExact(reshape(t, [4, -1]), nd([4, 6], x.data), 'float32', 'reshape');
      await expectExact(flatten(t), nd([2, 12], x.data), 'float32', 'flatten');
      await expectExact(reshape(t, [24]), nd([24], x.data), 'float32', 'reshape to rank 1');
    });
    for (const perm of PERMS3) {
      kit.test(`Transpose [2,3,4] by [${perm}]`, ['Transpose'], async () => {
        const x = randn(kit.rng(801), [2, 3, 4]);
        await expectExact(
          transpose(toTensor(x), perm),
          ref.transpose(x, perm),
          'float32',
          'transpose',
        );
      });
    }
    for (const perm of [
      [0, 2, 3, 1],
      [3, 1, 0, 2],
      [1, 0, 3, 2],
    ]) {
      kit.test(`Transpose [2,3,1,5] by [${perm}]`, ['Transpose'], async () => {
        const x = randn(kit.rng(802), [2, 3, 1, 5]);
        await expectExact(
          transpose(toTensor(x), perm),
          ref.transpose(x, perm),
          'float32',
          'transpose',
        );
      });
    }
    kit.test('Transpose with the default perm reverses axes', ['Transpose'], async () => {
      const x = randn(kit.rng(803), [3, 5]);
      await expectExact(transpose(toTensor(x)), ref.transpose(x, [1, 0]), 'float32', 'transpose');
    });
    for (const axis of [0, 1, 2]) {
      kit.test(`Concat of three pieces on axis ${axis}`, ['Concat'], async () => {
        const rng = kit.rng(804);
        const shape = (k: number): number[] => [2, 3, 4].map((d, i) => (i === axis ? k : d));
        const xs = [randn(rng, shape(1)), randn(rng, shape(3)), randn(rng, shape(2))];
        await expectExact(
          concat(
            xs.map((x) => toTensor(x)),
            axis,
          ),
          ref.concat(xs, axis),
          'float32',
          'concat',
        );
      });
    }
    kit.test('Concat on axis −1, and of one tensor', ['Concat'], async () => {
      const rng = kit.rng(805);
      const a = randn(rng, [2, 1, 3]);
      const b = randn(rng, [2, 1, 2]);
      await expectExact(
        concat([toTensor(a), toTensor(b)], -1),
        ref.concat([a, b], 2),
        'float32',
        'concat -1',
      );
      await expectExact(concat([toTensor(a)], 1), a, 'float32', 'concat of one');
    });
    const SLICES: readonly [number[], number[]][] = [
      [
        [0, 0, 0],
        [2, 3, 4],
      ],
      [
        [1, 1, 1],
        [1, 2, 3],
      ],
      [
        [0, 2, 3],
        [2, 1, 1],
      ],
      [
        [1, 0, 2],
        [-1, -1, -1],
      ],
      [
        [0, 1, 0],
        [2, 0, 4],
      ],
    ];
    SLICES.forEach(([begin, size], k) => {
      kit.test(`Slice begin [${begin}] size [${size}]`, ['Slice'], async () => {
        const x = randn(kit.rng(806), [2, 3, 4]);
        const s = size.map((v, i) => (v === -1 ? x.shape[i]! - begin[i]! : v));
        await expectExact(
          slice(toTensor(x), begin, size),
          ref.slice(x, begin, s),
          'float32',
          `slice #${k}`,
        );
      });
    });
    const PADS: readonly [(readonly [number, number])[], number][] = [
      [
        [
          [0, 0],
          [1, 1],
          [2, 0],
        ],
        0,
      ],
      [
        [
          [1, 2],
          [0, 0],
          [0, 3],
        ],
        -1.5,
      ],
      [
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        4,
      ],
    ];
    PADS.forEach(([p, value], k) => {
      kit.test(`Pad #${k} with ${value}`, ['Pad'], async () => {
        const x = randn(kit.rng(807), [2, 3, 4]);
        await expectExact(pad(toTensor(x), p, value), ref.pad(x, p, value), 'float32', 'pad');
      });
    });
    for (const groups of [1, 2, 3, 4, 6, 12]) {
      kit.test(
        `ChannelShuffle of 12 channels in ${groups} groups`,
        ['ChannelShuffle'],
        async () => {
          const x = randn(kit.rng(808), [2, 12, 2, 3]);
          await expectExact(
            channelShuffle(toTensor(x), groups),
            ref.channelShuffle(x, groups),
            'float32',
            'shuffle',
          );
        },
      );
    }
    kit.test(
      'ChannelShuffle L=3, M=4 gives the paper order [0,4,8,1,5,9,2,6,10,3,7,11]',
      ['ChannelShuffle'],
      async () => {
        const x = nd(
          [1, 12],
          Array.from({ length: 12 }, (_, i) => i),
        );
        const y = await toNd(channelShuffle(toTensor(x), 3));
        expect(Array.from(y.data)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
      },
    );
    for (const [l, m] of [
      [3, 4],
      [4, 3],
      [2, 7],
      [1, 13],
    ] as const) {
      kit.test(
        `channelShuffle(x, ${m}) undoes channelShuffle(x, ${l})`,
        ['ChannelShuffle'],
        async () => {
          const x = randn(kit.rng(809), [2, l * m, 3, 1]);
          const t = toTensor(x);
          await expectExact(channelShuffle(channelShuffle(t, l), m), x, 'float32', 'round trip');
          await expectExact(
            channelShuffle(channelShuffle(t, m), l),
            x,
            'float32',
            'round trip reversed',
          );
        },
      );
    }

    describe('gradients', () => {
      kit.test('d reshape', [], async () => {
        const x = randn(kit.rng(810), [2, 6]);
        await checkGradients(
          kit,
          kit.rng(811),
          {
            inputs: [x],
            wrt: [0],
            op: ([t]) => reshape(t!, [3, 4]),
            ref: ([v]) => nd([3, 4], v!.data),
          },
          'd reshape',
        );
      });
      for (const perm of [
        [1, 2, 0],
        [2, 0, 1],
        [0, 2, 1],
      ]) {
        kit.test(`d Transpose [${perm}]`, ['Transpose'], async () => {
          const x = randn(kit.rng(812), [2, 3, 4]);
          await checkGradients(
            kit,
            kit.rng(813),
            {
              inputs: [x],
              wrt: [0],
              op: ([t]) => transpose(t!, perm),
              ref: ([v]) => ref.transpose(v!, perm),
            },
            'd transpose',
          );
        });
      }
      for (const axis of [0, 1, 2]) {
        kit.test(`d Concat on axis ${axis}`, ['Concat'], async () => {
          const rng = kit.rng(814);
          const shape = (k: number): number[] => [2, 3, 4].map((d, i) => (i === axis ? k : d));
          const xs = [randn(rng, shape(2)), randn(rng, shape(1)), randn(rng, shape(3))];
          await checkGradients(
            kit,
            rng,
            {
              inputs: xs,
              wrt: [0, 1, 2],
              op: (ts) => concat(ts, axis),
              ref: (vs) => ref.concat(vs, axis),
            },
            'd concat',
          );
        });
      }
      kit.test('d Slice', ['Slice'], async () => {
        const x = randn(kit.rng(815), [3, 4, 5]);
        await checkGradients(
          kit,
          kit.rng(816),
          {
            inputs: [x],
            wrt: [0],
            op: ([t]) => slice(t!, [1, 0, 2], [2, 3, 2]),
            ref: ([v]) => ref.slice(v!, [1, 0, 2], [2, 3, 2]),
          },
          'd slice',
        );
      });
      kit.test('d Pad', ['Pad'], async () => {
        const x = randn(kit.rng(817), [2, 3, 4]);
        const p = [
          [1, 0],
          [0, 2],
          [1, 1],
        ] as const;
        await checkGradients(
          kit,
          kit.rng(818),
          {
            inputs: [x],
            wrt: [0],
            op: ([t]) => pad(t!, p, 0.5),
            ref: ([v]) => ref.pad(v!, p, 0.5),
          },
          'd pad',
        );
      });
      for (const groups of [3, 4]) {
        kit.test(`d ChannelShuffle groups ${groups}`, ['ChannelShuffle'], async () => {
          const x = randn(kit.rng(819), [2, 12, 2, 2]);
          await checkGradients(
            kit,
            kit.rng(820),
            {
              inputs: [x],
              wrt: [0],
              op: ([t]) => channelShuffle(t!, groups),
              ref: ([v]) => ref.channelShuffle(v!, groups),
            },
            'd channelShuffle',
          );
        });
      }
    });
  });
}
