import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetsFlags } from './flags.js';

describe('datasetsFlags', () => {
  it('are listed in the README, defaults included, exactly as declared', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(datasetsFlags.missingFrom(readme)).toEqual([]);
  });
});
