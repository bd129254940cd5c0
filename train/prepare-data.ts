// Turns EdgeJSON-style examples ({id, tier, schema, text, gold} JSONL) into what the PyTorch trainer reads,
// tokenized in Node by the same @huggingface/tokenizers library and the same prompt rendering
// (extract/prompt.ts + the ChatML template of tokenizer_config.json, run by @huggingface/jinja) that the
// engine uses at inference, so training and inference see the same ids.
//
//   words  --in a.jsonl[,b.jsonl] --out words.json
//       Pre-token counts for the BPE trainer (train/bpe.py): every rendered prompt and answer, split on the
//       special tokens and pre-tokenized by the tokenizer.json pre-tokenizer (Digits + ByteLevel), spelled
//       in the byte-level alphabet.
//   encode --tokenizer DIR --in a.jsonl[,b.jsonl] --out PREFIX [--task extract|copy] [--limit N]
//       --task copy: the auxiliary copy task (see COPY_INSTRUCTION) on the examples' texts instead of extraction.
//       --task copy-random [--seed S]: the same task on random texts (randomCopyText), one per example read.
//       PREFIX.bin  uint16 token ids, example after example (prompt, answer, <|im_end|>)
//       PREFIX.idx  int32 triples per example: start offset, prompt length, total length
//       PREFIX.meta.jsonl  {id, tier, source, answerTokens} per example, same order (source: the example's
//       'dataset', edgejson when it has none)
//   filter --in a.jsonl[,DIR] --exclude x.jsonl[,DIR] --out train.jsonl [--cap N] [--val-out v.jsonl --val-n N]
//          [--seed S] [--source NAME]
//       The mix's guard: drops every example whose text (whitespace-collapsed, lower case) is in an excluded
//       file (bench/realtext, the EdgeJSON test split, every corpus test file) or repeats an earlier one, and
//       prints the counts. Per input file, with --cap / --val-n: a seeded shuffle, the first N to --val-out,
//       the next --cap to --out. DIR: every *.jsonl in it (sorted, recursively). --source fills a missing
//       'dataset' field.
//
// Bundle: npx esbuild train/prepare-data.ts --bundle --platform=node --format=esm --outfile=/tmp/prep.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import { extractionMessages } from '../extract/prompt.js';
import type { ChatMessage } from '../tokenizer/tokenizer.js';
import { Rng } from '../bench/edgejson/prng.js';
import { filterMix } from './mix-filter.js';

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** ChatML, as written into tokenizer_config.json by train/bpe.py (kept in sync by the smoke test). */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

interface Example { id: string; tier: string; schema: unknown; text: string; gold: unknown; dataset?: string }

/** The gold value re-ordered so object keys follow the schema's `properties` order (keys the schema does not
 * name keep their order, after). The model learns one canonical key order: the order the schema shows it. */
export function orderLikeSchema(value: unknown, schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(value)) return value.map((v) => orderLikeSchema(v, s.items));
  if (value === null || typeof value !== 'object') return value;
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(props)) if (k in obj) out[k] = orderLikeSchema(obj[k], props[k]);
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** The answer the model is trained to write: compact JSON, schema key order. <|im_end|> follows it. */
export function answerText(ex: Example): string {
  return JSON.stringify(orderLikeSchema(ex.gold, ex.schema));
}

/** The auxiliary task: repeat the user's text verbatim. Extraction needs a model that can copy a span it has
 * located (an ID, a phone number, a name) token by token; on extraction data alone that ability (induction
 * heads) had not formed after ~40M tokens, the model wrote plausible digits instead of the text's. Copying whole
 * texts gives a dense copy signal on every answer token, on the very texts (numbers, codes, names) extraction
 * reads. */
export const COPY_INSTRUCTION = 'Repeat the user\'s text exactly.';

/** A text of random words (drawn from the data's own texts), digit strings, codes and decimals. On natural text a
 * model can lower its copy loss by predicting the language; on these only copying helps, and digit strings
 * (split one digit per token) can only be copied by matching several preceding tokens, as IDs and phone
 * numbers need. */
export function randomCopyText(rng: Rng, words: readonly string[]): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + rng.int(0, 25))).join('');
  const parts: string[] = [];
  for (let i = rng.int(8, 30); i > 0; i--) {
    const r = rng.int(0, 99);
    if (r < 50) parts.push(rng.pick(words));
    else if (r < 75) parts.push(digits(rng.int(2, 8)));
    else if (r < 90) parts.push(`${letters(rng.int(2, 3))}-${digits(rng.int(3, 6))}`);
    else parts.push(`${rng.int(0, 9999)}.${digits(2)}`);
  }
  return parts.join(' ');
}

/** Messages through the chat template, the assistant turn left open for the answer. */
function renderChat(template: Template, messages: ChatMessage[]): string {
  return template.render({ messages, add_generation_prompt: true, bos_token: '<|endoftext|>', eos_token: '<|im_end|>' });
}

