// Prompt-lookup drafting: most of an extracted document is copied from somewhere the decoder can already
// see (a value from the input text, a key name the grammar forces), so the next few tokens can be guessed
// without the model, checked in ONE batched pass over the guess, and kept as far as they are right.
//
// Exactness by construction: drafting never decides a token. The decoding loop runs step by step as
// without it (the same mask, copy bias, value choice, sampler call and PRNG draw per step); only the
// logits it reads may come from a row of the batched pass instead of a one-token pass. A row is used only
// while the tokens written so far equal the drafted ones that row follows, and the engine's batched rows
// are bit-identical to one-token passes (tests/engine/session-generate.test.ts), so the output is the
// same bytes as plain decoding at any temperature or seed. A wrong guess costs the rows after it; the
// next step recomputes from the common prefix (Session.prefill rewinds the KV cache there).
import type { Kernels, Ptr } from '../kernels/kernels.js';
import { MASKED_LOGIT } from '../engine/masked-logit.js';
import type { Session } from '../engine/session.js';
import type { TokenConstraint } from './constraint.js';
import type { CopyTracker } from './copy-bias.js';
import type { ForcedTokenizer } from './forced-tokens.js';

/** Tokens drafted per batched pass: enough for most values, short enough that a miss wastes little. */
export const DRAFT_TOKENS = 8;
/** Bytes of source text read for a draft (more than DRAFT_TOKENS tokens ever spell). */
const DRAFT_BYTES = 64;
const NUL = 0x00, SPACE = 0x20;

/** Counts for reports and tests: passes run over drafts, tokens drafted, drafted tokens the decoder then
 * wrote (rows used without a model pass). */
export interface DraftStats { passes: number; drafted: number; accepted: number }

/** Holds the rows of the last drafted pass and hands them out while the sequence follows the draft. */
export class Drafter {
  readonly stats: DraftStats = { passes: 0, drafted: 0, accepted: 0 };
  /** rows[j]: the logits after the first `start + j` tokens of `ids`. */
  private rows: Float32Array[] = [];
  private ids: number[] = [];
  private start = 0;
  /** session.evaluated right after the drafted pass: any other model run since invalidates the rows (a
   * value choice scores candidates in the same cache). */
  private evaluatedAt = -1;
  private readonly out: Ptr;

  constructor(private readonly session: Session, private readonly kernels: Kernels, private readonly vocabSize: number) {
    this.out = kernels.alloc(vocabSize * 4);
  }

  /** Forgets the rows and zeroes the counts (a new extraction). */
  reset(): void {
    this.rows = [];
    this.stats.passes = this.stats.drafted = this.stats.accepted = 0;
  }

  /** The logits after `seq` (a pointer valid until the next call), masked to `allowed` when given, exactly
   * as Session.prefill(seq, { allowed }) computes them. `propose` is asked for a draft (token ids that may
   * follow `seq`; at most `room`) only when a model pass is needed anyway. */
  logitsAfter(seq: readonly number[], allowed: Ptr | undefined, propose: () => readonly number[], room: number): Ptr {
    const row = this.rowFor(seq);
    if (row) {
      if (seq.length > this.start) this.stats.accepted++;
      return this.emitRow(row, allowed);
    }
    this.rows = [];
    const draft = room > 0 ? propose().slice(0, room) : [];
    if (draft.length === 0) return this.session.prefill(seq, { allowed });
    const cached = this.session.tokens;
    let reuse = 0;
    while (reuse < cached.length && reuse < seq.length - 1 && cached[reuse] === seq[reuse]) reuse++;
    this.session.rewind(reuse);
    const rows = this.session.extend([...seq.slice(reuse), ...draft]);
    this.stats.passes++;
    this.stats.drafted += draft.length;
    this.ids = [...seq, ...draft];
    this.start = seq.length;
    this.rows = rows.slice(seq.length - 1 - reuse);
    this.evaluatedAt = this.session.evaluated;
    return this.emitRow(this.rows[0], allowed);
  }

  /** The row after `seq` from the last drafted pass, if `seq` followed the draft that far. */
  private rowFor(seq: readonly number[]): Float32Array | undefined {
    const j = seq.length - this.start;
    if (this.rows.length === 0 || j < 0 || j >= this.rows.length || this.session.evaluated !== this.evaluatedAt) return undefined;
    for (let i = this.start; i < seq.length; i++) if (seq[i] !== this.ids[i]) return undefined;
    // The cache must still hold the drafted tokens up to here (a value choice rewinds it).
    const cached = this.session.tokens;
    if (cached.length < seq.length) return undefined;
    for (let i = this.start; i < seq.length; i++) if (cached[i] !== seq[i]) return undefined;
    return this.rows[j];
  }

  private emitRow(row: Float32Array, allowed: Ptr | undefined): Ptr {
    this.kernels.f32(this.out, this.vocabSize).set(row);
    // The allowed-token LM head leaves the rest MASKED_LOGIT and its computed logits equal a full row's.
    if (allowed !== undefined) this.kernels.exports.apply_mask(this.out, allowed, this.vocabSize, MASKED_LOGIT);
    return this.out;
  }
}

/** The draft at this point of the document: the bytes the grammar forces next (a key, `":`), else the
 * continuation of the text at the first place the value written so far occurs in it (up to the next
 * separator), as the tokenizer would spell them, cut where the grammar (`constraint.accepts`, when it has
 * one) would refuse them. Empty when there is nothing to copy. */
export function proposeDraft(constraint: TokenConstraint | undefined, copy: CopyTracker | undefined, forced: ForcedTokenizer,
  tokenBytes: (id: number) => Uint8Array, max = DRAFT_TOKENS): number[] {
  const forcedBytes = constraint?.forcedBytes();
  const ids = forcedBytes && forcedBytes.length > 0 ? forced.encode(forcedBytes).slice(0, max) : copyDraft(copy, forced, max);
  if (!constraint?.accepts || ids.length === 0) return ids;
  // Plain decoding never writes what the grammar refuses: rows past that point would be wasted work.
  const spelled: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    for (const b of tokenBytes(ids[k])) spelled.push(b);
    if (!constraint.accepts(Uint8Array.from(spelled))) return ids.slice(0, k);
  }
  return ids;
}

function copyDraft(copy: CopyTracker | undefined, forced: ForcedTokenizer, max: number): number[] {
  if (!copy || copy.openValue === 'none' || copy.valueLength === 0) return [];
  const cont = copy.continuations();
  if (!cont || cont.positions.length === 0) return [];
  const p = cont.positions[0];
  let end = Math.min(cont.bytes.length, p + DRAFT_BYTES);
  const stop = copy.openValue === 'string' ? NUL : SPACE;
  for (let i = p; i < end; i++) if (cont.bytes[i] === stop) { end = i; break; }
  if (end <= p) return [];
  return forced.encode(cont.bytes.subarray(p, end)).slice(0, max);
}
