import { describe, expect, it } from 'vitest';
import { IGCConv } from '../igc/igc_conv.js';
import { BatchNorm2d } from '../layers/batchnorm2d.js';
import { Conv2d } from '../layers/conv2d.js';
import { Flatten } from '../layers/flatten.js';
import { Linear } from '../layers/linear.js';
import { GlobalAvgPool } from '../layers/pool.js';
import { ReLU } from '../layers/relu.js';
import { Sequential } from '../layers/sequential.js';
import { summarize } from './summary.js';
import { formatSummary } from './table.js';

describe('summarize', () => {
  it('counts parameters with and without BN and MACs per layer', () => {
    const net = new Sequential(
      ['stem', new Conv2d(3, 48, { kernelSize: 3, padding: 1, init: 'zeros' })],
      ['bn0', new BatchNorm2d(48)],
      ['relu0', new ReLU()],
      ['igc', new IGCConv(48, 48, { primaryPartitions: 24, init: 'zeros' })],
      ['bn1', new BatchNorm2d(48)],
      ['pool', new GlobalAvgPool()],
      ['flatten', new Flatten()],
      ['fc', new Linear(48, 10, { init: 'zeros' })],
    );
    const s = summarize(net, [3, 32, 32]);
    expect(s.outputShape).toEqual([10]);
    expect(s.params).toBe(1296 + 2016 + 490);
    expect(s.bnParams).toBe(4 * 48);
    expect(s.paramsWithBn).toBe(s.params + 192);
    expect(s.bufferElements).toBe(4 * 48);
    expect(s.macs).toBe((1296 + 2016) * 1024 + 480);
    const primary = s.rows.find((r) => r.name === 'igc.primary')!;
    expect(primary).toMatchObject({
      type: 'PrimaryGroupConv',
      params: 864,
      macs: 864 * 1024,
      outShape: [48, 32, 32],
    });
    expect(s.rows.map((r) => r.name)).toContain('igc.interleaveBack');
    const text = formatSummary(s, { hideFree: true });
    expect(text).toContain('igc.secondary');
    expect(text).not.toContain('relu0');
    expect(text).toContain('params (conv + FC): 3,802');
    net.dispose();
  });
});
