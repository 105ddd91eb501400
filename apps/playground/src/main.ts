/**
 * The page: forms, charts, the IGC drawing and the digit pad. Training, prediction and
 * checkpoints happen in the worker (./worker/worker.ts), so the page stays responsive.
 */
import { WorkerClient } from './client.js';
import type {
  BackendChoice,
  BackendInfo,
  ModelInfo,
  Prediction,
  Reply,
  TrainSettings,
} from './protocol.js';
import { drawIgcBlock, figureRows, fmtCount, igcFigures } from './ui/igc_view.js';
import { imageToMnist, showPixels } from './ui/image_input.js';
import { LineChart } from './ui/plot.js';
import { Sketch } from './ui/sketch.js';

/** What the page has seen, also read by the end-to-end test (window.__igcPlayground). */
interface PageState {
  backend?: BackendInfo;
  losses: number[];
  /** performance.now() at each step's report (for measurements). */
  stepTimes: number[];
  trainAccuracy: [number, number][];
  testAccuracy: [number, number][];
  running: boolean;
  paused: boolean;
  /** Milliseconds from the Train click to the first step's report. */
  firstStepMs?: number;
  /** The worker's own figure: from the train request to the end of the first step. */
  workerFirstStepMs?: number;
  model?: ModelInfo;
}

const state: PageState = {
  losses: [],
  stepTimes: [],
  trainAccuracy: [],
  testAccuracy: [],
  running: false,
  paused: false,
};
(globalThis as { __igcPlayground?: PageState }).__igcPlayground = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page lacks #${id}`);
  return e as T;
};
const input = (id: string) => $<HTMLInputElement>(id);

function showError(message: string | null): void {
  const box = $('error');
  box.hidden = message === null;
  box.textContent = message ?? '';
}

function setText(id: string, text: string, attr?: [string, string]): void {
  const e = $(id);
  e.textContent = text;
  if (attr) e.dataset[attr[0]] = attr[1];
}

const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), {
  title: 'training loss by step',
  yMin: 0,
});
const accChart = new LineChart($<HTMLCanvasElement>('accuracy-chart'), {
  title: 'accuracy by step',
  yMin: 0,
  yMax: 1,
});

function smoothed(values: number[], weight = 0.9): [number, number][] {
  let last = values[0] ?? 0;
  return values.map((v, i) => {
    last = i === 0 ? v : last * weight + (1 - weight) * v;
    return [i + 1, last];
  });
}

function redraw(): void {
  lossChart.set([
    { name: 'raw', color: '#d8584a', points: state.losses.map((v, i) => [i + 1, v]), faint: true },
    { name: 'loss (smoothed)', color: '#d8584a', points: smoothed(state.losses) },
  ]);
  accChart.set([
    { name: 'train (window)', color: '#4a78d8', points: state.trainAccuracy },
    { name: 'test (2,000 images)', color: '#2a9d5c', points: state.testAccuracy, dots: true },
  ]);
}

function showModel(m: ModelInfo): void {
  state.model = m;
  setText('model-name', m.name, ['model', m.name]);
  setText(
    'model-detail',
    `${fmtCount(m.params)} trained parameters, ${fmtCount(m.macs)} multiply-adds per image; ${m.source}, epoch ${m.epoch}, step ${m.step}`,
  );
  $<HTMLButtonElement>('download-button').disabled = false;
  $<HTMLButtonElement>('evaluate-button').disabled = false;
}

function setRunning(running: boolean, label: string): void {
  state.running = running;
  setText('train-state', label, ['state', label]);
  $<HTMLButtonElement>('train-button').disabled = running;
  $<HTMLButtonElement>('pause-button').disabled = !running;
  $<HTMLButtonElement>('stop-button').disabled = !running;
  $<HTMLInputElement>('checkpoint-file').disabled = running;
  $('pause-button').textContent = 'Pause';
}

let clickedAt = 0;

