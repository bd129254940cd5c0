// `jsonlm serve` in process: the official openai client against it (plain and streamed), POST /v1/extract,
// every 4xx, the queue bound, and a bounded local load test (200 concurrent requests from 127.0.0.1):
// every request answered, each answer equal to the CLI's for the same text.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../engine/model.js';
import { loadCliModel } from '../../cli/extract.js';
import { createExtractionServer, type ExtractionServer, type ServeOptions } from '../../cli/serve-http.js';
import { chatBody, cliValues, SCHEMA, TEXTS } from './serve-fixtures.js';

const OPTIONS: ServeOptions = { modelName: 'default', maxBodyBytes: 64 * 1024, maxQueue: 1024, allowedHosts: ['127.0.0.1', 'localhost', '::1'], defaults: {} };

let model: Model;
let expected: unknown[];
let serving: ExtractionServer;
let base: string;

async function start(options: ServeOptions): Promise<{ serving: ExtractionServer; base: string }> {
  const s = createExtractionServer(model, options);
  await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
  return { serving: s, base: `http://127.0.0.1:${(s.server.address() as AddressInfo).port}` };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

beforeAll(async () => {
  expected = cliValues();
  model = await loadCliModel(undefined, undefined);
  ({ serving, base } = await start(OPTIONS));
}, 180_000);

afterAll(async () => {
  await serving?.shutdown();
});

describe('jsonlm serve', () => {
  it('answers the openai client with the CLI value as choices[0].message.content', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const completion = await client.chat.completions.create(chatBody(TEXTS[0]) as any) as OpenAI.ChatCompletion;
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual(expected[0]);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['default']);
  });

  it('streams with server-sent events that add up to the same JSON text', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({ ...chatBody(TEXTS[1]), stream: true, stream_options: { include_usage: true } } as any) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
    let text = '';
    let pieces = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) { text += choice.delta.content; pieces++; }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    expect(pieces).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(JSON.parse(text)).toEqual(expected[1]);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('POST /v1/extract returns the value and the ajv verdict', async () => {
    const r = await post('/v1/extract', { text: TEXTS[2], schema: SCHEMA });
    expect(r.status).toBe(200);
    expect(r.json.valid).toBe(true);
    expect(r.json.value).toEqual(expected[2]);
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', queued: 0 });
  });

  it('refuses bad requests with a 4xx naming the problem', async () => {
    const bad = async (path: string, body: unknown, status: number, code: string, message: RegExp, headers?: Record<string, string>) => {
      const r = await post(path, body, headers);
      expect(r.status, code).toBe(status);
      expect(r.json.error.code).toBe(code);
      expect(r.json.error.message).toMatch(message);
    };
    await bad('/v1/extract', '{"text": ', 400, 'invalid_json', /not JSON/);
    await bad('/v1/extract', '[1]', 400, 'invalid_json', /JSON object/);
    await bad('/v1/extract', { schema: SCHEMA }, 400, 'invalid_text', /'text' must be a string/);
    await bad('/v1/extract', { text: 'x' }, 400, 'invalid_schema', /'schema' is required/);
    await bad('/v1/extract', { text: 'x', schema: { type: 'objekt' } }, 400, 'invalid_schema', /invalid schema/);
    await bad('/v1/extract', { text: 'x', schema: { type: 'object', not: { required: ['a'] } } }, 400, 'unsupported_schema', /not/);
    await bad('/v1/extract', { text: 'word '.repeat(3000), schema: SCHEMA }, 400, 'context_length_exceeded', /context|long/);
    await bad('/v1/extract', { text: 'x'.repeat(70 * 1024), schema: SCHEMA }, 413, 'request_too_large', /65536-byte limit/);
    await bad('/v1/extract', { text: 'x', schema: SCHEMA, seed: -1 }, 400, 'invalid_value', /'seed'/);
    await bad('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }, 400, 'invalid_response_format', /json_schema/);
    await bad('/v1/chat/completions', { ...chatBody('x'), messages: [{ role: 'system', content: 'x' }] }, 400, 'invalid_messages', /no user message/);
    await bad('/v1/chat/completions', { ...chatBody('x'), response_format: { type: 'json_schema', json_schema: { name: 'p', schema: 42 } } }, 400, 'invalid_schema', /must be a JSON Schema/);
    await bad('/v1/nothing', {}, 404, 'not_found', /no such endpoint/);
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) is refused. fetch cannot set Host.
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/v1/extract`, { method: 'POST', headers: { Host: 'evil.example:80', 'Content-Type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ text: 'x', schema: SCHEMA }));
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.message).toMatch(/Host 'evil\.example:80' is not allowed/);
    const get = await fetch(`${base}/v1/extract`);
    expect(get.status).toBe(405);
    // The openai client surfaces the 400 as its BadRequestError.
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    await expect(client.chat.completions.create({ ...chatBody('x'), response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'objekt' } } } } as any))
      .rejects.toMatchObject({ status: 400, code: 'invalid_schema' });
  });

  it('a client that leaves mid-stream does not stall the queue: the next request is served', async () => {
    const controller = new AbortController();
    const r = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...chatBody(TEXTS[3]), stream: true }), signal: controller.signal,
    });
    const reader = r.body!.getReader();
    await reader.read(); // the first event is out: generation is under way
    controller.abort();
    const next = await post('/v1/extract', { text: TEXTS[4], schema: SCHEMA });
    expect(next.status).toBe(200);
    expect(next.json.value).toEqual(expected[4]);
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', running: false, queued: 0 });
  });

  it('answers 503 past --max-queue and serves the rest', async () => {
    await serving.shutdown();
    ({ serving, base } = await start({ ...OPTIONS, maxQueue: 2 }));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post('/v1/extract', { text: TEXTS[i], schema: SCHEMA })));
    const busy = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    expect(busy.length + served.length).toBe(8);
    expect(served.length).toBeGreaterThanOrEqual(3); // the running one and two queued
    expect(busy.length).toBeGreaterThan(0);
    for (const b of busy) expect(b.json.error.code).toBe('server_busy');
    await serving.shutdown();
    ({ serving, base } = await start(OPTIONS));
  });

  it('load: 200 concurrent requests from 127.0.0.1, every one answered with the CLI value', async () => {
    const n = 200;
    let sawQueue = 0;
    const requests = Array.from({ length: n }, (_, i) => {
      const k = i % TEXTS.length;
      return i % 2 === 0
        ? post('/v1/extract', { text: TEXTS[k], schema: SCHEMA }).then((r) => ({ k, status: r.status, value: r.json.value }))
        : post('/v1/chat/completions', chatBody(TEXTS[k])).then((r) => ({ k, status: r.status, value: r.status === 200 ? JSON.parse(r.json.choices[0].message.content) : r.json }));
    });
    // The server keeps answering /health while the queue is long.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const health = await (await fetch(`${base}/health`)).json() as { queued: number };
    sawQueue = health.queued;
    const answers = await Promise.all(requests);
    expect(answers.length).toBe(n);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.value).toEqual(expected[a.k]);
    }
    expect(sawQueue).toBeGreaterThan(0);
  }, 240_000);
});
