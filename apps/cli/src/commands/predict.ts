import { softmax, tensor, tidy, topk } from '@igcnet/tensor';
import { type Command, flag, stringOption, UsageError } from '../command.js';
import { selectBackend } from '../runtime/backend.js';
import { loadImage } from '../runtime/image.js';
import { restoreModel } from '../runtime/restore.js';
import { numeric, rangeNote } from './numeric-options.js';
import { backendChoice } from './options.js';

/** `igc predict`: the top classes of images under a checkpoint. */
export const predict: Command = {
  path: ['predict'],
  summary: 'Classify images (JPEG, PNG, …) with a checkpoint: top-5 classes and probabilities',
  usage: '--checkpoint C IMAGE... [--top K] [--backend auto|cpu|webgpu] [--json]',
  help: [
    'Images are resized to the model input recorded in the checkpoint (ImageNet: short side',
    '256, centre 224 crop) and normalised with the training normalisation.',
    'Options:',
    `  --top K   ${rangeNote('top')} classes per image (default 5)`,
    '  --json    print [{"file", "predictions": [{"class", "index", "probability"}]}]',
  ].join('\n'),
  options: {
    checkpoint: { type: 'string' },
    top: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const file = stringOption(args, 'checkpoint');
    if (file === undefined) throw new UsageError('--checkpoint is required');
    if (args.positionals.length === 0) throw new UsageError('name at least one image');
    const top = numeric(args, 'top') ?? 5;
    await selectBackend(backendChoice(args), (s) => io.err(s));
    const r = await restoreModel(io.cwd, file);
    try {
      if (!r.imageShape || !r.normalization) {
        throw new Error(
          `${r.path}: the checkpoint does not record its input shape and normalisation (extra.imageShape, extra.normalization)`,
        );
      }
      const shape = r.imageShape;
      const norm = r.normalization;
      const images = await Promise.all(
        args.positionals.map((p) =>
          loadImage(p.startsWith('/') ? p : `${io.cwd}/${p}`, shape, norm),
        ),
      );
      const batch = new Float32Array(images.length * images[0]!.length);
      for (const [i, im] of images.entries()) batch.set(im, i * im.length);
      r.model.eval();
      const logits = tidy(() => r.model.forward(tensor(batch, [images.length, ...shape])));
      const classes = logits.shape[1]!;
      const k = Math.min(top, classes);
      const { values, indices } = tidy(() => topk(softmax(logits), k));
      const [pv, iv] = await Promise.all([values.data(), indices.data()]);
      for (const t of [logits, values, indices]) t.dispose();
      const results = args.positionals.map((f, n) => ({
        file: f,
        predictions: Array.from({ length: k }, (_, j) => {
          const index = iv[n * k + j]!;
          return {
            class: r.classNames?.[index] ?? String(index),
            index,
            probability: pv[n * k + j]!,
          };
        }),
      }));
      if (flag(args, 'json')) io.out(JSON.stringify(results));
      else {
        for (const res of results) {
          io.out(`${res.file}`);
          for (const p of res.predictions)
            io.out(`  ${(100 * p.probability).toFixed(2).padStart(6)}%  ${p.class}`);
        }
      }
      return 0;
    } finally {
      r.model.dispose();
    }
  },
};
