// The training recipe (train/run.sh) end to end on a tiny config: data (EdgeJSON-style + a tiny open-domain
// slice, held-out texts filtered), BPE tokenizer, token files, gathered for another machine (PREPARE_ONLY=1);
// then, from that gathered folder alone, a few PyTorch steps (train/train-stage.sh) and the export to a Hugging
// Face folder; the engine loads that folder, tokenizes the validation prompts to the very ids the trainer saw,
// and its greedy continuation (f32) equals PyTorch's.
// The data half needs only Node and python3; the training half needs PyTorch in /usr/bin/python3 (Debian:
// apt-get install python3-torch libopenblas0-pthread) and is skipped without it. About 30-90 s on 2 cores.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFromPath } from '../../engine/load-model-node.js';
import { renderExtractionPrompt } from '../../extract/prompt.js';
import { REPO } from '../paths.js';

const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn('tests/train: training half skipped, /usr/bin/python3 has no PyTorch (apt-get install python3-torch libopenblas0-pthread)');

const scratch = mkdtempSync(join(tmpdir(), 'jsonlm-train-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const work = join(scratch, 'carry');   // everything below reads the gathered folder only
const model = join(scratch, 'model');
const jsonl = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe.skipIf(!existsSync(PY))('training recipe, data half (tiny config, PREPARE_ONLY=1)', () => {
  it('writes the mix (EdgeJSON-style + open-domain), token files and the folder to carry', () => {
    execFileSync('bash', ['train/run.sh'], {
      cwd: REPO, stdio: 'pipe', timeout: 110_000,
      env: { ...process.env, TINY: '1', WORK: join(scratch, 'work'), CARRY: work, PREPARE_ONLY: '1' },
    });
    expect(readFileSync(join(work, 'mix.env'), 'utf8')).toContain('DATA_NAMES="base x2 open copy"');
    const files = readdirSync(work).sort();
    for (const n of ['base', 'x2', 'open', 'copy', 'val', 'valcopy']) for (const ext of ['bin', 'idx', 'meta.jsonl']) expect(files).toContain(`${n}.${ext}`);
    for (const f of ['val.jsonl', 'tok', 'mix-stats.txt']) expect(files).toContain(f);
    // The open-domain slice (TINY: OPEN=60, VAL_OPEN=6): its token files and its validation rows.
    const openMeta = jsonl(join(work, 'open.meta.jsonl'));
    expect(openMeta).toHaveLength(60);
    expect(openMeta.every((m) => m.source === 'opendomain')).toBe(true);
    const val = jsonl(join(work, 'val.jsonl'));
    expect(val.filter((e) => e.dataset === 'opendomain')).toHaveLength(6);
    expect(val.slice(0, 12).every((e) => e.dataset === undefined)).toBe(true);   // EdgeJSON validation first
    // No validation text is a training text, and no held-out text (bench/realtext) is either.
    const trainTexts = new Set(jsonl(join(scratch, 'work', 'open.jsonl')).map((e) => e.text));
    for (const e of val) expect(trainTexts.has(e.text)).toBe(false);
    const real = ['dev.jsonl', 'test.jsonl'].flatMap((f) => jsonl(join(REPO, 'bench/realtext', f)).map((e) => e.text));
    for (const t of real) expect(trainTexts.has(t)).toBe(false);
    expect(readFileSync(join(work, 'mix-stats.txt'), 'utf8')).toMatch(/open\s+opendomain\s+60 /);
  }, 120_000);
});

describe.skipIf(!hasTorch)('training recipe, training half (tiny config, from the carried folder)', () => {
  it('trains from the carried folder, exports, and the engine matches PyTorch', async () => {
    execFileSync('bash', ['train/train-stage.sh', work], {
      cwd: REPO, stdio: 'pipe', timeout: 110_000,
      env: { ...process.env, TINY: '1', OUT_MODEL: model, COPY_BIAS: '3', VALUE_CHOICE: '1', GROUNDED: '1', DEVICE: 'cpu' },
    });
    // Validation loss is logged per source (EdgeJSON-style and open-domain).
    expect(readFileSync(join(work, 'run', 'log.txt'), 'utf8')).toMatch(/final val answer loss by source \(edgejson [\d.]+, opendomain [\d.]+\)/);
    // The auxiliary copy task (TINY sets COPY=50): its answers are the texts, token for token as in the prompt.
    const copyMeta = readFileSync(join(work, 'copy.meta.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(copyMeta).toHaveLength(50);
    expect(copyMeta.every((m) => m.tier === 'copy')).toBe(true);
    const cBin = readFileSync(join(work, 'copy.bin'));
    const cRawIdx = readFileSync(join(work, 'copy.idx'));
    const cIdx = new Int32Array(cRawIdx.buffer, cRawIdx.byteOffset, cRawIdx.length / 4);
    const cIds = new Uint16Array(cBin.buffer, cBin.byteOffset, cBin.length / 2);
    const [cs, cp, ct] = [cIdx[0], cIdx[1], cIdx[2]];
    const copied = Array.from(cIds.subarray(cs + cp, cs + ct - 1)).join(',');
    expect(Array.from(cIds.subarray(cs, cs + cp)).join(',')).toContain(copied);

    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
      tie_word_embeddings: true, eos_token_id: 2, bos_token_id: 0 });
    const tokConfig = JSON.parse(readFileSync(join(model, 'tokenizer_config.json'), 'utf8'));
    expect(tokConfig.eos_token).toBe('<|im_end|>');

    // The engine's own tokenizer and chat template give the prompt ids the trainer was fed.
    const m = await loadModelFromPath(model, { dtype: 'f32' });
    // The decoding settings the export recommends (COPY_BIAS, VALUE_CHOICE, GROUNDED) are what the engine reads back.
    expect(m.extractionHints).toEqual({ copyBias: 3, valueChoice: true, grounded: true });
    const tok = m.tokenizer!;
    expect(tok.vocabSize).toBe(config.vocab_size);
    const rawBin = readFileSync(join(work, 'val.bin'));
    const rawIdx = readFileSync(join(work, 'val.idx'));
    const bin = new Uint16Array(rawBin.buffer, rawBin.byteOffset, rawBin.length / 2);
    const idx = new Int32Array(rawIdx.buffer, rawIdx.byteOffset, rawIdx.length / 4);
    const val = readFileSync(join(work, 'val.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (let r = 0; r < 3; r++) {
      const [s, p] = [idx[r * 3], idx[r * 3 + 1]];
      const ids = tok.encode(renderExtractionPrompt(tok, val[r].schema, val[r].text));
      expect(ids).toEqual(Array.from(bin.subarray(s, s + p)));
    }

    // Greedy ids from PyTorch and from the engine (f32 weights) agree on the first validation example.
    const out = execFileSync(PY, ['train/greedy.py', '--ckpt', join(work, 'run', 'best.pt'), '--tokens', join(work, 'val'),
      '--jsonl', join(work, 'val.jsonl'), '--tokenizer', join(work, 'tok'), '--per-tier', '1', '--max-new', '12', '--ids', '--logits'],
    { cwd: REPO, encoding: 'utf8' });
    const first = JSON.parse(out.trim().split('\n')[0]) as { row: number; ids: number[]; logits: number[] };
    const r = first.row;
    const prompt = Array.from(bin.subarray(idx[r * 3], idx[r * 3] + idx[r * 3 + 1]));
    // Same logits after the prompt (the exported weights are f16, PyTorch's f32: a loose tolerance).
    const logits = m.logits(prompt);
    const scale = Math.max(...first.logits.map(Math.abs));
    const worst = Math.max(...first.logits.map((x, i) => Math.abs(x - logits[i])));
    expect(worst / scale).toBeLessThan(2e-2);
    const eos = new Set(tok.eosIds);
    const torchIds = first.ids.filter((id) => !eos.has(id));
    const res = m.generate(prompt, { maxTokens: first.ids.length, temperature: 0 });
    expect(res.ids.slice(0, torchIds.length)).toEqual(torchIds);

    // Training goes on from the exported folder (--init FOLDER): one step at a vanishing learning rate
    // lands on the exported model's validation loss (F16 rounding apart), far from a fresh model's ln(512).
    execFileSync(PY, ['train/train.py', '--init', model, '--data', join(work, 'base'), '--val', join(work, 'val'),
      '--val-jsonl', join(work, 'val.jsonl'), '--tokenizer', join(work, 'tok'), '--out', join(work, 'cont'), '--dim', '32',
      '--layers', '1', '--heads', '2', '--kv-heads', '1', '--hidden', '64', '--max-len', '1024', '--steps', '1',
      '--time-budget', '0', '--batch-tokens', '2048', '--lr', '1e-12', '--warmup', '1', '--eval-every', '1000', '--eval-n', '0',
      '--ckpt-every', '1000'], { cwd: REPO, stdio: 'pipe', timeout: 60_000 });
    const finalLoss = (dir: string) => Number(/final val answer loss ([\d.]+)/.exec(readFileSync(join(work, dir, 'log.txt'), 'utf8'))![1]);
    expect(Math.abs(finalLoss('cont') - finalLoss('run'))).toBeLessThan(0.02);
  }, 120_000);
});
