import { fileURLToPath } from 'node:url';
import { checkBrowserEntry } from '@igcnet/browser-clean';
import { describe, expect, it } from 'vitest';

// The browser entry (the `browser` export condition) runs in pages and Web Workers.
describe('browser entry', () => {
  it('./browser.ts reaches no Node built-in and loads without Node globals', async () => {
    const r = await checkBrowserEntry(fileURLToPath(new URL('./browser.ts', import.meta.url)));
    expect(r.nodeImports).toEqual([]);
    expect(r.loadError).toBeUndefined();
  });
});
