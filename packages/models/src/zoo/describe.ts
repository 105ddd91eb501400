import {
  type Igcv2Choice,
  igcParams,
  igcv2Choices,
  type LayerRow,
  regularWidthAtBudget,
  summarize,
} from '@igcnet/layers';
import type { StageInfo } from '../common/network.js';
import { formatLike, matchesReference, type Quantity, type ReferenceNumbers } from './reference.js';
import { createModel, modelEntry } from './registry.js';

/** One reference check: the printed value, ours in the same unit and precision, and agreement. */
export interface ReferenceCheck {
  quantity: 'params' | 'paramsWithBn' | 'paramsC100' | 'macs';
  expected: string;
  actual: string;
  /** The unit of both strings: 1, 1e6 or 1e9. */
  scale: number;
  ok: boolean;
}

/** Everything `igc info` prints, JSON-friendly. */
export interface ModelReport {
  name: string;
  title: string;
  dataset: 'cifar' | 'imagenet';
  numClasses: number;
  inputShape: number[];
  /** Conv + FC weights and biases (the paper's convention). */
  params: number;
  /** Plus BN γ and β. */
  paramsWithBn: number;
  bnParams: number;
  /** Multiply-adds for one sample of `inputShape`. */
  macs: number;
  stemWidth: number;
  stages: StageInfo[];
  /** IGCV3 and MobileNetV2: the width multiplier and the channels of the last 1×1 conv. */
  widthMultiplier?: number;
  headWidth?: number;
  layers: LayerRow[];
  /**
   * For an IGC net: the per-layer budget of its first-stage IGC, G²(S/L + 1/M), and the
   * regular-conv width with the same budget, √(T/S) (paper.md §1.5); beside it, the IGCV2 blocks
   * of the same width G: a 3×3 channel-wise conv and L − 1 group 1×1 convs with K channels per
   * group, L ≈ log_K(G) + 1, G·(9 + ΣK_l) parameters each, fewest first.
   */
  equalBudget?: {
    L: number;
    M: number;
    width: number;
    layerParams: number;
    regularWidth: number;
    igcv2: Igcv2Choice[];
  };
  reference?: ReferenceNumbers;
  /** Our counts against the reference, where the head matches the reference's. */
  checks: ReferenceCheck[];
}

/** Options of `describeModel`. */
export interface DescribeOptions {
  /** Classifier outputs; the entry's default when absent. */
  numClasses?: number;
  /** Input channels; defaults to 3. */
  inChannels?: number;
}

/**
 * Builds a network with zero weights (cheap), counts it from its shapes, compares the counts to
 * paper.md's reference numbers, and frees it.
 */
export function describeModel(name: string, opts: DescribeOptions = {}): ModelReport {
  const entry = modelEntry(name);
  const numClasses = opts.numClasses ?? entry.numClasses;
  const inChannels = opts.inChannels ?? 3;
  const model = createModel(name, { numClasses, inChannels, init: 'zeros' });
  try {
    const inputShape: [number, number, number] = [
      inChannels,
      entry.inputShape[1],
      entry.inputShape[2],
    ];
    const s = summarize(model, inputShape);
    const ref = entry.reference;
    const checks: ReferenceCheck[] = [];
    const check = (
      quantity: ReferenceCheck['quantity'],
      q: Quantity | undefined,
      actual: number,
    ): void => {
      if (!q) return;
      checks.push({
        quantity,
        expected: q.text,
        actual: formatLike(actual, q),
        scale: q.scale,
        ok: matchesReference(actual, q),
      });
    };
    if (ref && inChannels === 3) {
      if (numClasses === entry.numClasses) {
        check('params', ref.params, s.params);
        check('paramsWithBn', ref.paramsWithBn, s.paramsWithBn);
        check('macs', ref.macs, s.macs);
      }
      if (numClasses === 100) check('paramsC100', ref.paramsC100, s.params);
    }
    const igc = model.spec.igc;
    const report: ModelReport = {
      name: entry.name,
      title: entry.title,
      dataset: entry.dataset,
      numClasses,
      inputShape: [...inputShape],
      params: s.params,
      paramsWithBn: s.paramsWithBn,
      bnParams: s.bnParams,
      macs: s.macs,
      stemWidth: model.spec.stemWidth,
      stages: model.spec.stages,
      ...(model.spec.widthMultiplier !== undefined
        ? { widthMultiplier: model.spec.widthMultiplier }
        : {}),
      ...(model.spec.headWidth !== undefined ? { headWidth: model.spec.headWidth } : {}),
      layers: s.rows,
      ...(ref ? { reference: ref } : {}),
      checks,
    };
    if (igc) {
      const layerParams = igcParams(igc.L, igc.M, 9);
      const width = igc.L * igc.M;
      report.equalBudget = {
        ...igc,
        width,
        layerParams,
        regularWidth: regularWidthAtBudget(layerParams, 9),
        igcv2: igcv2Choices(width, 9),
      };
    }
    return report;
  } finally {
    model.dispose();
  }
}
