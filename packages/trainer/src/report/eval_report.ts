import type { Predictions } from '../metrics/evaluate.js';

/** File name of the evaluation report inside a run folder. */
export const EVAL_FILE = 'eval.json';
/** Format marker of {@link EvalReport}. */
export const EVAL_FORMAT = 'igcnet-eval/1';

/** A test image shown in the report, with what the model said of it. */
export interface EvalSample {
  /** Index in the test split. */
  index: number;
  label: number;
  predicted: number;
  /** Softmax probability of `predicted`. */
  confidence: number;
  /** The image as a `data:` URL (PNG), when one was attached. */
  image?: string;
}

/** What `igc train` (at its end) and `igc eval --report` record of a test pass. */
export interface EvalReport {
  format: typeof EVAL_FORMAT;
  /** `train` or `eval`: which command wrote it. */
  source: string;
  model: string;
  dataset: string;
  split: string;
  /** Epochs of training behind the weights. */
  epoch: number;
  count: number;
  top1Error: number;
  classNames: string[];
  /** `confusion[t][p]`: test images of class t predicted as p; sums to `count`. */
  confusion: number[][];
  /** Mistakes first (most confident first), then correct ones (least confident first). */
  samples: EvalSample[];
}

/** Counts of (true class, predicted class) pairs. */
export function confusionMatrix(
  labels: Int32Array,
  predicted: Int32Array,
  classes: number,
): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (t < 0 || t >= classes || p < 0 || p >= classes)
      throw new Error(
        `confusionMatrix: example ${i} has class ${t} → ${p}, outside [0, ${classes})`,
      );
    m[t]![p]!++;
  }
  return m;
}

/** Accuracy of one class and the class it is most often mistaken for. */
export interface ClassAccuracy {
  count: number;
  correct: number;
  /** NaN when the class has no test images. */
  accuracy: number;
  /** The most frequent wrong prediction, if any. */
  confusedWith?: { cls: number; count: number };
}

/** Per-class accuracy from a confusion matrix. */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): ClassAccuracy[] {
  return confusion.map((row, t) => {
    const count = row.reduce((a, b) => a + b, 0);
    const correct = row[t] ?? 0;
    let best: { cls: number; count: number } | undefined;
    row.forEach((c, p) => {
      if (p !== t && c > 0 && (best === undefined || c > best.count)) best = { cls: p, count: c };
    });
    return {
      count,
      correct,
      accuracy: count ? correct / count : Number.NaN,
      ...(best ? { confusedWith: best } : {}),
    };
  });
}

/** Picks up to `max` examples: mistakes by descending confidence, then the least sure hits. */
export function pickSamples(p: Predictions, max = 48): EvalSample[] {
  const all = Array.from(p.labels, (label, i) => ({
    index: p.indices[i]!,
    label,
    predicted: p.predicted[i]!,
    confidence: p.confidence[i]!,
  }));
  const wrong = all
    .filter((s) => s.label !== s.predicted)
    .sort((a, b) => b.confidence - a.confidence);
  const right = all
    .filter((s) => s.label === s.predicted)
    .sort((a, b) => a.confidence - b.confidence);
  return [...wrong, ...right].slice(0, max);
}

/** Builds the report of a test pass (without images; attach them to `samples[i].image`). */
export function buildEvalReport(
  p: Predictions,
  info: Pick<EvalReport, 'source' | 'model' | 'dataset' | 'split' | 'epoch' | 'classNames'>,
  maxSamples = 48,
): EvalReport {
  const confusion = confusionMatrix(p.labels, p.predicted, info.classNames.length);
  const correct = confusion.reduce((a, row, t) => a + row[t]!, 0);
  return {
    format: EVAL_FORMAT,
    ...info,
    classNames: [...info.classNames],
    count: p.labels.length,
    top1Error: p.labels.length ? 1 - correct / p.labels.length : 0,
    confusion,
    samples: pickSamples(p, maxSamples),
  };
}

function fail(path: string, field: string, expected: string): never {
  throw new Error(`${path}: field '${field}' must be ${expected}`);
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * Checks a parsed `eval.json` (`path` names it in errors): errors name the file, the field and
 * what was expected.
 */
export function checkEvalReport(path: string, v: unknown): EvalReport {
  if (typeof v !== 'object' || v === null) fail(path, '(root)', 'a JSON object');
  const r = v as Partial<EvalReport>;
  if (r.format !== EVAL_FORMAT) fail(path, 'format', `'${EVAL_FORMAT}'`);
  for (const k of ['source', 'model', 'dataset', 'split'] as const)
    if (typeof r[k] !== 'string') fail(path, k, 'a string');
  for (const k of ['epoch', 'count'] as const) if (!isCount(r[k])) fail(path, k, 'a count');
  if (typeof r.top1Error !== 'number') fail(path, 'top1Error', 'a number');
  const names = r.classNames;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string'))
    fail(path, 'classNames', 'a non-empty array of strings');
  const c = names.length;
  const m = r.confusion;
  if (
    !Array.isArray(m) ||
    m.length !== c ||
    !m.every((row) => Array.isArray(row) && row.length === c && row.every(isCount))
  )
    fail(path, 'confusion', `a ${c}×${c} matrix of counts`);
  const total = m.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  if (total !== r.count)
    fail(path, 'confusion', `counts summing to 'count' (${r.count}), not ${total}`);
  if (!Array.isArray(r.samples)) fail(path, 'samples', 'an array');
  r.samples.forEach((s, i) => {
    const ok =
      typeof s === 'object' &&
      s !== null &&
      isCount(s.index) &&
      isCount(s.label) &&
      s.label < c &&
      isCount(s.predicted) &&
      s.predicted < c &&
      typeof s.confidence === 'number' &&
      (s.image === undefined || (typeof s.image === 'string' && s.image.startsWith('data:image/')));
    if (!ok)
      fail(
        path,
        `samples[${i}]`,
        `{index, label, predicted < ${c}, confidence, image?: data:image/… URL}`,
      );
  });
  return r as EvalReport;
}
