import type { Command } from '../command.js';
import { datasetsDownload } from './datasets-download.js';
import { datasetsInspect } from './datasets-inspect.js';
import { info } from './info.js';
import { models } from './models.js';

/** Every `igc` command, in the order `igc --help` lists them. Add new commands here. */
export const commands: readonly Command[] = [datasetsDownload, datasetsInspect, models, info];
