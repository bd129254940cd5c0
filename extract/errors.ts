// Errors extraction raises for bad input, each its own class so callers (the CLI's exit codes, a web
// page's messages) can tell them apart without parsing messages.

/** The prompt (instruction + schema + text) leaves no room in the model's context to write the JSON. */
export class TextTooLongError extends Error {
  override name = 'TextTooLongError';
  constructor(readonly promptTokens: number, readonly contextLength: number, readonly minOutputTokens: number) {
    super(`the text is too long for the model's context: the prompt (instruction + schema + text) takes ` +
      `${promptTokens} tokens, the context holds ${contextLength}, and at least ${minOutputTokens} must be left ` +
      `for the JSON; shorten the text by about ${promptTokens + minOutputTokens - contextLength} tokens`);
  }
}

/** The model cannot be used for extraction (no tokenizer, ...). */
export class ExtractSetupError extends Error {
  override name = 'ExtractSetupError';
}
