import { boolFlag, defineFlags, intFlag } from '@igcnet/tensor';

/**
 * The WebGPU backend's tuning flags: the only place its environment variables are read (in Node;
 * browsers have none and get the defaults). Each is read where it applies (device creation, or
 * each launch), so a benchmark can change one between runs with `gpuFlags.set`.
 */
export const gpuFlags = defineFlags('@igcnet/gpu', {
  subgroups: boolFlag({
    env: 'IGCNET_GPU_SUBGROUPS',
    doc: 'Reduce within subgroups (Sum, Max, ArgMax, batch-norm statistics, softmax rows, the GEMM dot kernel) where the adapter has the feature; 0 keeps workgroup-memory barrier trees. Read when a device is created; `createWebGpuBackend({ subgroups })` overrides it.',
    default: true,
  }),
  smallConv: intFlag({
    env: 'IGCNET_GPU_SMALL_CONV',
    doc: 'Channels per group up to which convs run on the direct small-group kernels rather than a tiled implicit GEMM (blocks of ≤ 8 channels beat a half-empty 16-wide tile); 0 turns the small kernels off.',
    default: 8,
    min: 0,
  }),
  depthwise: boolFlag({
    env: 'IGCNET_GPU_DEPTHWISE',
    doc: 'Run depthwise convs (groups = channels) on the row-strip kernels that keep an input row segment in registers; 0 sends them to the small-group kernels (for comparisons). Read at each launch.',
    default: true,
  }),
  vec4: boolFlag({
    env: 'IGCNET_GPU_VEC4',
    doc: 'Let the tiled GEMM load vec4 tiles where the layout is aligned; 0 forces scalar loads (for comparisons).',
    default: true,
  }),
  directK: intFlag({
    env: 'IGCNET_GPU_DIRECT_K',
    doc: "GEMMs with K up to this run on the untiled direct kernel instead of the tiled one (a tile's reuse does not pay for short reductions).",
    default: 32,
    min: 0,
  }),
});
