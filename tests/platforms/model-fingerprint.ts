// Model logits fingerprints (filled in once the engine's public API lands).
import type { Recorder } from './fingerprint.js';

export interface ModelInputs {
  /** The bytes of ../shared/models/stories260K/stories260K.bin (llama2.c format). */
  stories260K?: Uint8Array;
}

export async function modelFingerprints(_rec: Recorder, _inputs: ModelInputs): Promise<void> {}
