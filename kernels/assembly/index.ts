// The kernels module root: every export here is listed, with its signature, in kernels/kernels.ts
// (KernelExports). Pointers are byte offsets into linear memory; nothing here allocates.
export { expf, logf, sinf, cosf } from './math';
export { quantize_rows_q8, dequantize_rows_q8, f32_to_f16_bits, f16_bits_to_f32 } from './quant';
export { matvec_q8, matmul_q8, matmul_q8_tiled, matmul_q8_scratch_bytes } from './matvec-q8';
export { matvec_q4, matmul_q4, matmul_q4_scratch_bytes, unpack_q4_rows, dequantize_rows_q4 } from './matvec-q4';
export { matvec_f32, matmul_f32 } from './matvec-f32';
export { rmsnorm } from './norm';
export { rope_table, rope } from './rope';
export { softmax, swiglu } from './activation';
export { attention, attention_f16, attention_f16_scratch_bytes } from './attention';
export { f32_to_f16_rows, f16_to_f32_rows } from './f16-rows';
export { add, scale, apply_mask, argmax } from './elementwise';

/** First free byte after the module's static data (the argument-check messages): the loader's allocator
 * starts above it. */
export function heap_base(): usize { return __heap_base; }
