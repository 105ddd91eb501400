// Under `mpirun -np N`: the time of one step's gradient sum for a model of --floats parameters,
// in buckets of --bucket-bytes (as @igcnet/trainer's GradientBuckets), after a barrier so that
// only communication is timed. Rank 0 prints one JSON line.
//   mpirun -np 2 node bench/allreduce.mjs --floats 156000 [--bucket-bytes 4194304] [--iters 100]
import { parseArgs } from 'node:util';
import { init } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    floats: { type: 'string' },
    'bucket-bytes': { type: 'string', default: String(4 << 20) },
    iters: { type: 'string', default: '100' },
  },
});
const floats = Number(values.floats);
const bucket = Math.floor(Number(values['bucket-bytes']) / 4);
const iters = Number(values.iters);
if (!(floats > 0 && bucket > 0 && iters > 0)) {
  console.error('usage: allreduce.mjs --floats N [--bucket-bytes B] [--iters K]');
  process.exit(2);
}
const w = init();
const buckets = [];
for (let left = floats; left > 0; left -= bucket)
  buckets.push(new Float32Array(Math.min(bucket, left)).fill(1));
const times = [];
for (let i = 0; i < iters + 5; i++) {
  w.barrier();
  const t0 = performance.now();
  for (const b of buckets) w.allreduce(b, 'sum');
  if (i >= 5) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
if (w.rank === 0) {
  const median = times[Math.floor(times.length / 2)];
  console.log(
    JSON.stringify({
      ranks: w.size,
      floats,
      buckets: buckets.length,
      medianMs: Number(median.toFixed(3)),
      minMs: Number(times[0].toFixed(3)),
      busGBps: Number(
        ((((2 * (w.size - 1)) / w.size) * floats * 4) / (median / 1000) / 1e9).toFixed(2),
      ),
    }),
  );
}
w.finalize();
