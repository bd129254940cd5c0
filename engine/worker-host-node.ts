// Node-only: worker threads for the kernels' thread pool (kernels/thread-pool.ts) as node:worker_threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerData, WorkerHost } from '../kernels/thread-pool.js';

export const nodeWorkerHost: WorkerHost = {
  name: 'node worker_threads',
  start(source: string, data: WorkerData): Promise<{ terminate(): void }> {
    const script = `${source}
const { workerData, parentPort } = require('node:worker_threads');
kernelsWorkerMain(workerData, () => parentPort.postMessage('ready'));`;
    return new Promise((resolve, reject) => {
      const worker = new Worker(script, { eval: true, workerData: data });
      worker.once('message', () => { worker.unref(); resolve({ terminate: () => void worker.terminate() }); });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
    });
  },
};

/** Default thread count in Node: the cores this process may use. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
