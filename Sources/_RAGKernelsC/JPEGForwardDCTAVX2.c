// SPDX-License-Identifier: Apache-2.0
//
// The JPEG encoder's forward DCT with quantisation (MediaDecoding's `JPEGEncoderKernels.quantizedBlocks`) for
// AVX2: the same two 8×8 matrix products in Float32, each lane summing its products in the same order with a
// separate rounding for every multiply and every add (no FMA: the target has none, and contraction is off), the
// same division by the quantiser, and the same rounding half away from zero through Float64. So every
// coefficient equals the Swift one exactly.
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)

#define RAG_FDCT_TARGET __attribute__((target("avx2")))

// Four floats rounded half away from zero through Float64 and truncated to Int32.
static inline RAG_FDCT_TARGET __m128i rag_round_half_away(__m128 values) {
    const __m256d value = _mm256_cvtps_pd(values);
    const __m256d nonnegative = _mm256_cmp_pd(value, _mm256_setzero_pd(), _CMP_GE_OQ);
    const __m256d half = _mm256_blendv_pd(_mm256_set1_pd(-0.5), _mm256_set1_pd(0.5), nonnegative);
    return _mm256_cvttpd_epi32(_mm256_add_pd(value, half));
}

RAG_FDCT_TARGET void rag_avx2_jpeg_forward_dct(const float *plane, ptrdiff_t width, ptrdiff_t height,
                                               const float *basis, const float *quant, const ptrdiff_t *position,
                                               int32_t *blocks) {
    __m256 columns[8];
    for (int x = 0; x < 8; x++) {
        columns[x] = _mm256_setr_ps(basis[x], basis[8 + x], basis[16 + x], basis[24 + x], basis[32 + x],
                                    basis[40 + x], basis[48 + x], basis[56 + x]);
    }
    int32_t *target = blocks;
    for (ptrdiff_t by = 0; by < height; by += 8) {
        for (ptrdiff_t bx = 0; bx < width; bx += 8) {
            // Rows: rows[y][u] = Σx basis[u][x] · s[y][x], x in order.
            __m256 rows[8];
            for (int y = 0; y < 8; y++) {
                const float *s = plane + (by + y) * width + bx;
                __m256 sum = _mm256_setzero_ps();
                for (int x = 0; x < 8; x++) sum = _mm256_add_ps(sum, _mm256_mul_ps(columns[x], _mm256_set1_ps(s[x])));
                rows[y] = sum;
            }
            // Columns: F[v][u] = Σy basis[v][y] · rows[y][u], y in order; then quantise and round.
            int32_t natural[64];
            for (int v = 0; v < 8; v++) {
                const float *w = basis + v * 8;
                __m256 sum = _mm256_setzero_ps();
                for (int y = 0; y < 8; y++) sum = _mm256_add_ps(sum, _mm256_mul_ps(rows[y], _mm256_set1_ps(w[y])));
                const __m256 scaled = _mm256_div_ps(sum, _mm256_loadu_ps(quant + v * 8));
                const __m128i low = rag_round_half_away(_mm256_castps256_ps128(scaled));
                const __m128i high = rag_round_half_away(_mm256_extractf128_ps(scaled, 1));
                _mm_storeu_si128((__m128i *)(natural + v * 8), low);
                _mm_storeu_si128((__m128i *)(natural + v * 8 + 4), high);
            }
            for (int i = 0; i < 64; i++) target[position[i]] = natural[i];
            target += 64;
        }
    }
}

#endif
