// Budget-aware closing: once the tokens left come within reach of what the shortest completion needs,
// the document is finished along it, so a token limit still gives valid JSON (later values cut short or
// left minimal). The check runs only inside a window near the end (twice the empty document's need, plus
// slack), so the completion search stays off the usual path.
import type { TokenConstraint } from './constraint.js';

/** Closing starts when the budget left is within this many tokens of what the shortest completion needs:
 * room for the token about to be sampled to lengthen the completion (a new key, a new string). */
export const CLOSE_SLACK = 24;
/** Tokens kept in reserve beyond a completion's count: where the grammar refuses the forced tokenizer's
 * spelling, the completion is written in shorter tokens. */
export const CLOSE_MARGIN = 4;

export class BudgetCloser {
  /** The document is being finished along its shortest completion. */
  closing = false;
  private readonly canClose: boolean;
  private readonly window: number;

  /** `count`: how many tokens spell some bytes. */
  constructor(private readonly constraint: TokenConstraint | undefined, private readonly count: (bytes: Uint8Array) => number) {
    this.canClose = constraint?.shortestCompletion !== undefined;
    this.window = this.canClose ? 2 * this.tokensToClose() + 2 * CLOSE_SLACK : 0;
  }

  /** Starts closing when `budget` (tokens left) calls for it; whether closing. */
  check(budget: number): boolean {
    if (this.canClose && !this.closing && budget <= this.window && budget <= this.tokensToClose() + CLOSE_SLACK) this.closing = true;
    return this.closing;
  }

  /** Whether appending `bytes` would leave a document whose shortest completion no longer fits in
   * `budgetAfter` tokens (with CLOSE_MARGIN to spare): one token can lengthen the completion by more than
   * the slack (`},` in an array of objects calls for a whole new item), so near the end each token is
   * checked before it is written, and the document is closed instead. */
  wouldOverrun(bytes: Uint8Array, budgetAfter: number): boolean {
    if (!this.canClose || this.closing || budgetAfter > this.window || !this.constraint!.completionAfter) return false;
    const after = this.constraint!.completionAfter(bytes);
    if (after === undefined) return false;
    return after === null || this.count(after) + CLOSE_MARGIN > budgetAfter;
  }

  /** The bytes that finish the document from here (empty when none is found). */
  completion(): Uint8Array {
    return this.constraint!.shortestCompletion!() ?? new Uint8Array(0);
  }

  /** Tokens the shortest completion from here takes (0 when complete, a large number when none is found). */
  private tokensToClose(): number {
    const completion = this.constraint?.shortestCompletion?.();
    if (completion === undefined) return 0;
    if (completion === null) return Number.MAX_SAFE_INTEGER;
    return this.count(completion);
  }
}
