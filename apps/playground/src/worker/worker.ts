/**
 * The training worker (a module Web Worker): it owns the backend, the data and the model, so
 * that training never blocks the page. Messages: see ../protocol.ts.
 */
import type { Reply, Request } from '../protocol.js';
import { selectBackend } from './backend.js';
import { loadMnist } from './mnist.js';
import { Session } from './session.js';

interface WorkerScope {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const session = new Session((r, transfer) => scope.postMessage(r, transfer ?? []));

function fail(id: number | undefined, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  scope.postMessage({ type: 'error', ...(id !== undefined ? { id } : {}), message });
}

async function handle(req: Request): Promise<void> {
  switch (req.type) {
    case 'init': {
      const backend = await selectBackend(req.backend, req.cpuKernels);
      const [train, test] = await Promise.all([
        loadMnist(req.dataUrl, 'train'),
        loadMnist(req.dataUrl, 'test'),
      ]);
      session.setData(train, test);
      scope.postMessage({
        type: 'ready',
        id: req.id,
        backend,
        train: train.count,
        test: test.count,
      });
      return;
    }
    case 'train':
      return session.train(req.id, req.settings);
    case 'pause':
      return session.setPaused(true);
    case 'resume':
      return session.setPaused(false);
    case 'stop':
      return session.stop();
    case 'evaluate':
      return session.evaluate(req.id);
    case 'predict':
      return session.predict(req.id, req.pixels);
    case 'load':
      return session.load(req.id, req.name, req.bytes);
    case 'export':
      return session.exportCheckpoint(req.id);
    case 'describe':
      return session.describe(req.id, req.model);
  }
}

scope.onmessage = (e) => {
  const req = e.data;
  handle(req).catch((err) => fail('id' in req ? req.id : undefined, err));
};
