import type { Command } from '../command.js';
import { datasetsDownload } from './datasets-download.js';
import { datasetsInspect } from './datasets-inspect.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { info } from './info.js';
import { models } from './models.js';
import { predict } from './predict.js';
import { report } from './report.js';
import { train } from './train.js';

/** Every `igc` command, in the order `igc --help` lists them. Add new commands here. */
export const commands: readonly Command[] = [
  datasetsDownload,
  datasetsInspect,
  models,
  info,
  train,
  evalCommand,
  predict,
  report,
  exportCommand,
];
