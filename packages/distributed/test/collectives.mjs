// Run by world.test.ts under `mpirun -np N`: exercises every collective of the built package and
// prints one JSON line per rank with what it saw.
import { allreduce, barrier, broadcast, finalize, init } from '../dist/index.js';

const w = init();
const { rank, size } = w;
const failures = [];
const expect = (ok, what) => {
  if (!ok) failures.push(what);
};
const value = (r, i) => (r + 1) * ((i % 13) - 6) + 0.25 * r;

// Odd lengths, every dtype, sum and max.
for (const n of [1, 7, 1001]) {
  const f32 = Float32Array.from({ length: n }, (_, i) => value(rank, i));
  allreduce(f32, 'sum');
  const f64 = Float64Array.from({ length: n }, (_, i) => value(rank, i) / 3);
  w.allreduce(f64, 'sum');
  const i32 = Int32Array.from({ length: n }, (_, i) => (rank + 1) * (i - 3));
  allreduce(i32, 'max');
  const mx = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * value(rank, i));
  allreduce(mx, 'max');
  for (let i = 0; i < n; i++) {
    let s = 0;
    let s64 = 0;
    let m = -Infinity;
    let mi = -Infinity;
    for (let r = 0; r < size; r++) {
      s += value(r, i);
      s64 += value(r, i) / 3;
      m = Math.max(m, (i % 2 ? -1 : 1) * value(r, i));
      mi = Math.max(mi, (r + 1) * (i - 3));
    }
    expect(f32[i] === Math.fround(s), `f32 sum n=${n} i=${i}: ${f32[i]} ≠ ${s}`);
    expect(Math.abs(f64[i] - s64) <= 1e-12 * Math.max(1, Math.abs(s64)), `f64 sum n=${n} i=${i}`);
    expect(mx[i] === Math.fround(m), `f32 max n=${n} i=${i}: ${mx[i]} ≠ ${m}`);
    expect(i32[i] === mi, `i32 max n=${n} i=${i}: ${i32[i]} ≠ ${mi}`);
  }
}

// A large buffer (32 MiB + 12 bytes), odd length.
const big = new Float32Array((1 << 23) + 3);
for (let i = 0; i < big.length; i++) big[i] = (rank + 1) * ((i & 1023) + 1);
allreduce(big, 'sum');
const tri = (size * (size + 1)) / 2;
let bad = 0;
for (let i = 0; i < big.length; i++) if (big[i] !== tri * ((i & 1023) + 1)) bad++;
expect(bad === 0, `large allreduce: ${bad} wrong values`);

// Broadcast from the last rank: bytes, floats, a view into a larger buffer.
const root = size - 1;
const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (rank === root ? (i * 7) & 255 : 0));
broadcast(bytes, root);
expect(
  bytes.every((b, i) => b === ((i * 7) & 255)),
  'broadcast of bytes',
);
const backing = new Float64Array(10).fill(-1);
const view = backing.subarray(3, 8);
if (rank === root) view.set([1, 2, 3, 4, 5]);
w.broadcast(view, root);
expect(
  Array.from(backing).join() === [-1, -1, -1, 1, 2, 3, 4, 5, -1, -1].join(),
  `broadcast into a view: ${Array.from(backing)}`,
);
const bigB = new Float32Array((1 << 22) + 1);
if (rank === 0) for (let i = 0; i < bigB.length; i++) bigB[i] = i % 4099;
broadcast(bigB);
let badB = 0;
for (let i = 0; i < bigB.length; i++) if (bigB[i] !== i % 4099) badB++;
expect(badB === 0, `large broadcast: ${badB} wrong values`);

// Errors are thrown before MPI sees them.
const errors = [];
for (const f of [
  () => allreduce(new Uint8Array(3), 'sum'),
  () => allreduce(new Float32Array(3), 'prod'),
  () => broadcast(new Float32Array(3), size),
]) {
  try {
    f();
  } catch (e) {
    errors.push(e.message);
  }
}
barrier();
console.log(
  JSON.stringify({
    rank,
    size,
    localRank: w.localRank,
    localSize: w.localSize,
    library: w.library,
    failures,
    errors,
  }),
);
finalize();
