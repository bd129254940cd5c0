// `jsonlm bench serve [--requests N] [--concurrency 1,16,200] [--json FILE]`: starts `jsonlm serve` (the
// bundled model, its defaults) as a child process and sends it POST /v1/extract requests from this
// process over 127.0.0.1: examples/people.jsonl's texts with examples/person.schema.json, round-robin,
// keeping C requests in flight. Reports requests/s and end-to-end latency (p50/p99, queueing included),
// and checks that every request was answered 200 with the same value as the first answer for its text.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { packageRoot } from '../cmdline/package-root.js';

interface Row { concurrency: number; requests: number; seconds: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; answered: number; identical: number }

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'string' }, requests: { type: 'string' }, concurrency: { type: 'string' }, help: { type: 'boolean' } });
  if (values.help) {
    console.log('usage: jsonlm bench serve [--requests N (200)] [--concurrency 1,16,200] [--json FILE (bench/results/serve.json)]');
    return 0;
  }
  const requests = intFlag(values.requests, 'requests', 200, 1);
  const levels = (values.concurrency ?? '1,16,200').split(',').map((c) => intFlag(c.trim(), 'concurrency', 1, 1));
  if (levels.some((c) => c > 1000)) throw new UsageError('--concurrency above 1000 is not a local test');
  const root = packageRoot();
  const texts = readFileSync(join(root, 'examples/people.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
  const schema = JSON.parse(readFileSync(join(root, 'examples/person.schema.json'), 'utf8'));

  const child = spawn(process.execPath, [join(root, 'bin/jsonlm.mjs'), 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let log = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`jsonlm serve exited (${code}): ${log}`)));
      child.stderr!.on('data', (c) => {
        log += c;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      });
    });
    const url = `http://127.0.0.1:${port}/v1/extract`;
    const reference = new Map<number, string>();
    const one = async (k: number): Promise<{ ms: number; ok: boolean; same: boolean }> => {
      const t0 = performance.now();
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: texts[k], schema }) });
      const body = await r.json() as { value?: unknown };
      const ms = performance.now() - t0;
      const value = JSON.stringify(body.value);
      if (!reference.has(k) && r.ok) reference.set(k, value);
      return { ms, ok: r.status === 200, same: reference.get(k) === value };
    };
    for (let k = 0; k < texts.length; k++) await one(k); // warm-up, and the reference answers

    const rows: Row[] = [];
    for (const concurrency of levels) {
      const latencies: number[] = [];
      let next = 0, answered = 0, identical = 0;
      const t0 = performance.now();
      const worker = async () => {
        while (next < requests) {
          const i = next++;
          const r = await one(i % texts.length);
          latencies.push(r.ms);
          if (r.ok) answered++;
          if (r.ok && r.same) identical++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      rows.push({ concurrency, requests, seconds, requestsPerSecond: requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), answered, identical });
    }

    console.log(`jsonlm bench serve: POST /v1/extract, bundled model, ${texts.length} texts (examples/people.jsonl), ${cpus().length} CPUs, Node ${process.versions.node}`);
    const table = [['concurrency', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'answered', 'identical'],
      ...rows.map((r) => [String(r.concurrency), String(r.requests), r.requestsPerSecond.toFixed(1), r.p50Ms.toFixed(0), r.p99Ms.toFixed(0), String(r.answered), String(r.identical)])];
    const widths = table[0].map((_, j) => Math.max(...table.map((row) => row[j].length)));
    table.forEach((row, i) => {
      console.log(row.map((c, j) => c.padStart(widths[j])).join('  '));
      if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    });
    const json = values.json ?? 'bench/results/serve.json';
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify({ bench: 'serve', node: process.versions.node, arch: process.arch, cpus: cpus().length, rows }, null, 1) + '\n');
    console.log(`wrote ${json}`);
    return rows.every((r) => r.answered === r.requests && r.identical === r.requests) ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}
