import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layersFlags } from './flags.js';

describe('layersFlags', () => {
  it('are listed in the README, defaults included, exactly as declared', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(layersFlags.missingFrom(readme)).toEqual([]);
  });
});
