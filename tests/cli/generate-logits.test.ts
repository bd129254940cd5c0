// The generate and logits commands, run through the CLI dispatcher in-process (stdout captured).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../paths.js';
import { main } from '../../cli/main.js';
import { tokenizerFromLlama2c } from '../../tokenizer/index.js';
import { caseLogits, modelDir, parityCases } from '../engine/parity-fixtures.js';
import { compareRows } from '../engine/reference-forward.js';

const BIN = join(MODELS, 'stories260K/stories260K.bin');
const TOK = join(MODELS, 'stories260K/tok512.bin');
const ref = JSON.parse(readFileSync(join(MODELS, 'stories260K/greedy_reference.json'), 'utf8'));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write);
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out += a.join(' ') + '\n'; });
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err += a.join(' ') + '\n'; });
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    w.mockRestore(); l.mockRestore(); e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('jsonlm generate', () => {
  it('reproduces the stories260K greedy text exactly (f32, 256 steps, temperature 0)', async () => {
    const r = await cli(['generate', '--model', BIN, '--tokenizer', TOK, '--steps', '256', '--temperature', '0', '--f32']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(ref.text + '\n');
    expect(r.err).toMatch(/generated 256 tokens/);
  });

  it('int8 (default) matches the greedy text at least over its first 64 tokens', async () => {
    const r = await cli(['generate', '--model', BIN, '--tokenizer', TOK, '--steps', '64']);
    expect(r.code).toBe(0);
    const expected = tokenizerFromLlama2c(readFileSync(TOK)).decode(ref.greedy_ids.slice(0, 64));
    expect(expected.length).toBeGreaterThan(150);
    expect(r.out).toBe(expected + '\n');
  });

  it('prints the prompt, then its continuation', async () => {
    const r = await cli(['generate', '--model', BIN, '--tokenizer', TOK, '--steps', '8', '--prompt', 'Once upon a time there was']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('Once upon a time there was ')).toBe(true);
    expect(r.out.length).toBeGreaterThan('Once upon a time there was '.length + 8);
  });

  it('is reproducible with a seed and differs across seeds', async () => {
    const args = ['generate', '--model', BIN, '--tokenizer', TOK, '--steps', '40', '--temperature', '1', '--top-p', '0.9'];
    const a = await cli([...args, '--seed', '7']);
    const b = await cli([...args, '--seed', '7']);
    const c = await cli([...args, '--seed', '8']);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
  });

  it('rejects bad flags with a message naming the flag (exit 2)', async () => {
    for (const [argv, msg] of [
      [['generate', '--model', BIN, '--steps', 'ten'], /--steps must be an integer/],
      [['generate', '--model', BIN, '--temperature=-1'], /--temperature must be >= 0/],
      [['generate', '--model', BIN, '--top-p', '1.5'], /--top-p must be in \(0, 1\]/],
      [['generate', '--steps', '3'], /--model is required/],
      [['generate', '--model', BIN, '--bogus'], /bogus/],
      // A negative value is the flag's value (node's parser used to call it "ambiguous").
      [['generate', '--model', BIN, '--temperature', '-1'], /--temperature must be >= 0, got -1/],
      [['generate', '--model', BIN, '--seed', '-3'], /--seed must be >= 0, got -3/],
      [['generate', '--model', BIN, '--tokenizer', TOK, '--ctx', '99999999'], /--ctx 99999999 is more than this model's context of 512 tokens/],
    ] as const) {
      const r = await cli([...argv]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });

  it('fails clearly when the prompt does not fit the context', async () => {
    const r = await cli(['generate', '--model', BIN, '--tokenizer', TOK, '--ctx', '4', '--prompt', 'Once upon a time there was a big dog']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the prompt needs \d+ positions but the context holds 4 tokens/);
  });
});

describe('jsonlm logits', () => {
  it('prints the last position logits over the vocabulary as one JSON array', async () => {
    const r = await cli(['logits', '--model', BIN, '--tokens', '1', '--f32']);
    expect(r.code).toBe(0);
    const logits = JSON.parse(r.out) as number[];
    expect(logits).toHaveLength(512);
    for (const [id, v] of ref.first_step_top5) expect(Math.abs(logits[id] - v)).toBeLessThan(1e-4);
  });

  it('reads an HF folder and a Q8_0 GGUF too: last-row logits match llama.cpp', async () => {
    for (const [path, type, flags, tol] of [
      [join(modelDir('ref-bpe'), 'hf'), 'F32', ['--f32'], 1e-4],
      [join(modelDir('ref-spm'), 'ref-spm-q8_0.gguf'), 'Q8_0', [], 1e-4],
    ] as const) {
      const name = path.includes('ref-bpe') ? 'ref-bpe' : 'ref-spm';
      const c = parityCases(name).find((x) => x.weights_type === type && x.prompt_id === 'capital')!;
      const r = await cli(['logits', '--model', path, '--tokens', c.tokens.join(','), ...flags]);
      expect(r.code).toBe(0);
      const got = JSON.parse(r.out) as number[];
      const want = caseLogits(name, c).at(-1)!;
      expect(got).toHaveLength(want.length);
      expect(compareRows(got, want).maxAbs).toBeLessThan(tol);
    }
  });

  it('rejects malformed and out-of-range token ids', async () => {
    const bad = await cli(['logits', '--model', BIN, '--tokens', '1,x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--tokens must be comma-separated non-negative integers/);
    const range = await cli(['logits', '--model', BIN, '--tokens', '1,512']);
    expect(range.code).toBe(1);
    expect(range.err).toMatch(/token id 512 at index 1 is out of range: the vocabulary has ids 0..511/);
  });
});

describe('--threads', () => {
  it('gives the same logits for 1 and 3 threads and rejects counts out of range (exit 2, naming the flag)', async () => {
    const one = await cli(['logits', '--model', BIN, '--tokens', '1,200,300,5', '--threads', '1']);
    const three = await cli(['logits', '--model', BIN, '--tokens', '1,200,300,5', '--threads', '3']);
    expect(one.code).toBe(0);
    expect(three.out).toBe(one.out);
    for (const [bad, msg] of [['0', /--threads must be >= 1, got 0/], ['x', /--threads must be an integer/], ['65', /--threads must be at most 64/]] as const) {
      const r = await cli(['logits', '--model', BIN, '--tokens', '1', '--threads', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });
});

describe('--kv', () => {
  it('f16 gives logits near f32\'s but not equal (logits), the greedy text (generate), and rejects other types (exit 2)', async () => {
    const tokens = ['--tokens', [1, ...ref.greedy_ids.slice(0, 30)].join(',')];
    const f32 = await cli(['logits', '--model', BIN, ...tokens, '--f32', '--kv', 'f32']);
    const f16 = await cli(['logits', '--model', BIN, ...tokens, '--f32', '--kv', 'f16']);
    const plain = await cli(['logits', '--model', BIN, ...tokens, '--f32']);
    expect([f32.code, f16.code]).toEqual([0, 0]);
    expect(plain.out).toBe(f32.out); // f32 is the default
    const a = JSON.parse(f32.out) as number[], b = JSON.parse(f16.out) as number[];
    expect(f16.out).not.toBe(f32.out);
    expect(compareRows(b, a).maxAbs).toBeLessThan(0.05);
    const g = await cli(['generate', '--model', BIN, '--tokenizer', TOK, '--steps', '256', '--f32', '--kv', 'f16']);
    expect(g.code).toBe(0);
    expect(g.out).toBe(ref.text + '\n');
    for (const cmd of [['logits', '--model', BIN, '--tokens', '1'], ['generate', '--model', BIN], ['extract', '--schema', 'x.json', '--text', 'x']]) {
      const r = await cli([...cmd, '--kv', 'q8']);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.err).toMatch(/--kv must be f32 or f16, got 'q8'/);
    }
  });
});
