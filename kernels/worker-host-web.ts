// Web Workers for the kernels' thread pool (kernels/thread-pool.ts), for browsers (and any engine with the
// Worker and Blob globals). The worker script is made from the pool's source as a blob: URL, so nothing is
// fetched. Shared memory needs a cross-origin-isolated page (COOP/COEP); without it Kernels.create runs one
// thread and says so in kernels.threadsNote.
import type { WorkerData, WorkerHost } from './thread-pool.js';

export const webWorkerHost: WorkerHost = {
  name: 'Web Workers',
  start(source: string, data: WorkerData): Promise<{ terminate(): void }> {
    const script = `${source}\nself.onmessage = (e) => kernelsWorkerMain(e.data, () => self.postMessage('ready'));\n`;
    const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    return new Promise((resolve, reject) => {
      const worker = new Worker(url);
      worker.onmessage = () => { URL.revokeObjectURL(url); resolve({ terminate: () => worker.terminate() }); };
      worker.onerror = (e) => { URL.revokeObjectURL(url); reject(new Error(e.message || 'the worker failed to start')); };
      worker.postMessage(data);
    });
  },
};

/** The Web Worker host where this engine has Worker and Blob (browsers), else undefined. */
export function defaultWorkerHost(): WorkerHost | undefined {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function'
    ? webWorkerHost : undefined;
}
