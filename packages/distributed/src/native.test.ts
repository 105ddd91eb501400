import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, missingAddonMessage } from './native.js';

describe('without Open MPI', () => {
  it('names the packages to install, or the rebuild when only the addon is missing', () => {
    expect(missingAddonMessage(false)).toMatch(
      /Open MPI is not installed \(no mpicc on PATH\).*apt-get install openmpi-bin libopenmpi-dev.*pnpm rebuild @igcnet\/distributed/,
    );
    expect(missingAddonMessage(true)).toMatch(
      /the Open MPI addon was not built \(no .*igcnet_mpi\.node\); with Open MPI's openmpi-bin libopenmpi-dev installed, run 'pnpm rebuild @igcnet\/distributed'/,
    );
  });

  it('finds commands on a PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igc-path-'));
    writeFileSync(join(dir, 'mpicc'), '');
    expect(findOnPath('mpicc', `/nonexistent:${dir}`)).toBe(join(dir, 'mpicc'));
    expect(findOnPath('mpicc', '/nonexistent')).toBeUndefined();
  });
});
