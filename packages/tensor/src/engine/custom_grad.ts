import { Tensor } from '../core/tensor.js';
import { ENGINE } from './engine.js';

/** What the function given to {@link customGrad} returns. */
export interface CustomGradResult {
  /** The forward value. */
  value: Tensor;
  /**
   * The gradients of the inputs, in order, given the gradient `dy` of the value (null for an
   * input that gets none). It runs during backprop, unrecorded, and may read the inputs, the
   * value, tensors passed to `save`, and anything host-side the forward kept in its closure.
   */
  gradFunc: (dy: Tensor) => (Tensor | null)[];
}

/**
 * Defines a differentiable function by its forward computation and its own gradient, like
 * `tf.customGrad` or a `torch.autograd.Function`: for gradients that the composition of ops
 * would get wrong or slowly, or that need work outside the tape (a collective across
 * processes in synchronised batch norm). `f` runs without recording; only the returned function
 * appears on the tape, as one node whose gradient is `gradFunc`. Intermediates that `gradFunc`
 * reads must be passed to `save`, which keeps them alive until the recording ends. Outside a
 * gradient recording the function returns the value and frees the saved tensors.
 *
 * ```ts
 * // y = x³ with the gradient written out.
 * const cube = customGrad(([x], save) => {
 *   const x2 = mul(x!, x!);
 *   save(x2);
 *   return { value: mul(x2, x!), gradFunc: (dy) => [mul(dy, mul(x2, 3))] };
 * });
 * ```
 */
export function customGrad(
  f: (inputs: Tensor[], save: (...tensors: Tensor[]) => void) => CustomGradResult,
): (...inputs: Tensor[]) => Tensor {
  return (...inputs) => {
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw new Error(`customGrad: input ${i} must be a Tensor, got ${typeof t}`);
      t.assertAlive('customGrad');
    });
    const saved: Tensor[] = [];
    const { value, gradFunc } = ENGINE.noGrad(() => f(inputs, (...ts) => saved.push(...ts)));
    if (!(value instanceof Tensor))
      throw new Error('customGrad: f must return { value: Tensor, gradFunc }');
    if (!ENGINE.recording()) {
      // Nothing will read them: free what the forward saved (not the value or the inputs).
      for (const t of saved) if (t !== value && !inputs.includes(t)) t.dispose();
      return value;
    }
    ENGINE.recordNode({
      name: 'CustomGrad',
      inputs,
      outputs: [value],
      saved,
      grad: ([dy]) => {
        const gs = gradFunc(dy!);
        if (!Array.isArray(gs) || gs.length !== inputs.length) {
          throw new Error(
            `customGrad: gradFunc returned ${Array.isArray(gs) ? gs.length : typeof gs} gradients for ${inputs.length} inputs`,
          );
        }
        return gs;
      },
    });
    return value;
  };
}
