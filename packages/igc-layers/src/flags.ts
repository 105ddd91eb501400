import { boolFlag, defineFlags } from '@igcnet/tensor';

/** The layers' flags: the only place this package reads environment variables. */
export const layersFlags = defineFlags('@igcnet/layers', {
  fuseBnRelu: boolFlag({
    env: 'IGCNET_FUSE_BN_RELU',
    doc: 'In training, run a BatchNorm2d followed by a ReLU (in Sequential and BasicBlock) as one batchNormRelu: one kernel forward and one backward instead of BN, Relu, and BN grad, Step, Mul. 0 runs them apart (before/after comparisons); the values agree either way. Read at every forward.',
    default: true,
  }),
});
