import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';

describe('igc info', () => {
  it('prints the layer table, totals, stage widths, equal budget and reference checks', async () => {
    const io = memoryIo();
    expect(await main(['info', 'igc-l24m2-d20'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(
      /^stages\.1\.blocks\.0\.conv\.primary\s+PrimaryGroupConv\s+\[96,16,16\]\s+1,728\s+0\s+442,368$/m,
    );
    expect(out).toContain('params (conv + FC): 151,834 (0.1518 M)');
    expect(out).toMatch(/MACs:\s+28,755,840 \(28\.8 M\)/);
    expect(out).toContain('stage 3: width 192, 6 units, stride 2  (L=24, M=8)');
    expect(out).toContain('as a regular 3×3 conv of width 14.97');
    expect(out).toContain('reference params: paper.md 0.1518 M, ours 0.1518 M ✓');
    expect(out).not.toMatch(/\bReLU\b/);
  });

  it('prints JSON with params, paramsWithBn and macs, and honours --num-classes', async () => {
    const io = memoryIo();
    expect(await main(['info', 'resnet18', '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout[0]!);
    expect(r).toMatchObject({ params: 11_679_912, paramsWithBn: 11_689_512, numClasses: 1000 });
    expect((r.macs / 1e9).toFixed(3)).toBe('1.814');
    const c100 = memoryIo();
    expect(
      await main(['info', 'igc-l32m26-ident-d20', '--num-classes', '100', '--json'], c100),
    ).toBe(0);
    const big = JSON.parse(c100.stdout[0]!);
    expect((big.params / 1e6).toFixed(4)).toBe('24.4334');
    expect(big.checks).toEqual([
      { quantity: 'paramsC100', expected: '24.4334', actual: '24.4334', scale: 1e6, ok: true },
    ]);
  });

  it('explains an unknown model and a bad --num-classes', async () => {
    const io = memoryIo();
    expect(await main(['info', 'resnet50'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/unknown model 'resnet50'/);
    const bad = memoryIo();
    expect(await main(['info', 'resnet18', '--num-classes', 'x'], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/--num-classes must be a whole number from 1 to 100000, got 'x'/);
  });
});
