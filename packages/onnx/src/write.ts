import type { Module } from '@igcnet/layers';
import { writeFileAtomic } from '@igcnet/trainer/node';
import { type ExportOptions, exportOnnx } from './export.js';

/**
 * Exports `model` (see {@link exportOnnx}) and writes it to `path` atomically: the file is
 * complete or absent, never half written. Returns the number of bytes written.
 */
export async function writeOnnx(path: string, model: Module, opts: ExportOptions): Promise<number> {
  const bytes = await exportOnnx(model, opts);
  await writeFileAtomic(path, bytes);
  return bytes.length;
}
