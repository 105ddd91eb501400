import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic.js';
import { checkEvalReport, type EvalReport } from './eval_report.js';

/** Writes `eval.json` atomically. */
export async function writeEvalReport(path: string, r: EvalReport): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(r)}\n`);
}

/** Reads and checks `eval.json`: errors name the file, the field and what was expected. */
export async function readEvalReport(path: string): Promise<EvalReport> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the evaluation report (${(e as Error).message})`);
  }
  return checkEvalReport(path, v);
}