export function renderPrompt(template: Template, schema: unknown, text: string): string {
  return renderChat(template, extractionMessages(schema, text));
}

function readExamples(paths: string): Example[] {
  const out: Example[] = [];
  for (const p of paths.split(',')) {
    for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trim()) out.push(JSON.parse(line) as Example);
  }
  return out;
}

/** A tokenizer.json with the 256 byte symbols and no merges: only its pre-tokenizer is used, to count words. */
export function bootstrapTokenizerJson(): object {
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Digits', individual_digits: true },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    ] },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: { '!': 3 }, merges: [] },
  };
}

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[++i];
  return out;
}

function countWords(a: Record<string, string>): void {
  const tok = new Tokenizer(bootstrapTokenizerJson(), {});
  const template = new Template(CHATML_TEMPLATE);
  const counts = new Map<string, number>();
  const special = new RegExp(SPECIAL_TOKENS.map((s) => s.replace(/[|]/g, '\\|')).join('|'));
  for (const ex of readExamples(a.in)) {
    const full = renderPrompt(template, ex.schema, ex.text) + answerText(ex);
    for (const piece of full.split(special)) {
      if (!piece) continue;
      for (const w of tok.pre_tokenizer!.pre_tokenize(piece)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  writeFileSync(a.out, JSON.stringify(Object.fromEntries(counts)));
  console.error(`words: ${counts.size} distinct pre-tokens -> ${a.out}`);
}

function encode(a: Record<string, string>): void {
  const tok = new Tokenizer(JSON.parse(readFileSync(join(a.tokenizer, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(a.tokenizer, 'tokenizer_config.json'), 'utf8')));
  const config = JSON.parse(readFileSync(join(a.tokenizer, 'tokenizer_config.json'), 'utf8')) as { chat_template: string };
  const template = new Template(config.chat_template);
  const imEnd = tok.token_to_id('<|im_end|>')!;
  const examples = readExamples(a.in);
  if (a.limit !== undefined) examples.splice(Number(a.limit));
  const ids: number[] = [];
  const idx = new Int32Array(examples.length * 3);
  const meta: string[] = [];
  let maxLen = 0;
  const lens: number[] = [];
  if (a.task !== undefined && !['extract', 'copy', 'copy-random'].includes(a.task)) throw new Error(`--task: extract, copy or copy-random, not ${a.task}`);
  const copy = a.task === 'copy' || a.task === 'copy-random';
  if (a.task === 'copy-random') {
    const rng = new Rng(Number(a.seed ?? 1));
    const words = [...new Set(examples.flatMap((ex) => ex.text.split(/\s+/)).filter((w) => w.length > 0))].sort();
    for (const ex of examples) ex.text = randomCopyText(rng, words);
  }
  examples.forEach((ex, i) => {
    const promptText = copy
      ? renderChat(template, [{ role: 'system', content: COPY_INSTRUCTION }, { role: 'user', content: ex.text }])
      : renderPrompt(template, ex.schema, ex.text);
    const prompt = tok.encode(promptText, { add_special_tokens: false }).ids;
    const answer = tok.encode(copy ? ex.text : answerText(ex), { add_special_tokens: false }).ids;
    idx[i * 3] = ids.length;
    idx[i * 3 + 1] = prompt.length;
    idx[i * 3 + 2] = prompt.length + answer.length + 1;
    for (const t of prompt) ids.push(t);
    for (const t of answer) ids.push(t);
    ids.push(imEnd);
    maxLen = Math.max(maxLen, idx[i * 3 + 2]);
    lens.push(idx[i * 3 + 2]);
    meta.push(JSON.stringify({ id: ex.id, tier: copy ? 'copy' : ex.tier, source: ex.dataset ?? 'edgejson', answerTokens: answer.length + 1 }));
  });
  if (ids.some((t) => t > 0xffff)) throw new Error('token id does not fit uint16');
  writeFileSync(`${a.out}.bin`, new Uint16Array(ids));
  writeFileSync(`${a.out}.idx`, idx);
  writeFileSync(`${a.out}.meta.jsonl`, meta.join('\n') + '\n');
  lens.sort((x, y) => x - y);
  const q = (f: number) => lens[Math.min(lens.length - 1, Math.floor(f * lens.length))];
  console.error(`encode: ${examples.length} examples, ${ids.length} tokens, length p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${maxLen} -> ${a.out}.{bin,idx,meta.jsonl}`);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'words') countWords(args(rest));
else if (mode === 'encode') encode(args(rest));
else if (mode === 'filter') {
  try { filterMix(args(rest)); } catch (e) { console.error(`prepare-data: ${(e as Error).message}`); process.exit(2); }
}
else if (mode !== undefined) { console.error(`unknown mode ${mode}`); process.exit(2); }
