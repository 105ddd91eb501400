import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The charting library's script and style sheet, inlined into every report. */
export interface ChartAssets {
  js: string;
  css: string;
}

let cached: ChartAssets | undefined;

/**
 * Reads uPlot (a small, maintained canvas charting library) from its npm package, so that the
 * report page carries it and needs no network when viewed.
 */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  cached = {
    // A script element ends at the first `</script`, wherever it stands.
    js: read('uPlot.iife.min.js').replace(/<\/script/gi, '<\\/script'),
    css: read('uPlot.min.css'),
  };
  return cached;
}
