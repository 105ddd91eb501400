import { resolve } from 'node:path';
import {
  type DownloadableDataset,
  type DownloadProgress,
  downloadDataset,
  SOURCES,
} from '@igcnet/datasets';
import { type Command, flag, stringOption, UsageError } from '../command.js';

const NAMES = Object.keys(SOURCES) as DownloadableDataset[];

function progressPrinter(err: (text: string) => void): (p: DownloadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 1000 && p.received !== p.total) return;
    last = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const pct = p.total ? ` (${Math.floor((100 * p.received) / p.total)}%)` : '';
    err(
      `${p.file.replace(/\.part$/, '')}: ${mb(p.received)}${p.total ? ` of ${mb(p.total)}` : ''} MB${pct}${p.resumed ? ', resumed' : ''}`,
    );
  };
}

/** `igc datasets download <name> --dir D`. */
export const datasetsDownload: Command = {
  path: ['datasets', 'download'],
  summary: 'Download a dataset from its official source, verify its checksums, unpack it safely',
  usage: `<${NAMES.join('|')}> --dir DIR [--json]`,
  help: [
    'Options:',
    '  --dir DIR          download directory (the dataset lands in a folder inside it)',
    '  --base-url URL     fetch files from URL/<file name> instead of the official URLs',
    '                     (also the IGCNET_DATASETS_BASE_URL environment variable)',
    '  --force            replace an existing dataset folder',
    '  --skip-extra       svhn: leave out the 1.3 GB extra_32x32.mat',
    '  --keep-archives    keep the downloaded archives after unpacking',
    '  --json             print the result as JSON',
    '',
    'A server silent for 30 s is dropped and the download resumes (3 times, then it fails);',
    'an interrupted download also resumes on the next run. Files larger than their published',
    'size, https → http redirects and archives with links out of the dataset folder are refused.',
    'The dataset folder appears only once it is complete (it then holds a .igc-complete marker).',
  ].join('\n'),
  options: {
    dir: { type: 'string' },
    'base-url': { type: 'string' },
    force: { type: 'boolean' },
    'skip-extra': { type: 'boolean' },
    'keep-archives': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (name === undefined || extra.length > 0) throw new UsageError('name exactly one dataset');
    if (!NAMES.includes(name as DownloadableDataset)) {
      throw new UsageError(`unknown dataset "${name}"; expected one of ${NAMES.join(', ')}`);
    }
    const dir = stringOption(args, 'dir');
    if (dir === undefined) throw new UsageError('--dir is required');
    const result = await downloadDataset(name as DownloadableDataset, {
      dir: resolve(io.cwd, dir),
      baseUrl: stringOption(args, 'base-url'),
      force: flag(args, 'force'),
      svhnExtra: !flag(args, 'skip-extra'),
      keepArchives: flag(args, 'keep-archives'),
      onProgress: progressPrinter((t) => io.err(t)),
    });
    if (flag(args, 'json')) io.out(JSON.stringify(result));
    else
      io.out(
        `${result.dataset}: ${result.alreadyPresent ? 'already downloaded in' : 'ready in'} ${result.path}`,
      );
    return 0;
  },
};
