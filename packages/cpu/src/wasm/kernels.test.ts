import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('kernels.wasm.ts', () => {
  it('matches a fresh compile of assembly/*.as', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    // Throws (non-zero exit) when the committed module is stale.
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
    // A full asc compile: seconds alone, minutes on a machine busy with the other suites.
  }, 300_000);
});
