// The HTTP side of `jsonlm serve`: OpenAI-style chat completions with a JSON Schema response format
// (plain JSON or server-sent events), POST /v1/extract, GET /health and GET /v1/models. Every extraction
// goes through one SerialQueue on one model, so results equal a sequential run's (the CLI's).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Model } from '../engine/model.js';
import { TextTooLongError } from '../extract/errors.js';
import { extractorFor } from '../extract/api.js';
import type { ExtractOptions, ExtractResult } from '../extract/extractor.js';
import { InvalidSchemaError, sharedValidator } from '../extract/validate.js';
import { GrammarError } from '../grammar/index.js';
import { QueueClosedError, QueueFullError, SerialQueue } from './serve-queue.js';

export interface ServeOptions {
  /** The name /v1/models and responses report. */
  modelName: string;
  /** Largest request body accepted, in bytes (413 above it). */
  maxBodyBytes: number;
  /** Most requests waiting behind the running one (503 above it). */
  maxQueue: number;
  /** Host names (without port) a request's Host header may carry; empty: any. Guards a loopback server
   * against DNS rebinding from web pages. */
  allowedHosts: string[];
  /** Defaults for every request (the CLI's extract flags). */
  defaults: ExtractOptions;
}

/** An error answered as `{ error: { message, type, code, param } }` with an HTTP status. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: string, readonly param?: string) {
    super(message);
  }
}

export interface ExtractionServer {
  server: Server;
  queue: SerialQueue;
  /** Stops accepting, rejects queued requests with 503, lets the running one finish, closes connections. */
  shutdown(): Promise<void>;
}

interface Job { text: string; schema: unknown; options: ExtractOptions }

/** How long shutdown waits for clients to read their last answers. */
const SHUTDOWN_DRAIN_MS = 10_000;

