// The one error type the grammar compiler throws: every message names the keyword and the JSON pointer
// of the schema location, so a user can find what to change.

export class GrammarError extends Error {
  constructor(
    /** The schema keyword at fault ('pattern', 'not', '$ref', ...). */
    readonly keyword: string,
    /** JSON pointer (RFC 6901) of the schema object that holds the keyword, '' for the root. */
    readonly pointer: string,
    reason: string,
  ) {
    super(`${keyword} at ${pointer === '' ? '#' : '#' + pointer}: ${reason}`);
    this.name = 'GrammarError';
  }
}

/** Escapes one reference token for a JSON pointer. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}
