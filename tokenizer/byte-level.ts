// GPT-2's byte-level alphabet: byte-level BPE vocabularies (GPT-2, SmolLM, Llama 3) spell every byte as
// one printable Unicode character, so a token string like "Ġthe" stands for the bytes " the". Printable
// Latin-1 bytes stand for themselves; the 68 others (controls, space, 0x7F-0xA0, 0xAD) are moved to
// U+0100 and up, in byte order. This is the table of OpenAI's `bytes_to_unicode`.

function buildByteToChar(): string[] {
  const byteToChar: string[] = new Array(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    byteToChar[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return byteToChar;
}

/** byte value -> the character that spells it in a byte-level vocabulary. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** char code -> byte value, or -1 for characters outside the byte-level alphabet. */
const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(256 + 68).fill(-1);
  BYTE_TO_CHAR.forEach((ch, byte) => { table[ch.charCodeAt(0)] = byte; });
  return table;
})();

/** The bytes a byte-level token string stands for; undefined when it holds a character outside the
 * alphabet (such strings are added tokens written as plain text, e.g. "<|im_start|>" is ASCII and maps
 * to itself, but a non-Latin added token would not). */
export function byteLevelToBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const byte = code < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[code] : -1;
    if (byte < 0) return undefined;
    out[i] = byte;
  }
  return out;
}

/** Spells UTF-8 bytes in the byte-level alphabet (the inverse of byteLevelToBytes). */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += BYTE_TO_CHAR[byte];
  return out;
}
