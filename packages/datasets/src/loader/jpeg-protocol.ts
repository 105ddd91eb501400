import type { CropPlan } from '../transforms/crop-plan.js';

/** A job posted to a decode worker. */
export interface DecodeJob {
  readonly id: number;
  readonly file: string;
  readonly plan: CropPlan;
  readonly seed: number;
}

/** A decode worker's answer; `data` is transferred, not copied. */
export type DecodeReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly data: Uint8Array;
      readonly shape: [number, number, number];
    }
  | { readonly id: number; readonly ok: false; readonly error: string };
