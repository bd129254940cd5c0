// The pre-tokenizer regexes llama.cpp uses for byte-level BPE vocabularies, chosen by GGUF's
// `tokenizer.ggml.pre` (llama-vocab.cpp). Each regex splits every piece left by the previous one into
// matches and the text between them (both kept), before byte-level BPE runs on each piece.

const GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

export interface BpePreTokenizer {
  regexes: string[];
  /** A pre-token that is a whole vocabulary entry is taken as is, without merges (Llama 3). */
  ignoreMerges: boolean;
  /** llama.cpp's BOS default for this family, when the GGUF has no add_bos_token. */
  addBos: boolean;
}

const GPT2: BpePreTokenizer = { regexes: [GPT2_REGEX], ignoreMerges: false, addBos: false };
/** StarCoder-family vocabularies (SmolLM among them): every digit is its own piece first. */
const DIGITS_THEN_GPT2: BpePreTokenizer = { regexes: ['\\p{N}', GPT2_REGEX], ignoreMerges: false, addBos: false };
const LLAMA3: BpePreTokenizer = { regexes: [LLAMA3_REGEX], ignoreMerges: true, addBos: true };

const BY_NAME: Record<string, BpePreTokenizer> = {
  'gpt-2': GPT2, 'phi-2': GPT2, mpt: GPT2, olmo: GPT2, jais: GPT2,
  smollm: DIGITS_THEN_GPT2, starcoder: DIGITS_THEN_GPT2, refact: DIGITS_THEN_GPT2, 'command-r': DIGITS_THEN_GPT2,
  codeshell: DIGITS_THEN_GPT2, exaone: DIGITS_THEN_GPT2,
  llama3: LLAMA3, 'llama-v3': LLAMA3, 'llama-bpe': LLAMA3, 'falcon3': LLAMA3,
};

export const SUPPORTED_BPE_PRE_NAMES = Object.keys(BY_NAME);

export function bpePreTokenizer(name: string): BpePreTokenizer {
  const pre = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
  if (!pre) {
    throw new Error(`GGUF tokenizer.ggml.pre ${JSON.stringify(name)} is not supported for byte-level BPE ` +
      `(supported: ${SUPPORTED_BPE_PRE_NAMES.join(', ')})`);
  }
  return pre;
}
