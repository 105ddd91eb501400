// One process of the network benchmark: it loads one tree's packages (trees.mjs), prepares the
// steps the driver (zoo.mjs) asks for and times them one at a time. Each tree, and onnxruntime,
// runs in a process of its own, so no step shares a heap, a garbage collector or worker threads
// with another's, and the process's CPU time is the step's own.
//   node host.mjs <root> <label>
import { prepareForward, prepareInfer, prepareOrtOf, prepareTrain, w3Module } from './measures.mjs';
import { loadTree } from './trees.mjs';

const [root, label] = process.argv.slice(2);
const tree = await loadTree(root, label);
const steps = new Map();

async function prepare(m) {
  switch (m.kind) {
    case 'train':
      return prepareTrain(tree, m.spec, m.batch);
    case 'infer':
      return prepareInfer(tree, m.spec, m.batch);
    case 'w3': {
      const x = tree.tensor.randomNormal([m.batch, 64, 32, 32], { seed: 3 });
      return prepareForward(tree, w3Module(tree), x);
    }
    case 'ort':
      return prepareOrtOf(tree, m.spec, m.batch, m.threads);
    default:
      throw new Error(`host: unknown step kind '${m.kind}'`);
  }
}

async function handle(m) {
  if (m.op === 'info') {
    return {
      threads: tree.cpu.cpuKernelOptions().threads,
      canProfile: typeof tree.tensor.profile === 'function',
    };
  }
  if (m.op === 'prepare') {
    steps.set(m.key, await prepare(m));
    return {};
  }
  if (m.op === 'run') {
    const s = steps.get(m.key);
    const c0 = process.cpuUsage();
    let ms = 0;
    for (let i = 0; i < m.reps; i++) ms += await s.run();
    const c = process.cpuUsage(c0);
    return { ms: ms / m.reps, cpuMs: (c.user + c.system) / 1000 / m.reps };
  }
  if (m.op === 'profile') {
    const p = await tree.tensor.profile(() => steps.get(m.key).run());
    return { text: tree.tensor.formatProfile(p), profile: { ...p, result: undefined } };
  }
  if (m.op === 'exit') {
    for (const s of steps.values()) await s.dispose();
    setImmediate(() => process.exit(0));
    return {};
  }
  throw new Error(`host: unknown op '${m.op}'`);
}

process.on('message', (m) => {
  handle(m).then(
    (reply) => process.send({ id: m.id, ...reply }),
    (e) =>
      process.send({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
process.send({ ready: true });
