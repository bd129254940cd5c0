/* Manual check helper (tests/weights/llama-cpp-quant-check.mjs): ggml's own dequantization of a row.
 * Usage: ggml-dequant TYPE_ID N < blocks > f32 values. Links libggml-base (a llama.cpp build). */
#include <stdio.h>
#include <stdlib.h>
#include "ggml.h"

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: ggml-dequant TYPE_ID N\n"); return 2; }
    enum ggml_type type = (enum ggml_type) atoi(argv[1]);
    int64_t n = atoll(argv[2]);
    size_t bytes = ggml_row_size(type, n);
    void *src = malloc(bytes);
    float *dst = malloc(n * sizeof(float));
    if (fread(src, 1, bytes, stdin) != bytes) { fprintf(stderr, "short input\n"); return 1; }
    const struct ggml_type_traits *traits = ggml_get_type_traits(type);
    if (!traits->to_float) { fprintf(stderr, "no to_float for type %d\n", (int) type); return 1; }
    traits->to_float(src, dst, n);
    fwrite(dst, sizeof(float), n, stdout);
    return 0;
}
