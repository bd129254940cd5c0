// SentencePiece BPE by scores, as llama.cpp's llm_tokenizer_spm and llama2.c's encode() do it: start
// from one symbol per Unicode character, repeatedly merge the adjacent pair whose concatenation is the
// vocabulary token with the highest score (ties: the leftmost pair), until no pair is a token. A
// character that is not itself a token is written as its UTF-8 bytes, one byte-fallback token each.
//
// Both callers prepare the text first (dummy-prefix space, GGUF's '▁' for spaces); this file only
// merges. llama.cpp keeps a priority queue of candidate pairs; llama2.c rescans the whole list for the
// best pair each round. They pick the same pair every round, and the queue is what keeps long prompts
// (one SentencePiece "word" can be the whole text) from costing O(n²) lookups.

export interface SpmVocab {
  /** Token text (as the vocabulary spells it) -> id. */
  idOf: ReadonlyMap<string, number>;
  scores: ArrayLike<number>;
  /** Byte value -> its byte-fallback token id, or -1 when the vocabulary has none. */
  byteIds: ArrayLike<number>;
  /** Used for a byte with no byte-fallback token; without one such text cannot be encoded. */
  unknownId?: number;
}

interface Candidate {
  left: number;
  right: number;
  score: number;
  /** Combined UTF-16 length when queued: a stale candidate (one side merged since) no longer matches. */
  length: number;
}

/** The first candidate wins: higher score, then lower left index. */
function before(a: Candidate, b: Candidate): boolean {
  return a.score > b.score || (a.score === b.score && a.left < b.left);
}

class CandidateQueue {
  private heap: Candidate[] = [];
  get size(): number { return this.heap.length; }
  push(c: Candidate): void {
    const h = this.heap;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }
  pop(): Candidate {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && before(h[l], h[best])) best = l;
        if (r < h.length && before(h[r], h[best])) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best], h[i]];
        i = best;
      }
    }
    return top;
  }
}

const UTF8 = new TextEncoder();

export function spmEncode(text: string, vocab: SpmVocab): number[] {
  // Symbols as a doubly linked list over the characters; a merged-away symbol has text ''.
  const symbols = Array.from(text);
  const n = symbols.length;
  if (n === 0) return [];
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }

  const queue = new CandidateQueue();
  const tryPair = (left: number, right: number): void => {
    if (left < 0 || right < 0) return;
    const joined = symbols[left] + symbols[right];
    const id = vocab.idOf.get(joined);
    if (id === undefined) return;
    queue.push({ left, right, score: vocab.scores[id], length: joined.length });
  };
  for (let i = 1; i < n; i++) tryPair(i - 1, i);

  while (queue.size > 0) {
    const { left, right, length } = queue.pop();
    const l = symbols[left];
    const r = symbols[right];
    if (l === '' || r === '' || l.length + r.length !== length || next[left] !== right) continue;
    symbols[left] = l + r;
    symbols[right] = '';
    next[left] = next[right];
    if (next[right] >= 0) prev[next[right]] = left;
    tryPair(prev[left], left);
    tryPair(left, next[left]);
  }

  const ids: number[] = [];
  for (let i = 0; i !== -1; i = next[i]) {
    const id = vocab.idOf.get(symbols[i]);
    if (id !== undefined) {
      ids.push(id);
      continue;
    }
    // Only single characters can miss: every merge made a token.
    for (const byte of UTF8.encode(symbols[i])) {
      const byteId = vocab.byteIds[byte];
      if (byteId >= 0) ids.push(byteId);
      else if (vocab.unknownId !== undefined) ids.push(vocab.unknownId);
      else throw new Error(`cannot encode ${JSON.stringify(symbols[i])}: it is not in the vocabulary and there is no byte-fallback token for byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}`);
    }
  }
  return ids;
}
