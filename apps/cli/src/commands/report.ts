import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ReportRun, renderReport, writeFileAtomic } from '@igcnet/trainer/node';
import { type Command, flag, stringOption, UsageError } from '../command.js';
import type { Io } from '../io.js';
import { RunReader } from '../runtime/run_folder.js';
import { numeric } from './numeric-options.js';

/** Aborts on Ctrl-C or SIGTERM unless the caller brings its own signal (tests). */
function stopSignal(io: Io): { signal: AbortSignal; release: () => void } {
  if (io.signal) return { signal: io.signal, release: () => {} };
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: ac.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

function titleOf(runs: readonly ReportRun[]): string {
  if (runs.length > 1) return `igcnet runs: ${runs.map((r) => r.name).join(' vs ')}`;
  const { facts, name } = runs[0]!;
  return `igcnet run: ${facts.model ?? name}${facts.dataset ? ` on ${facts.dataset}` : ''}`;
}

/** `igc report RUN…`: an HTML page of one or more runs, optionally kept up to date. */
export const report: Command = {
  path: ['report'],
  summary:
    'Write an HTML report of runs: step-level curves, runs compared on shared axes, confusion matrix',
  usage: 'RUN_DIR... [--out FILE] [--smoothing W] [--watch [--interval S]] [--json]',
  help: [
    'Each RUN_DIR is the --out folder of igc train (metrics.jsonl; checkpoint.safetensors and',
    'eval.json when present). Several runs share the charts and get a row each in the table.',
    'Options:',
    '  --out FILE      where to write the page (default RUN_DIR/report.html for one run,',
    '                  ./report.html for several)',
    '  --smoothing W   initial smoothing of the step-level curves, 0 to 0.999 (default 0.6)',
    '  --watch         regenerate the page whenever the runs change (the page reloads itself)',
    '                  until Ctrl-C; follow a run in a browser while it trains',
    '  --interval S    seconds between checks and page reloads with --watch (default 5)',
    '  --json          print {"report", "epochs", "runs": [{"name", "dir", "epochs", "stepLines", "eval"}]}',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    smoothing: { type: 'string' },
    watch: { type: 'boolean' },
    interval: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('name at least one run folder');
    const dirs = args.positionals.map((d) => resolve(io.cwd, d));
    const smoothing = numeric(args, 'smoothing');
    const interval = numeric(args, 'interval') ?? 5;
    const out = resolve(
      io.cwd,
      stringOption(args, 'out') ??
        (dirs.length === 1 ? join(dirs[0]!, 'report.html') : 'report.html'),
    );
    const reader = new RunReader(io.cwd);
    const names = reader.names(dirs);
    const write = async (reloadSeconds?: number): Promise<ReportRun[]> => {
      const runs = await Promise.all(dirs.map((d, i) => reader.read(d, names[i]!)));
      const html = renderReport(runs, {
        title: titleOf(runs),
        ...(smoothing !== undefined ? { smoothing } : {}),
        ...(reloadSeconds !== undefined ? { reloadSeconds } : {}),
      });
      await writeFileAtomic(out, html);
      return runs;
    };
    const done = (runs: readonly ReportRun[]) => {
      if (flag(args, 'json')) {
        io.out(
          JSON.stringify({
            report: out,
            epochs: runs[0]!.metrics.epochs.length,
            runs: runs.map((r, i) => ({
              name: r.name,
              dir: dirs[i],
              epochs: r.metrics.epochs.length,
              stepLines: r.metrics.logs.length,
              eval: r.eval !== undefined,
            })),
          }),
        );
      } else {
        const what = runs.map(
          (r) =>
            `${r.name}: ${r.metrics.epochs.length} epochs, ${r.metrics.logs.length} step lines`,
        );
        io.out(`wrote ${out} (${what.join('; ')})`);
      }
    };
    if (!flag(args, 'watch')) {
      done(await write());
      return 0;
    }

    const { signal, release } = stopSignal(io);
    io.err(
      `igc report: watching ${dirs.length} run(s); ${out} is regenerated as they change (Ctrl-C stops)`,
    );
    let seen = '';
    let lastError = '';
    try {
      while (!signal.aborted) {
        const stamp = await reader.stamp(dirs);
        if (stamp !== seen) {
          try {
            await write(interval);
            seen = stamp;
            lastError = '';
          } catch (e) {
            // A run that has not written its first line yet: keep waiting, say so once.
            const msg = (e as Error).message;
            if (msg !== lastError) io.err(`igc report: waiting (${msg})`);
            lastError = msg;
          }
        }
        await sleep(interval * 1000, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      release();
    }
    // The last page does not reload itself.
    done(await write());
    return 0;
  },
};
