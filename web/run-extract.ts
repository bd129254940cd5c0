// The page's extraction call (extract/api.ts extractStream), with live stats for the page. Partial
// text is sent at most every PARTIAL_MS so a fast model does not flood the main thread with repaints.
import { extractStream, type Model } from '../index.js';
import type { ExtractOptions, ExtractStats } from './protocol.js';

const PARTIAL_MS = 25;

export interface RunExtraction {
  text: string;
  schema: unknown;
  options: ExtractOptions;
  signal: AbortSignal;
  /** Called with the JSON text so far; also the place where the caller checks for a stop request. */
  onPartial: (text: string, stats: ExtractStats) => void;
}

export interface ExtractionOutcome { value: unknown; text: string; valid: boolean; errors: string[]; stats: ExtractStats }

export async function runExtraction(model: Model, req: RunExtraction): Promise<ExtractionOutcome> {
  const t0 = performance.now();
  let firstAt = 0, lastSent = 0, pieces = 0, text = '';
  const it = extractStream({
    text: req.text, schema: req.schema, model,
    options: { maxTokens: req.options.maxTokens, seed: req.options.seed, temperature: req.options.temperature, signal: req.signal },
  });
  const live = (now: number): ExtractStats => ({
    promptTokens: 0, cachedPromptTokens: 0, generatedTokens: pieces, prefillMs: firstAt ? firstAt - t0 : now - t0, decodeMs: firstAt ? now - firstAt : 0,
    tokensPerSecond: firstAt && now > firstAt ? (pieces - 1) / ((now - firstAt) / 1000) : 0,
    prefillTokensPerSecond: 0, firstTokenMs: firstAt ? firstAt - t0 : 0,
  });
  for (;;) {
    const r = await it.next();
    const now = performance.now();
    if (r.done) {
      const res = r.value;
      const t = res.timings;
      const computed = t.promptTokens - t.cachedPromptTokens;
      const stats: ExtractStats = {
        promptTokens: t.promptTokens, cachedPromptTokens: t.cachedPromptTokens, generatedTokens: res.tokens, prefillMs: t.prefillMs, decodeMs: t.decodeMs,
        tokensPerSecond: t.tokensPerSecond,
        prefillTokensPerSecond: t.prefillMs > 0 ? computed / (t.prefillMs / 1000) : 0,
        firstTokenMs: firstAt ? firstAt - t0 : now - t0,
      };
      return { value: res.value, text: res.text, valid: res.valid, errors: [...(res.errors ?? []), ...res.warnings.map((w) => `warning: ${w}`)], stats };
    }
    pieces++;
    text += r.value;
    if (!firstAt) firstAt = now;
    if (now - lastSent >= PARTIAL_MS) {
      lastSent = now;
      req.onPartial(text, live(now));
    }
  }
}
