import { join } from 'node:path';
import { createModel } from '@igcnet/models';
import type { CheckpointMeta } from '@igcnet/trainer';
import { saveCheckpoint } from '@igcnet/trainer/node';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { tempDir } from './test-fixtures.js';

/** A real checkpoint of a small net whose metadata then lies about the model. */
async function lyingCheckpoint(model: string, config: Record<string, unknown>): Promise<string> {
  const file = join(await tempDir(), 'checkpoint.safetensors');
  const net = createModel('igc-l4m2-ident-d8', { numClasses: 10, inChannels: 1, init: 'zeros' });
  const meta: CheckpointMeta = {
    model,
    config,
    epoch: 1,
    step: 1,
    seed: 1,
    extra: { dataset: 'mnist' },
  };
  await saveCheckpoint(file, net, undefined, meta);
  net.dispose();
  return file;
}

describe('checkpoints that ask for giant models', () => {
  for (const [model, config, message] of [
    [
      'igc-l4m2-ident-d8',
      { numClasses: 2_000_000_000, inChannels: 1 },
      /'config\.numClasses' is 2000000000 but the stored classifier fc\.weight is \[10,32\]: expected 10$/,
    ],
    [
      'igc-l4m2-ident-d8',
      { numClasses: 10, inChannels: 500_000_000 },
      /'config\.inChannels' is 500000000 but the stored stem convolution stem\.conv\.weight is \[8,1,3,3\]: expected 1$/,
    ],
    [
      'regconv-w100000-d20',
      { numClasses: 10, inChannels: 1 },
      /'model' 'regconv-w100000-d20' has 400000 classifier features but the stored fc\.weight is \[10,32\]/,
    ],
  ] as const) {
    for (const command of ['eval', 'export'] as const) {
      it(`igc ${command} names the file and the key: ${model} ${JSON.stringify(config)}`, async () => {
        const file = await lyingCheckpoint(model, config);
        const io = memoryIo(await tempDir());
        const argv =
          command === 'eval'
            ? ['eval', '--checkpoint', file, '--backend', 'cpu', '--test-limit', '8']
            : ['export', '--checkpoint', file, '--onnx', 'x.onnx'];
        expect(await main(argv, io)).toBe(1);
        const err = io.stderr.join('\n');
        expect(err.split('\n')).toHaveLength(1);
        expect(err).toContain(`${file}: checkpoint metadata `);
        expect(err).toMatch(message);
        expect(err).not.toMatch(/Invalid typed array length/);
      });
    }
  }

  it('igc info refuses a giant zoo name before allocating', async () => {
    const io = memoryIo();
    expect(await main(['info', 'regconv-w100000-d20'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(
      /model 'regconv-w100000-d20' \(stem width 100000, depth 20, 10 classes, 3 input channels\) would hold up to .* values, over the limit of 250,000,000/,
    );
  });
});