function onReport(r: Reply): void {
  switch (r.type) {
    case 'started':
      showModel(r.model);
      return;
    case 'step':
      state.losses.push(r.loss);
      state.stepTimes.push(performance.now());
      setText('step', String(r.globalStep), ['step', String(r.globalStep)]);
      setText('epoch', String(r.epoch + 1));
      setText('loss', r.loss.toFixed(4));
      setText('ips', r.imagesPerSec.toFixed(1), ['value', String(r.imagesPerSec)]);
      if (r.firstStepMs !== undefined) {
        state.workerFirstStepMs = r.firstStepMs;
        state.firstStepMs = performance.now() - clickedAt;
        setText('first-step', `${(state.firstStepMs / 1000).toFixed(2)} s`, [
          'ms',
          String(state.firstStepMs),
        ]);
      }
      redraw();
      return;
    case 'window':
      state.trainAccuracy.push([r.globalStep, r.trainAccuracy]);
      redraw();
      return;
    case 'test':
      state.testAccuracy.push([r.globalStep, r.accuracy]);
      setText('test-accuracy', `${(100 * r.accuracy).toFixed(2)} %`, [
        'accuracy',
        String(r.accuracy),
      ]);
      redraw();
      return;
    case 'paused':
      state.paused = r.paused;
      setText('train-state', r.paused ? 'paused' : 'training', [
        'state',
        r.paused ? 'paused' : 'training',
      ]);
      $('pause-button').textContent = r.paused ? 'Resume' : 'Pause';
      return;
    case 'loaded':
      showModel(r.model);
      return;
    case 'error':
      showError(r.message);
      return;
    default:
      return;
  }
}

const client = new WorkerClient(onReport);
const params = new URLSearchParams(location.search);
const choice = (
  ['auto', 'webgpu', 'cpu'].includes(params.get('backend') ?? '') ? params.get('backend') : 'auto'
) as BackendChoice;
// ?kernels=ts runs the CPU backend's plain TypeScript kernels (to compare with WebAssembly).
const kernels = (['auto', 'wasm', 'ts'] as const).find((k) => k === params.get('kernels'));
$<HTMLSelectElement>('backend-choice').value = choice;
$<HTMLSelectElement>('backend-choice').addEventListener('change', (e) => {
  // A backend holds the model's tensors: switching starts afresh.
  params.set('backend', (e.target as HTMLSelectElement).value);
  location.search = params.toString();
});

async function start(): Promise<void> {
  const ready = await client.ask<'ready'>({
    type: 'init',
    backend: choice,
    dataUrl: new URL('mnist/', document.baseURI).href,
    ...(kernels ? { cpuKernels: kernels } : {}),
  });
  const b = ready.backend;
  state.backend = b;
  const name = b.name === 'webgpu' ? 'WebGPU' : 'CPU';
  const box = $('backend');
  box.textContent = `backend: ${name}, ${b.device}${b.fallbackAdapter ? ' (a software adapter: correct, not fast)' : ''}`;
  box.dataset.backend = b.name;
  box.dataset.adapter = b.device;
  box.dataset.ready = '1';
  const warn = $('webgpu-missing');
  const notes = [
    b.webgpuMissing
      ? `WebGPU is missing: ${b.webgpuMissing}. Training runs on the CPU backend.`
      : '',
    b.cpuNote ? `CPU backend: ${b.cpuNote}.` : '',
  ].filter(Boolean);
  warn.hidden = notes.length === 0;
  warn.textContent = notes.join(' ');
  setText(
    'data-size',
    `${ready.train.toLocaleString('en-US')} training and ${ready.test.toLocaleString('en-US')} test images of the real MNIST`,
  );
  input('train-images').max = String(ready.train);
  describeSelected();
}

function describeSelected(): void {
  const name = $<HTMLSelectElement>('model').value;
  client
    .ask<'described'>({ type: 'describe', model: name })
    .then((d) =>
      setText(
        'model-size',
        `${d.model}: ${fmtCount(d.params)} trained parameters, ${fmtCount(d.macs)} multiply-adds per image.`,
      ),
    )
    .catch((e: Error) => showError(e.message));
}
$('model').addEventListener('change', describeSelected);

function positive(id: string, integer: boolean): number {
  const e = input(id);
  const v = Number(e.value);
  if (!(v > 0) || (integer && !Number.isInteger(v)) || v > Number(e.max))
    throw new Error(
      `${id}: expected ${integer ? 'a whole number' : 'a number'} from ${e.min} to ${e.max}, got '${e.value}'`,
    );
  return v;
}

