import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';

describe('igc models', () => {
  it('lists the zoo with reference numbers', async () => {
    const io = memoryIo();
    expect(await main(['models'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(
      /^igc-l24m2-ident-d20\s+IGC-L24M2\+Ident\. \(depth 20\)\s+3×32×32\s+0\.1597 M\s+29\.7 M/m,
    );
    expect(out).toMatch(
      /^igc-l100m2-ident-imagenet\s+IGC-L100M2\+Ident\.\s+3×224×224\s+8\.6077 M\s+1\.265 G\s+26\.95%/m,
    );
    expect(out).toMatch(/^regconv-w16-d8 /m);
  });

  it('prints JSON and filters by dataset', async () => {
    const io = memoryIo();
    expect(await main(['models', '--dataset', 'imagenet', '--json'], io)).toBe(0);
    const list = JSON.parse(io.stdout[0]!) as { name: string }[];
    expect(list.map((e) => e.name)).toEqual([
      'resnet18',
      'resnet18-c69',
      'igc-l4m32-ident-imagenet',
      'igc-l16m16-ident-imagenet',
      'igc-l100m2-ident-imagenet',
      'igcv3-imagenet',
      'igcv3-imagenet-w0.75',
      'igcv3-imagenet-w0.5',
      'mobilenetv2-imagenet',
    ]);
    const all = memoryIo();
    await main(['models', '--json'], all);
    expect(JSON.parse(all.stdout[0]!)).toHaveLength(61);
  });

  it('counts every listed net with --counts', async () => {
    const io = memoryIo();
    expect(await main(['models', '--dataset', 'imagenet', '--counts', '--json'], io)).toBe(0);
    const list = JSON.parse(io.stdout[0]!) as {
      name: string;
      params: number;
      paramsWithBn: number;
    }[];
    expect(list.find((e) => e.name === 'igc-l4m32-ident-imagenet')).toMatchObject({
      params: 12_232_040,
      paramsWithBn: 12_251_240,
    });
    const text = memoryIo();
    expect(await main(['models', '--dataset', 'imagenet', '--counts'], text)).toBe(0);
    expect(text.stdout[0]).toMatch(
      /^resnet18\s.*11\.6799 M\s+1\.814 G\s+31\.06%\s+11\.6799 M\s+11\.6895 M\s+1\.814 G$/m,
    );
  });

  it('rejects a bad --dataset with usage', async () => {
    const io = memoryIo();
    expect(await main(['models', '--dataset', 'mnist'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/--dataset must be cifar or imagenet/);
  });
});
