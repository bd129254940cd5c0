// Jump-forward: when the grammar forces the next bytes (a key name, `":`, a closing brace), they become
// tokens without sampling. The tokenizer's own encoding is preferred (it is what the model was trained
// on); when it does not reproduce the bytes exactly (a dummy-prefix space, normalization), a greedy
// longest match over the vocabulary's byte strings does.
import type { Tokenizer } from '../tokenizer/tokenizer.js';

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

export class ForcedTokenizer {
  /** Non-special token byte strings (as latin1 strings) -> id; the shortest id wins a duplicate. */
  private readonly byBytes = new Map<string, number>();
  private readonly maxLength: number;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly tokenizer: Tokenizer) {
    let max = 1;
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      if (tokenizer.isSpecial(id)) continue;
      const bytes = tokenizer.tokenBytes(id);
      if (bytes.length === 0) continue;
      const key = latin1(bytes);
      if (!this.byBytes.has(key)) this.byBytes.set(key, id);
      max = Math.max(max, bytes.length);
    }
    this.maxLength = max;
  }

  /** How many tokens spell `bytes`: the tokens found, plus one per byte they leave uncovered (an upper
   * bound of what byte-fallback or single-byte tokens would take). */
  count(bytes: Uint8Array): number {
    const ids = this.encode(bytes);
    const covered = ids.reduce((n, id) => n + this.tokenizer.tokenBytes(id).length, 0);
    return ids.length + (bytes.length - covered);
  }

  /** Token ids whose bytes concatenate to exactly `bytes` (possibly fewer bytes when some cannot be
   * covered; the caller only feeds the tokens the grammar accepts anyway). */
  encode(bytes: Uint8Array): number[] {
    const viaTokenizer = this.viaTokenizer(bytes);
    return viaTokenizer ?? this.longestMatch(bytes);
  }

  private viaTokenizer(bytes: Uint8Array): number[] | undefined {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      return undefined; // forced bytes end inside a UTF-8 character
    }
    const ids = this.tokenizer.encode(text, { addSpecialTokens: false });
    const got = ids.flatMap((id) => Array.from(this.tokenizer.tokenBytes(id)));
    if (got.length !== bytes.length || got.some((b, i) => b !== bytes[i])) return undefined;
    return ids;
  }

  private longestMatch(bytes: Uint8Array): number[] {
    const out: number[] = [];
    let at = 0;
    while (at < bytes.length) {
      let found = -1, len = Math.min(this.maxLength, bytes.length - at);
      for (; len > 0; len--) {
        const id = this.byBytes.get(latin1(bytes.subarray(at, at + len)));
        if (id !== undefined) { found = id; break; }
      }
      if (found < 0) break;
      out.push(found);
      at += len;
    }
    return out;
  }
}
