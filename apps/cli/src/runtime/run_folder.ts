import { stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { EVAL_FILE } from '@igcnet/trainer';
import {
  CHECKPOINT_FILE,
  loadCheckpoint,
  METRICS_FILE,
  type ReportRun,
  readEvalReport,
  readRunMetrics,
} from '@igcnet/trainer/node';
import { exists } from './files.js';

/** Facts of a checkpoint worth a column in the runs table. */
async function checkpointFacts(path: string): Promise<Record<string, string | number>> {
  const ckpt = await loadCheckpoint(path);
  const { meta } = ckpt;
  const facts: Record<string, string | number> = { model: meta.model };
  if (typeof meta.extra?.dataset === 'string') facts.dataset = meta.extra.dataset;
  // Every trained parameter has a momentum buffer of its shape in the optimiser state.
  let params = 0;
  for (const t of ckpt.optim.values()) params += t.shape.reduce((a, b) => a * b, 1);
  if (params > 0) facts['trained parameters'] = params.toLocaleString('en-US');
  if (typeof meta.extra?.batchSize === 'number') facts['batch size'] = meta.extra.batchSize;
  facts.seed = meta.seed;
  return facts;
}

/**
 * Reads run folders for `igc report`: metrics.jsonl, the checkpoint's facts and eval.json. The
 * checkpoint is read again only when it changes, so a watched run costs little per refresh.
 */
export class RunReader {
  private readonly facts = new Map<
    string,
    { mtimeMs: number; facts: Record<string, string | number> }
  >();

  constructor(private readonly cwd: string) {}

  /** Names for the runs: folder names, or paths from the working folder where those clash. */
  names(dirs: readonly string[]): string[] {
    const base = dirs.map((d) => basename(d));
    return dirs.map((d, i) =>
      base.indexOf(base[i]!) !== base.lastIndexOf(base[i]!) ? relative(this.cwd, d) || d : base[i]!,
    );
  }

  /** A fingerprint of the files a report reads: it changes when any of them does. */
  async stamp(dirs: readonly string[]): Promise<string> {
    const parts: string[] = [];
    for (const d of dirs) {
      for (const f of [METRICS_FILE, CHECKPOINT_FILE, EVAL_FILE]) {
        try {
          const s = await stat(join(d, f));
          parts.push(`${s.mtimeMs}:${s.size}`);
        } catch {
          parts.push('-');
        }
      }
    }
    return parts.join(',');
  }

  /** Reads one run folder. */
  async read(dir: string, name: string): Promise<ReportRun> {
    const metrics = await readRunMetrics(join(dir, METRICS_FILE));
    const ckpt = join(dir, CHECKPOINT_FILE);
    let facts: Record<string, string | number> = {};
    if (await exists(ckpt)) {
      const { mtimeMs } = await stat(ckpt);
      const known = this.facts.get(dir);
      facts = known && known.mtimeMs === mtimeMs ? known.facts : await checkpointFacts(ckpt);
      this.facts.set(dir, { mtimeMs, facts });
    }
    const evalPath = join(dir, EVAL_FILE);
    const ev = (await exists(evalPath)) ? await readEvalReport(evalPath) : undefined;
    return { name, metrics, facts, ...(ev ? { eval: ev } : {}) };
  }
}
