// What extraction needs from a grammar: per step, the set of allowed token ids; bytes the grammar forces
// next (so they can be fed without running the model); whether the JSON is complete. grammar/ provides
// it (grammar-constraint.ts adapts it); tests may plug in any other implementation.

export interface TokenConstraint {
  /** Bitset over token ids (bit i of word i>>5): the ids allowed next. When the document is complete it
   * includes the EOS ids. */
  allowed(): Uint32Array;
  /** Consumes one token; throws when the token is not allowed. */
  advance(id: number): void;
  /** Bytes every valid continuation starts with (empty when there is a choice). */
  forcedBytes(): Uint8Array;
  /** The document so far is a complete value of the schema. */
  isComplete(): boolean;
  reset(): void;
  /** Whether `bytes` may follow the document so far (nothing is consumed); lets the decoder check a
   * candidate value before scoring it. */
  accepts?(bytes: Uint8Array): boolean;
  /** The shortest bytes that complete the document from here (null when none is found); lets the
   * decoder close the document validly when its token budget runs low. */
  shortestCompletion?(): Uint8Array | null;
  /** shortestCompletion after `bytes`, nothing consumed (undefined when the bytes cannot follow). */
  completionAfter?(bytes: Uint8Array): Uint8Array | null | undefined;
}

/** A schema compiled once, from which each extraction takes a fresh constraint. */
export interface CompiledConstraint {
  create(): TokenConstraint;
  /** Things the compiler relaxed or ignored (e.g. a format it does not enforce), for the user to see. */
  warnings: readonly string[];
}

/** Compiles schemas against one tokenizer's vocabulary. */
export interface ConstraintCompiler {
  compile(schema: unknown): CompiledConstraint;
}