$('train-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  let settings: TrainSettings;
  try {
    settings = {
      model: $<HTMLSelectElement>('model').value,
      epochs: positive('epochs', true),
      batchSize: positive('batch', true),
      lr: positive('lr', false),
      trainImages: positive('train-images', true),
      seed: 1,
    };
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  showError(null);
  state.losses = [];
  state.stepTimes = [];
  state.trainAccuracy = [];
  state.testAccuracy = [];
  delete state.firstStepMs;
  setText('first-step', '…', ['ms', '']);
  setText('test-accuracy', '–', ['accuracy', '']);
  redraw();
  clickedAt = performance.now();
  setRunning(true, 'training');
  client
    .ask<'finished'>({ type: 'train', settings })
    .then((f) => setRunning(false, f.aborted ? 'stopped' : 'finished'))
    .catch((e: Error) => {
      setRunning(false, 'failed');
      showError(e.message);
    });
});
$('pause-button').addEventListener('click', () =>
  client.tell({ type: state.paused ? 'resume' : 'pause' }),
);
$('stop-button').addEventListener('click', () => client.tell({ type: 'stop' }));
$('evaluate-button').addEventListener('click', () => {
  setText('test-accuracy', '…', ['accuracy', '']);
  client
    .ask<'evaluated'>({ type: 'evaluate' })
    .then((r) =>
      setText('test-accuracy', `${(100 * r.accuracy).toFixed(2)} % of ${r.count}`, [
        'accuracy',
        String(r.accuracy),
      ]),
    )
    .catch((e: Error) => showError(e.message));
});

// ---- the IGC block ----------------------------------------------------------------------------
function drawIgc(): void {
  const L = Number(input('igc-l').value);
  const M = Number(input('igc-m').value);
  const side = Number(input('igc-hw').value);
  const table = $('igc-figures');
  if (![L, M, side].every((v) => Number.isInteger(v) && v >= 1 && v <= 512)) {
    table.replaceChildren();
    return;
  }
  drawIgcBlock($('igc-svg') as unknown as SVGSVGElement, L, M);
  table.replaceChildren(
    ...figureRows(igcFigures(L, M, side * side), L, M, side).map(([k, v]) => {
      const tr = document.createElement('tr');
      for (const t of [k, v]) {
        const td = document.createElement('td');
        td.textContent = t;
        tr.append(td);
      }
      return tr;
    }),
  );
}
$('igc-form').addEventListener('input', drawIgc);
drawIgc();

// ---- running a model --------------------------------------------------------------------------
let predictions = 0;

function showTop(top: Prediction[]): void {
  predictions++;
  $('top5').dataset.seq = String(predictions);
  $('top5').replaceChildren(
    ...top.map((p) => {
      const li = document.createElement('li');
      li.dataset.index = String(p.index);
      li.dataset.probability = String(p.probability);
      li.textContent = `${p.label}  ${(100 * p.probability).toFixed(2)} %`;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(120 * p.probability)}px`;
      li.append(bar);
      return li;
    }),
  );
}

function predict(pixels: Float32Array): void {
  showPixels($<HTMLCanvasElement>('preview'), pixels);
  if (!state.model) {
    $('top5').textContent = 'Train a model or load a checkpoint first.';
    return;
  }
  client
    .ask<'predicted'>({ type: 'predict', pixels })
    .then((r) => showTop(r.top))
    .catch((e: Error) => showError(e.message));
}

const sketch = new Sketch($<HTMLCanvasElement>('sketch'), () => {
  const px = sketch.toMnist();
  if (px) predict(px);
});
$('clear-button').addEventListener('click', () => {
  sketch.clear();
  $('top5').replaceChildren();
});

async function predictFile(file: File): Promise<void> {
  try {
    const { pixels } = await imageToMnist(file, input('invert').checked);
    predict(pixels);
  } catch (e) {
    showError(`${file.name}: ${(e as Error).message}`);
  }
}
input('image-file').addEventListener('change', () => {
  const f = input('image-file').files?.[0];
  if (f) void predictFile(f);
});
const pad = $('sketch');
pad.addEventListener('dragover', (e) => e.preventDefault());
pad.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files[0];
  if (f) void predictFile(f);
});

input('checkpoint-file').addEventListener('change', async () => {
  const f = input('checkpoint-file').files?.[0];
  if (!f) return;
  showError(null);
  try {
    const bytes = await f.arrayBuffer();
    await client.ask<'loaded'>({ type: 'load', name: f.name, bytes }, [bytes]);
  } catch (e) {
    showError((e as Error).message);
  }
});

$('download-button').addEventListener('click', async () => {
  try {
    const r = await client.ask<'exported'>({ type: 'export' });
    const url = URL.createObjectURL(new Blob([r.bytes], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    showError((e as Error).message);
  }
});

start().catch((e: Error) => {
  setText('backend', 'backend: none', ['ready', 'error']);
  showError(e.message);
});