export function createExtractionServer(model: Model, opts: ServeOptions): ExtractionServer {
  const queue = new SerialQueue(opts.maxQueue);
  let stopping = false;
  let nextId = 1;
  let open = 0; // requests whose response has not closed yet
  let allAnswered: (() => void) | undefined;

  const server = createServer((req, res) => {
    open++;
    res.on('close', () => { if (--open === 0) allAnswered?.(); });
    handle(req, res).catch((e) => sendError(res, e));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (opts.allowedHosts.length && !opts.allowedHosts.includes(host)) {
      throw new HttpError(403, `Host '${req.headers.host ?? ''}' is not allowed (serving ${opts.allowedHosts.join(', ')}; see --host)`, 'host_not_allowed');
    }
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /health':
        return sendJson(res, stopping ? 503 : 200, { status: stopping ? 'shutting down' : 'ok', model: opts.modelName, running: queue.busy, queued: queue.depth });
      case 'GET /v1/models':
        return sendJson(res, 200, { object: 'list', data: [{ id: opts.modelName, object: 'model', created: 0, owned_by: 'jsonlm' }] });
      case 'POST /v1/extract':
        return extractRoute(req, res);
      case 'POST /v1/chat/completions':
        return chatRoute(req, res);
    }
    if (['/health', '/v1/models', '/v1/extract', '/v1/chat/completions'].includes(path)) {
      throw new HttpError(405, `${req.method} is not allowed on ${path}`, 'method_not_allowed');
    }
    throw new HttpError(404, `no such endpoint: ${req.method} ${path} (GET /health, GET /v1/models, POST /v1/extract, POST /v1/chat/completions)`, 'not_found');
  }

  async function extractRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, opts.maxBodyBytes);
    if (typeof body.text !== 'string') throw new HttpError(400, "'text' must be a string", 'invalid_text', 'text');
    const job = checkedJob(body.text, body.schema, 'schema', requestOptions(body, opts.defaults));
    const result = await runQueued(req, job);
    sendJson(res, 200, {
      value: result.value, valid: result.valid, ...(result.errors ? { errors: result.errors } : {}),
      text: result.text, finish_reason: result.finishReason, closed_early: result.closedEarly,
      tokens: result.tokens, timings: result.timings, warnings: result.warnings,
    });
  }

  async function chatRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, opts.maxBodyBytes);
    const text = lastUserText(body.messages);
    const schema = responseSchema(body.response_format);
    const job = checkedJob(text, schema, 'response_format.json_schema.schema', requestOptions(body, opts.defaults));
    const id = `chatcmpl-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const stream = body.stream === true;
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: opts.modelName, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`;

    let started = false;
    const result = await runQueued(req, job, stream ? (piece) => {
      if (res.destroyed) return;
      if (!started) {
        started = true;
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        res.write(chunk({ role: 'assistant', content: '' }, null));
      }
      res.write(chunk({ content: piece }, null));
    } : undefined);
    const usage = { prompt_tokens: result.timings.promptTokens, completion_tokens: result.tokens, total_tokens: result.timings.promptTokens + result.tokens };
    const finish = result.closedEarly || result.finishReason === 'length' || result.finishReason === 'context' ? 'length' : 'stop';
    const verdict = { valid: result.valid, ...(result.errors ? { errors: result.errors } : {}) };
    if (!stream) {
      return sendJson(res, 200, {
        id, object: 'chat.completion', created, model: opts.modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, finish_reason: finish, logprobs: null }],
        usage, jsonlm: verdict,
      });
    }
    if (res.destroyed) return; // the client left; its generation was stopped
    if (!started) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.write(chunk({ role: 'assistant', content: '' }, null));
    }
    res.write(chunk({}, finish, { jsonlm: verdict }));
    if (includeUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: opts.modelName, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  /** Checks the schema before queueing, so a bad one is a 400 at once, not after the queue's wait. */
  function checkedJob(text: string, schema: unknown, param: string, options: ExtractOptions): Job {
    if (schema === undefined) throw new HttpError(400, `'${param}' is required`, 'invalid_schema', param);
    if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) {
      throw new HttpError(400, `'${param}' must be a JSON Schema (an object)`, 'invalid_schema', param);
    }
    try {
      sharedValidator().compile(schema);
    } catch (e) {
      throw new HttpError(400, `invalid schema: ${(e as Error).message}`, 'invalid_schema', param);
    }
    return { text, schema, options };
  }

  /** Runs the job in its turn; a client gone before its turn costs no model time, and one gone while its
   * answer streams stops the generation. */
  function runQueued(req: IncomingMessage, job: Job, onPiece?: (piece: string) => void): Promise<ExtractResult> {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    req.socket.once('close', onClose);
    return queue.push(async () => {
      if (abort.signal.aborted) throw new HttpError(499, 'the client closed the connection before its turn', 'client_closed');
      const steps = extractorFor(model).steps({ text: job.text, schema: job.schema, options: { ...job.options, signal: abort.signal } });
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        onPiece?.(r.value);
        // Between tokens, let I/O in: new requests queue up, /health answers, disconnects are seen.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }).finally(() => req.socket.off('close', onClose));
  }

  function sendError(res: ServerResponse, e: unknown): void {
    const err = toHttpError(e);
    if (res.headersSent) {
      // A stream already under way: say so in the stream, then end it.
      if (!res.writableEnded) res.end(`data: ${JSON.stringify({ error: errorBody(err).error })}\n\n`);
      return;
    }
    if (err.status === 413) res.setHeader('Connection', 'close');
    sendJson(res, err.status, errorBody(err));
  }

  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    server.close();
    await queue.close(new QueueClosedError('the server is shutting down: request not started'));
    // Every request now has its answer (the running one's result, 503 for the rest) on the way out; give
    // clients a bounded time to read them, then close whatever is left.
    if (open > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => { allAnswered = resolve; }),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, SHUTDOWN_DRAIN_MS); }),
      ]);
      clearTimeout(timer);
    }
    server.closeAllConnections();
  }

  return { server, queue, shutdown };
}

