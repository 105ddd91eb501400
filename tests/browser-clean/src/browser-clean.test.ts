import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBrowserEntry } from './index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('checkBrowserEntry', () => {
  it('passes a module that uses web APIs only', async () => {
    const r = await checkBrowserEntry(fixture('clean.ts'));
    expect(r.nodeImports).toEqual([]);
    expect(r.loadError).toBeUndefined();
    expect(r.bytes).toBeGreaterThan(0);
  });

  it('names every Node built-in reached, with the chain of files from the entry', async () => {
    const r = await checkBrowserEntry(fixture('reaches-fs.ts'));
    expect(r.nodeImports).toEqual([
      { module: 'node:fs', chain: ['reaches-fs.ts', 'reads-file.ts', 'node:fs'] },
      { module: 'path', chain: ['reaches-fs.ts', 'reads-file.ts', 'path'] },
    ]);
  });

  it("reports a module that touches Node's globals while it loads", async () => {
    const r = await checkBrowserEntry(fixture('reads-env.ts'));
    expect(r.nodeImports).toEqual([]);
    expect(r.loadError).toMatch(/process is not defined/);
  });
});
