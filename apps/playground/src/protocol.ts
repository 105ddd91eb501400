/**
 * The messages between the page and the training worker. The worker owns the backend, the data
 * and the model; the page draws. Every request that expects an answer carries an `id` that the
 * answer repeats.
 */

/** Which backend the worker uses: `auto` takes WebGPU where the browser has it. */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

/** Settings of a training run, as the form gives them. */
export interface TrainSettings {
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Training images used (the first N of the bundled subset). */
  trainImages: number;
  seed: number;
}

export type Request =
  | {
      type: 'init';
      id: number;
      backend: BackendChoice;
      dataUrl: string;
      /** The CPU backend's conv/GEMM kernels: `ts` forces plain TypeScript (for comparison). */
      cpuKernels?: 'auto' | 'wasm' | 'ts';
    }
  | { type: 'train'; id: number; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'evaluate'; id: number }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'load'; id: number; name: string; bytes: ArrayBuffer }
  | { type: 'export'; id: number }
  | { type: 'describe'; id: number; model: string };

/** What the worker runs on. */
export interface BackendInfo {
  name: 'webgpu' | 'cpu';
  /** The adapter's name (WebGPU), or the CPU kernels and threads. */
  device: string;
  /** A software adapter (SwiftShader, WARP): correct, but no GPU speed. */
  fallbackAdapter: boolean;
  /** Why WebGPU is not in use, when it was wanted or would have been picked. */
  webgpuMissing?: string;
  /** Why the CPU runs fewer threads, or plain TypeScript, when so. */
  cpuNote?: string;
}

/** The model the worker holds, as the page shows it. */
export interface ModelInfo {
  name: string;
  /** Trained parameters, BN's γ and β included. */
  params: number;
  macs: number;
  /** Where it came from: trained here, or a checkpoint file. */
  source: string;
  epoch: number;
  step: number;
}

export interface Prediction {
  index: number;
  label: string;
  probability: number;
}

export type Reply =
  | { type: 'ready'; id: number; backend: BackendInfo; train: number; test: number }
  | { type: 'started'; id: number; model: ModelInfo; stepsPerEpoch: number }
  | {
      type: 'step';
      globalStep: number;
      epoch: number;
      loss: number;
      lr: number;
      imagesPerSec: number;
      /** Milliseconds from the train request to the end of the first step (first step only). */
      firstStepMs?: number;
    }
  | { type: 'window'; globalStep: number; trainAccuracy: number; imagesPerSec: number }
  | { type: 'test'; globalStep: number; accuracy: number; loss: number; count: number }
  | { type: 'paused'; paused: boolean }
  | {
      type: 'finished';
      id: number;
      aborted: boolean;
      steps: number;
      images: number;
      seconds: number;
    }
  | {
      type: 'evaluated';
      id: number;
      accuracy: number;
      loss: number;
      count: number;
      seconds: number;
    }
  | { type: 'predicted'; id: number; top: Prediction[] }
  | { type: 'loaded'; id: number; model: ModelInfo }
  | { type: 'exported'; id: number; bytes: ArrayBuffer; fileName: string }
  | { type: 'described'; id: number; model: string; params: number; macs: number; layers: number }
  | { type: 'error'; id?: number; message: string };
