// Generated text as it is produced: each new id's bytes go through one streaming UTF-8 decoder, so a
// character split across tokens (byte-level BPE, byte fallback) is emitted once it is complete, and
// the result equals tokenizer.decode of the same ids.
import { opensText } from './decode.js';
import type { Tokenizer } from './tokenizer.js';

export interface TextStreamOptions {
  /** Leave out special/control tokens (default true: generated text, not markup). */
  skipSpecialTokens?: boolean;
  /** The ids already in the context (the prompt). When they are empty or only BOS, the first generated
   * text token opens the text, and a dummy-prefix tokenizer drops its leading space (as decode does and
   * as llama2.c's run.c prints after BOS). Default []. */
  precedingIds?: readonly number[];
}

export interface TextStream {
  /** Adds one generated id; returns the text completed by it (maybe '' mid-character). */
  push(id: number): string;
  /** Ends the stream; returns what is left (an incomplete character becomes U+FFFD). */
  end(): string;
}

export function createTextStream(
  tokenizer: Pick<Tokenizer, 'tokenBytes' | 'isSpecial' | 'bosId' | 'dummyPrefix'>,
  options: TextStreamOptions = {},
): TextStream {
  const skipSpecial = options.skipSpecialTokens ?? true;
  const preceding = options.precedingIds ?? [];
  const decoder = new TextDecoder('utf-8');
  // Position of the next id in the whole sequence, to apply decode's dummy-prefix rule.
  let position = preceding.length;
  let firstId: number | undefined = preceding[0];
  return {
    push(id: number): string {
      const at = position++;
      if (at === 0) firstId = id;
      let bytes = tokenizer.tokenBytes(id);
      const special = tokenizer.isSpecial(id);
      if (skipSpecial && special) return '';
      if (tokenizer.dummyPrefix && opensText(at, firstId, tokenizer.bosId) && !special && bytes[0] === 0x20) bytes = bytes.subarray(1);
      return decoder.decode(bytes, { stream: true });
    },
    end(): string {
      return decoder.decode();
    },
  };
}
