// The value a logits row holds for a token that may not be sampled: the forward pass writes it for rows
// it skips (the LM head computes only the allowed tokens), the mask kernel writes it, the sampler skips it.
// Finite, so the kernels' softmax and max stay NaN-free; exact in f32, and x128 is still finite.
export const MASKED_LOGIT = -(2 ** 120);