/** The text of the last user message (a string, or the text parts of a content array). */
function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, "'messages' must be a non-empty array", 'invalid_messages', 'messages');
  const user = [...messages].reverse().find((m) => (m as { role?: unknown })?.role === 'user') as { content?: unknown } | undefined;
  if (!user) throw new HttpError(400, "'messages' has no user message: the last one holds the text to extract from", 'invalid_messages', 'messages');
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) {
    const parts = user.content.filter((p) => (p as { type?: unknown })?.type === 'text').map((p) => (p as { text?: unknown }).text);
    if (parts.length && parts.every((p) => typeof p === 'string')) return parts.join('\n');
  }
  throw new HttpError(400, "the last user message's content must be a string or text parts", 'invalid_messages', 'messages');
}

/** The schema of an OpenAI response_format: json_schema's schema; json_object means any JSON object. */
function responseSchema(format: unknown): unknown {
  const f = format as { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  if (f?.type === 'json_schema') {
    if (typeof f.json_schema !== 'object' || f.json_schema === null) {
      throw new HttpError(400, "'response_format.json_schema' must be an object with a 'schema'", 'invalid_schema', 'response_format.json_schema');
    }
    return f.json_schema.schema;
  }
  if (f?.type === 'json_object') return { type: 'object' };
  throw new HttpError(400, "jsonlm serve only writes JSON: give response_format {type: 'json_schema', json_schema: {schema}} (or {type: 'json_object'})",
    'invalid_response_format', 'response_format');
}

/** seed, temperature, max_tokens (max_completion_tokens) of a request over the server's defaults. */
function requestOptions(body: Record<string, unknown>, defaults: ExtractOptions): ExtractOptions {
  const options: ExtractOptions = { ...defaults };
  const num = (name: string, min: number, integer: boolean): number | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isSafeInteger(v))) {
      throw new HttpError(400, `'${name}' must be ${integer ? 'an integer' : 'a number'} >= ${min}`, 'invalid_value', name);
    }
    return v;
  };
  const seed = num('seed', 0, true);
  if (seed !== undefined) options.seed = seed;
  const temperature = num('temperature', 0, false);
  if (temperature !== undefined) options.temperature = temperature;
  const maxTokens = num('max_completion_tokens', 1, true) ?? num('max_tokens', 1, true);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  return options;
}

/** Reads a JSON object body, refusing past `limit` bytes (by Content-Length or as it streams in). */
function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const refuse = () => {
      failed = true;
      reject(new HttpError(413, `request body over the ${limit}-byte limit (--max-body-bytes)`, 'request_too_large'));
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped, so the client gets to read the 413; a client that
      // keeps sending far beyond it is cut off.
      if (size > 8 * limit) { req.destroy(); return; }
      if (failed) return;
      if (size > limit) { refuse(); return; }
      chunks.push(c);
    });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
    req.on('end', () => {
      if (failed) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        reject(new HttpError(400, `request body is not JSON: ${(e as Error).message}`, 'invalid_json'));
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) reject(new HttpError(400, 'request body must be a JSON object', 'invalid_json'));
      else resolve(body as Record<string, unknown>);
    });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) refuse();
  });
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof InvalidSchemaError) return new HttpError(400, e.message, 'invalid_schema');
  if (e instanceof GrammarError) return new HttpError(400, e.message, 'unsupported_schema');
  if (e instanceof TextTooLongError) return new HttpError(400, e.message, 'context_length_exceeded');
  if (e instanceof QueueClosedError) return new HttpError(503, e.message, 'shutting_down');
  if (e instanceof QueueFullError) return new HttpError(503, e.message, 'server_busy');
  return new HttpError(500, `internal error: ${(e as Error)?.message ?? String(e)}`, 'internal_error');
}

function errorBody(err: HttpError) {
  const type = err.status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message: err.message, type, code: err.code, param: err.param ?? null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
