// Its own file so that kernels.ts and thread-pool.ts can both name it without importing each other.
/** A byte offset into the kernels' linear memory. */
export type Ptr = number;
