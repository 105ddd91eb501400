import type { Shape } from '@igcnet/tensor';
import { BatchNorm2d } from '../layers/batchnorm2d.js';
import type { Module } from '../module/module.js';

/** One leaf layer of a summary. */
export interface LayerRow {
  /** Dotted path, e.g. `stages.1.blocks.0.conv1.primary`. */
  name: string;
  /** Class name, e.g. `PrimaryGroupConv`. */
  type: string;
  /** Settings as `toString` shows them. */
  settings: string;
  /** Per-sample input shape [C, H, W] (or [F]). */
  inShape: Shape;
  /** Per-sample output shape. */
  outShape: Shape;
  /** Trainable parameter elements other than BN's (conv and FC weights and biases). */
  params: number;
  /** BN γ and β elements. */
  bnParams: number;
  /** Multiply-adds for one sample. */
  macs: number;
}

/** What `summarize` reports. */
export interface ModelSummary {
  /** The input shape the summary is for (one sample). */
  inputShape: Shape;
  /** The output shape for one sample. */
  outputShape: Shape;
  /** Every leaf in forward order. */
  rows: LayerRow[];
  /** Conv + FC weights and biases: the paper's convention (no BN). */
  params: number;
  /** BN γ and β. */
  bnParams: number;
  /** `params + bnParams`: what MXNet's `cal_params` logs. */
  paramsWithBn: number;
  /** Buffer elements (BN running statistics, fixed kernels): saved, never trained. */
  bufferElements: number;
  /** Multiply-adds for one sample: conv weights × output positions plus FC in × out. */
  macs: number;
}

/**
 * Counts parameters per layer and in total, with and without BN, and multiply-adds for one
 * sample of `inputShape` ([C, H, W]), from the module shapes alone: nothing runs. MACs follow
 * the paper's convention: conv = weight elements × output positions, FC = in × out; BN, ReLU,
 * pooling, permutations and the shortcut addition count zero.
 */
export function summarize(model: Module, inputShape: Shape): ModelSummary {
  const rows: LayerRow[] = [];
  const outputShape = model.traceShapes(inputShape, (name, m, inShape, outShape) => {
    const own = m.ownParameters().filter(([, v]) => v.trainable);
    const count = own.reduce((s, [, v]) => s + v.size, 0);
    const isBn = m instanceof BatchNorm2d;
    rows.push({
      name,
      type: m.constructor.name,
      settings: m.extraRepr(),
      inShape,
      outShape,
      params: isBn ? 0 : count,
      bnParams: isBn ? count : 0,
      macs: m.macs(inShape, outShape),
    });
  });
  const params = rows.reduce((s, r) => s + r.params, 0);
  const bnParams = rows.reduce((s, r) => s + r.bnParams, 0);
  // Parameters the trace did not reach (a module unused in forward) would make the totals lie.
  const traced = params + bnParams;
  const declared = model
    .namedParameters()
    .filter(([, v]) => v.trainable)
    .reduce((s, [, v]) => s + v.size, 0);
  if (traced !== declared) {
    throw new Error(
      `summarize: the trace reached ${traced} parameters but the model holds ${declared}`,
    );
  }
  return {
    inputShape,
    outputShape,
    rows,
    params,
    bnParams,
    paramsWithBn: params + bnParams,
    bufferElements: model.namedBuffers().reduce((s, [, v]) => s + v.size, 0),
    macs: rows.reduce((s, r) => s + r.macs, 0),
  };
}
