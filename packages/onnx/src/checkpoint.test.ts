import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '@igcnet/models';
import type { CheckpointMeta } from '@igcnet/trainer';
import { saveCheckpoint } from '@igcnet/trainer/node';
import { describe, expect, it } from 'vitest';
import { exportCheckpointToOnnx } from './checkpoint.js';
import { onnx } from './proto.js';
import {
  modelLogits,
  ortLogits,
  randomBatch,
  randomizeBatchNorm,
  relativeMaxDiff,
} from './test_util.js';

const CIFAR10 = { mean: [125.307, 122.95, 113.865], std: [62.993, 62.089, 66.705] };

function meta(model: string, config: Record<string, unknown>, dataset?: string): CheckpointMeta {
  return {
    model,
    config,
    epoch: 3,
    step: 120,
    seed: 9,
    ...(dataset ? { extra: { dataset } } : {}),
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'igc-onnx-'));
}

describe('exportCheckpointToOnnx', () => {
  it('exports the named model with the checkpoint weights and metadata', async () => {
    const dir = await tempDir();
    const model = createModel('igc-l4m8-d8', { numClasses: 7, seed: 5 });
    randomizeBatchNorm(model, 6);
    const ckpt = join(dir, 'c.safetensors');
    await saveCheckpoint(ckpt, model, undefined, meta('igc-l4m8-d8', { numClasses: 7 }, 'cifar10'));
    const out = join(dir, 'sub', 'model.onnx');
    const r = await exportCheckpointToOnnx(ckpt, out, { normalizations: { cifar10: CIFAR10 } });
    expect(r.model).toBe('igc-l4m8-d8');
    const bytes = new Uint8Array(await readFile(out));
    expect(bytes.length).toBe(r.bytes);

    const x = randomBatch(2, [3, 32, 32], 1);
    const ref = await modelLogits(model, x, [2, 3, 32, 32]);
    model.dispose();
    const got = await ortLogits(bytes, x, [2, 3, 32, 32], 'all');
    expect(got.dims).toEqual([2, 7]);
    expect(relativeMaxDiff(got.data, ref)).toBeLessThanOrEqual(1e-4);

    const proto = onnx.ModelProto.decode(bytes);
    const md = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(md).toMatchObject({ model: 'igc-l4m8-d8', dataset: 'cifar10', epoch: '3', seed: '9' });
    expect(JSON.parse(md.normalization ?? '')).toEqual(CIFAR10);
  });

  it('names missing and unexpected keys of a checkpoint of another model, and writes nothing', async () => {
    const dir = await tempDir();
    // Same stem and classifier widths, so only the body's keys differ.
    const other = createModel('regconv-w32-d8', { init: 'zeros' });
    const ckpt = join(dir, 'c.safetensors');
    await saveCheckpoint(ckpt, other, undefined, meta('igc-l4m8-d8', {}));
    other.dispose();
    const out = join(dir, 'model.onnx');
    const err = exportCheckpointToOnnx(ckpt, out);
    await expect(err).rejects.toThrow(/checkpoint does not match the model/);
    await expect(err).rejects.toThrow(
      /missing keys: .*stages\.0\.blocks\.0\.conv\.primary\.weight/,
    );
    await expect(err).rejects.toThrow(/unexpected keys: .*stages\.0\.blocks\.0\.conv\.weight/);
    expect(existsSync(out)).toBe(false);
    expect(await readdir(dir)).toEqual(['c.safetensors']);
  });

  it('names shape mismatches (a 100-class checkpoint whose config says 10), and writes nothing', async () => {
    const dir = await tempDir();
    const wide = createModel('igc-l4m8-d8', { numClasses: 100, init: 'zeros' });
    const ckpt = join(dir, 'c.safetensors');
    await saveCheckpoint(ckpt, wide, undefined, meta('igc-l4m8-d8', { numClasses: 10 }));
    wide.dispose();
    const out = join(dir, 'model.onnx');
    await expect(exportCheckpointToOnnx(ckpt, out)).rejects.toThrow(
      /c\.safetensors: checkpoint metadata 'config\.numClasses' is 10 but the stored classifier fc\.weight is \[100,128\]: expected 100$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an unknown model name and a bad config before writing', async () => {
    const dir = await tempDir();
    const m = createModel('igc-l4m8-d8', { init: 'zeros' });
    const unknown = join(dir, 'u.safetensors');
    await saveCheckpoint(unknown, m, undefined, meta('resnet50', {}));
    const badConfig = join(dir, 'b.safetensors');
    await saveCheckpoint(badConfig, m, undefined, meta('igc-l4m8-d8', { numClasses: 'ten' }));
    m.dispose();
    const out = join(dir, 'model.onnx');
    await expect(exportCheckpointToOnnx(unknown, out)).rejects.toThrow(/resnet50/);
    await expect(exportCheckpointToOnnx(badConfig, out)).rejects.toThrow(
      /metadata 'config.numClasses' must be a positive integer, got "ten"/,
    );
    await expect(exportCheckpointToOnnx(join(dir, 'none.safetensors'), out)).rejects.toThrow(
      /cannot read checkpoint/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
