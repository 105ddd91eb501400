import type { Reply, Request } from './protocol.js';

type Answer = Extract<Reply, { id: number }>;
/** A request without its id (the client numbers them). */
type Ask = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The page's side of the training worker: numbered requests answered by promises, and a
 * listener for what the worker reports on its own (steps, test results, pauses).
 */
export class WorkerClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: Answer) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly onReport: (r: Reply) => void) {
    this.worker = new Worker(new URL('./worker/worker.ts', import.meta.url), {
      type: 'module',
      name: 'igcnet-training',
    });
    this.worker.onmessage = (e: MessageEvent<Reply>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`the training worker failed: ${e.message}`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.onReport({ type: 'error', message: err.message });
    };
  }

  private receive(r: Reply): void {
    const id = 'id' in r ? r.id : undefined;
    const w = id !== undefined ? this.waiting.get(id) : undefined;
    // Everything is reported (a run's 'started' and 'finished' too), except errors that answer.
    if (!w || r.type !== 'error') this.onReport(r);
    if (!w || r.type === 'started') return;
    this.waiting.delete(id!);
    if (r.type === 'error') w.reject(new Error(r.message));
    else w.resolve(r as Answer);
  }

  /** Sends a request; resolves with its answer (for `train`: when the run ends). */
  ask<T extends Answer['type']>(
    req: Ask,
    transfer: Transferable[] = [],
  ): Promise<Extract<Answer, { type: T }>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: Answer) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** Sends a message that has no answer (pause, resume, stop). */
  tell(req: Extract<Request, { type: 'pause' | 'resume' | 'stop' }>): void {
    this.worker.postMessage(req);
  }
}
