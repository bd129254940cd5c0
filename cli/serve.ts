// `jsonlm serve`: a local HTTP server for extraction, in the conventions of llama.cpp's llama-server and
// Ollama (OpenAI-compatible chat completions with a JSON Schema response format, SSE streaming), plus
// POST /v1/extract and GET /health. Loopback only unless --host says otherwise; SIGTERM / SIGINT finish the
// running request, answer the queued ones 503, and exit.
import { basename } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../cmdline/flags.js';
import { defaultModelPath, extractOptionsFrom, loadCliModel, reportError, SAMPLING_FLAGS } from './extract.js';
import { kvCacheFlag } from './kv-cache-flag.js';
import { createExtractionServer } from './serve-http.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

const HELP = `usage: jsonlm serve [options]

Endpoints:
  POST /v1/chat/completions  OpenAI-style: the last user message is the text, the schema comes from
                             response_format {type: "json_schema", json_schema: {schema}}; "stream": true
                             answers with server-sent events. choices[0].message.content is the JSON text.
  POST /v1/extract           {"text": "...", "schema": {...}} -> {"value", "valid", "errors"?, ...}
  GET  /health               {"status": "ok", "running", "queued"}
  GET  /v1/models            the one model served

Options:
  --host H               address to bind (default 127.0.0.1; 0.0.0.0 exposes the server to the network)
  --port N               port (default 8080; 0 picks a free one)
  --allow-host A,B       Host header names accepted (default with a loopback --host: 127.0.0.1, localhost,
                         ::1; otherwise any)
  --max-body-bytes N     largest request body (default 1048576; 413 above it)
  --max-queue N          most requests waiting behind the running one (default 1024; 503 above it)
  --model PATH, --tokenizer FILE, --ctx N, --kv f32|f16, --seed N, --temperature T, --max-tokens N, --no-grammar,
  --jump-forward, --copy-bias B, --value-choice, --no-value-choice: as for \`jsonlm extract\` (per request,
                         "seed", "temperature" and "max_tokens" override them)

Requests run one at a time on the one model, in the order they arrive.`;

export async function run(args: string[]): Promise<number> {
  try {
    return await runServe(args);
  } catch (e) {
    return reportError('serve', e);
  }
}

async function runServe(args: string[]): Promise<number> {
  const { values: v } = parseFlags(args, {
    host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, 'allow-host': { type: 'string' },
    'max-body-bytes': { type: 'string' }, 'max-queue': { type: 'string' },
    ...SAMPLING_FLAGS, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(HELP); return 0; }
  const port = intFlag(v.port, 'port', 8080, 0);
  if (port > 65535) throw new UsageError(`--port must be <= 65535, got ${port}`);
  const maxBodyBytes = intFlag(v['max-body-bytes'], 'max-body-bytes', 1 << 20, 1);
  const maxQueue = intFlag(v['max-queue'], 'max-queue', 1024, 0);
  const host = v.host!;
  const allowedHosts = v['allow-host'] !== undefined
    ? v['allow-host'].split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)
    : LOOPBACK.includes(host) ? LOOPBACK : [];
  const defaults = extractOptionsFrom(v);
  const contextLength = v.ctx === undefined ? undefined : intFlag(v.ctx, 'ctx', 0, 1);
  const kv = kvCacheFlag(v.kv);

  const model = await loadCliModel(v.model, v.tokenizer, contextLength, undefined, kv);
  const modelName = basename(v.model ?? defaultModelPath().replace(/\/+$/, '')) || 'default';
  const { server, queue, shutdown } = createExtractionServer(model, { modelName, maxBodyBytes, maxQueue, allowedHosts, defaults });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE'
      ? new Error(`${host}:${port} is already in use: pick another --port`)
      : e));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  console.error(`jsonlm serve: listening on http://${shown}:${bound} (model ${modelName}; POST /v1/chat/completions, POST /v1/extract, GET /health)`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.error(`jsonlm serve: ${signal}: finishing ${queue.busy ? 'the running request' : 'nothing running'}, ` +
        `answering ${queue.depth} queued with 503`);
      shutdown().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  console.error('jsonlm serve: stopped');
  return 0;
}
