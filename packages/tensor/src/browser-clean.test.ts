import { fileURLToPath } from 'node:url';
import { checkBrowserEntry } from '@igcnet/browser-clean';
import { describe, expect, it } from 'vitest';

// Tensors, autograd and the helpers for backend authors run in browsers (the playground).
describe('browser entry', () => {
  it('./index.ts reaches no Node built-in and loads without Node globals', async () => {
    const r = await checkBrowserEntry(fileURLToPath(new URL('./index.ts', import.meta.url)));
    expect(r.nodeImports).toEqual([]);
    expect(r.loadError).toBeUndefined();
  });
  it('./backend/index.ts reaches no Node built-in and loads without Node globals', async () => {
    const r = await checkBrowserEntry(
      fileURLToPath(new URL('./backend/index.ts', import.meta.url)),
    );
    expect(r.nodeImports).toEqual([]);
    expect(r.loadError).toBeUndefined();
  });
});
