import { readFile, stat } from 'node:fs/promises';
import { DatasetError } from '../errors.js';

/** Whether a path exists (any kind). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a whole file, naming it in the error when that fails. */
export async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new DatasetError(file, why, { cause: error });
  }
}

/** Reads a list of names, one per line, dropping blank lines. */
export async function readNameList(file: string, expected: number): Promise<string[]> {
  const text = (await readBytes(file)).toString('utf8');
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (names.length !== expected) {
    throw new DatasetError(file, `has ${names.length} class names, expected ${expected}`);
  }
  return names;
}
