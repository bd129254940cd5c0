// A test constraint that admits exactly one document: a token is allowed when its bytes continue the
// target. With `force`, it also reports the whole remaining target as forced bytes (jump-forward).
import type { ConstraintCompiler, TokenConstraint } from '../../extract/constraint.js';
import type { Tokenizer } from '../../tokenizer/tokenizer.js';

export function literalCompiler(target: string, force: boolean): (t: Tokenizer) => ConstraintCompiler {
  return (tokenizer) => ({
    compile: () => ({ warnings: [], create: () => new LiteralConstraint(new TextEncoder().encode(target), tokenizer, force) }),
  });
}

export class LiteralConstraint implements TokenConstraint {
  private at = 0;
  advanced: number[] = [];
  constructor(private readonly target: Uint8Array, private readonly tokenizer: Tokenizer, private readonly force: boolean) {}

  allowed(): Uint32Array {
    const bits = new Uint32Array((this.tokenizer.vocabSize + 31) >>> 5);
    for (let id = 0; id < this.tokenizer.vocabSize; id++) if (this.fits(id)) bits[id >>> 5] |= 1 << (id & 31);
    if (this.isComplete()) for (const id of this.tokenizer.eosIds) bits[id >>> 5] |= 1 << (id & 31);
    return bits;
  }

  private fits(id: number): boolean {
    if (this.tokenizer.isSpecial(id)) return false;
    const b = this.tokenizer.tokenBytes(id);
    if (b.length === 0 || this.at + b.length > this.target.length) return false;
    return b.every((x, i) => this.target[this.at + i] === x);
  }

  advance(id: number): void {
    if (!this.fits(id)) throw new Error(`token ${id} does not continue the target`);
    this.at += this.tokenizer.tokenBytes(id).length;
    this.advanced.push(id);
  }
  forcedBytes(): Uint8Array { return this.force ? this.target.subarray(this.at) : new Uint8Array(0); }
  isComplete(): boolean { return this.at === this.target.length; }
  shortestCompletion(): Uint8Array { return this.target.subarray(this.at); }
  reset(): void { this.at = 0; this.advanced = []; }
}
