// SPDX-License-Identifier: Apache-2.0
//
// The two passes of the 8-bit fixed-point resampler (MediaDecoding's `ResamplePass`, Pillow's Resample.c
// arithmetic) for AVX2: 22-bit integer weights, a rounding bias of 2^21, 32-bit sums that wrap as Pillow's `int`
// does, an arithmetic shift by 22 and a clamp to 0...255. Every sum is computed modulo 2^32 exactly as the scalar
// loop's (in 32-bit lanes, or from 16-bit halves of the weights recombined), so every output byte equals the Swift
// one; only the order of the (exact, wrapping) additions differs.
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RAG_RESAMPLE_TARGET __attribute__((target("avx2")))
#define RAG_RESAMPLE_BIAS (1 << 21)

static inline RAG_RESAMPLE_TARGET uint8_t rag_clamp8(int32_t sum) {
    const int32_t shifted = sum >> 22;
    return shifted <= 0 ? 0 : shifted >= 255 ? 255 : (uint8_t)shifted;
}

// The 8 bytes at p, or (when `checked`) those of them before end, the rest zero, in the low half of a vector.
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET __m128i rag_load8(const uint8_t *p,
                                                                                   const uint8_t *end, int checked) {
    if (!checked || end - p >= 8) return _mm_loadl_epi64((const __m128i *)p);
    uint64_t bytes = 0;
    __builtin_memcpy(&bytes, p, (size_t)(end - p));
    return _mm_cvtsi64_si128((long long)bytes);
}

// `block` rows (a constant after inlining, as is c, 1 or 2 bytes per pixel) of one horizontal pass, starting at
// row `row` of src. Two neighbouring pixels go to the two 128-bit halves of one vector, one channel per 32-bit lane
// (lanes past c zero), and are multiplied by their two weights, each broadcast to its half (an odd last tap pairs
// with a zero weight); the weights of each tap pair are shared by the block's rows.
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET void
rag_resample_block(const uint8_t *src, const uint8_t *end, ptrdiff_t in_width, ptrdiff_t row, const int block,
                   const int checked, const ptrdiff_t c, __m128i spread, const ptrdiff_t *first, const ptrdiff_t *count,
                   const int32_t *weights, ptrdiff_t stride, ptrdiff_t out_width, uint8_t *dst) {
    const __m128i bias = _mm_set1_epi32(RAG_RESAMPLE_BIAS);
    const ptrdiff_t in_row = in_width * c, out_row = out_width * c;
    for (ptrdiff_t x = 0; x < out_width; x++) {
        const uint8_t *p = src + row * in_row + first[x] * c;
        const int32_t *w = weights + x * stride;
        const ptrdiff_t n = count[x];
        __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                          _mm256_setzero_si256()};
        ptrdiff_t k = 0;
        for (; k < n; k += 2) {
            const __m128i high = k + 1 < n ? _mm_set1_epi32(w[k + 1]) : _mm_setzero_si128();
            const __m256i pair = _mm256_set_m128i(high, _mm_set1_epi32(w[k]));
            for (int b = 0; b < block; b++) {
                const __m256i pixels =
                    _mm256_cvtepu8_epi32(_mm_shuffle_epi8(rag_load8(p + b * in_row, end, checked), spread));
                acc[b] = _mm256_add_epi32(acc[b], _mm256_mullo_epi32(pixels, pair));
            }
            p += 2 * c;
        }
        for (int b = 0; b < block; b++) {
            __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc[b]), _mm256_extracti128_si256(acc[b], 1));
            sum = _mm_srai_epi32(_mm_add_epi32(sum, bias), 22);
            const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(sum, sum), sum);
            const uint32_t result = (uint32_t)_mm_cvtsi128_si32(packed);
            __builtin_memcpy(dst + (row + b) * out_row + x * c, &result, (size_t)c);
        }
    }
}

// The whole pass with c = 1 or 2 bytes per pixel: blocks of four rows, then one row at a time (the last rows,
// whose 8-byte loads could pass the end, checked).
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET void
rag_resample_rows(const uint8_t *src, ptrdiff_t in_width, ptrdiff_t rows, const ptrdiff_t c, const ptrdiff_t *first,
                  const ptrdiff_t *count, const int32_t *weights, ptrdiff_t stride, ptrdiff_t out_width,
                  uint8_t *dst) {
    const uint8_t *const end = src + rows * in_width * c;
    // Bytes 0..c-1 → lanes 0..c-1 (bytes 0..3 of the shuffled vector), bytes c..2c-1 → lanes 4..4+c-1.
    char lanes[16];
    for (int i = 0; i < 16; i++) lanes[i] = (char)0x80;
    for (int i = 0; i < c; i++) {
        lanes[i] = (char)i;
        lanes[4 + i] = (char)(c + i);
    }
    const __m128i spread = _mm_loadu_si128((const __m128i *)lanes);
    // A pair's 8-byte load reads up to 6 bytes past its last tap: unchecked wherever 8 more bytes follow the row.
    const ptrdiff_t in_row = in_width * c;
    const ptrdiff_t tail = (8 + in_row - 1) / in_row, unchecked = rows > tail ? rows - tail : 0;
    ptrdiff_t r = 0;
    for (; r + 4 <= unchecked; r += 4)
        rag_resample_block(src, end, in_width, r, 4, 0, c, spread, first, count, weights, stride, out_width, dst);
    for (; r < rows; r++)
        rag_resample_block(src, end, in_width, r, 1, 1, c, spread, first, count, weights, stride, out_width, dst);
}

// The weights of taps k ..< k + 4 (zero from tap n on) split into 16-bit halves, w = hi · 2^11 + lo with
// lo = w & 0x7FF, and laid out for `_mm256_madd_epi16` against rag_spread4's pixel pairs: the low 128 bits repeat
// (w[k], w[k+1]), the high 128 bits (w[k+2], w[k+3]).
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET void
rag_weights4(const int32_t *w, ptrdiff_t k, ptrdiff_t n, __m256i *lo, __m256i *hi) {
    const __m128i live = _mm_cmpgt_epi32(_mm_set1_epi32((int)(n - k)), _mm_setr_epi32(0, 1, 2, 3));
    const __m128i w4 = _mm_maskload_epi32(w + k, live);
    const __m128i l = _mm_and_si128(w4, _mm_set1_epi32(0x7FF)), h = _mm_srai_epi32(w4, 11);
    const __m256i pairs = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
    *lo = _mm256_permutevar8x32_epi32(_mm256_castsi128_si256(_mm_packs_epi32(l, l)), pairs);
    *hi = _mm256_permutevar8x32_epi32(_mm256_castsi128_si256(_mm_packs_epi32(h, h)), pairs);
}

// The 16 bytes at p, or (when `checked`) those of them before end, the rest zero, in both 128-bit halves.
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET __m256i rag_load16x2(const uint8_t *p,
                                                                                      const uint8_t *end,
                                                                                      int checked) {
    if (!checked || end - p >= 16) return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
    uint8_t bytes[16] = {0};
    __builtin_memcpy(bytes, p, (size_t)(end - p));
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)bytes));
}

// `block` rows (a constant after inlining, as is c, 3 or 4 bytes per pixel) of one horizontal pass from row `row`,
// four taps per step with 16-bit multiply-adds: each 32-bit lane pairs channel j of taps k and k+1 (low half) or
// k+2 and k+3 (high half), multiplied by both halves of their weights. With A = Σ p·hi and B = Σ p·lo (each exact
// modulo 2^32), A · 2^11 + B is the sum Σ p·w modulo 2^32, the value the 32-bit scalar sum wraps to.
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET void
rag_resample_block4(const uint8_t *src, const uint8_t *end, ptrdiff_t in_width, ptrdiff_t row, const int block,
                    const int checked, const ptrdiff_t c, __m256i spread4, const ptrdiff_t *first,
                    const ptrdiff_t *count, const int16_t *split, ptrdiff_t groups, ptrdiff_t out_width,
                    uint8_t *dst) {
    const __m128i bias = _mm_set1_epi32(RAG_RESAMPLE_BIAS);
    const ptrdiff_t in_row = in_width * c, out_row = out_width * c;
    for (ptrdiff_t x = 0; x < out_width; x++) {
        const uint8_t *p = src + row * in_row + first[x] * c;
        const int16_t *w = split + x * groups * 32;
        const ptrdiff_t n = count[x];
        __m256i low[4], high[4];
        for (int b = 0; b < 4; b++) low[b] = high[b] = _mm256_setzero_si256();
        for (ptrdiff_t k = 0; k < n; k += 4, w += 32) {
            const __m256i wl = _mm256_loadu_si256((const __m256i *)w);
            const __m256i wh = _mm256_loadu_si256((const __m256i *)(w + 16));
            for (int b = 0; b < block; b++) {
                const __m256i pixels = _mm256_shuffle_epi8(rag_load16x2(p + b * in_row, end, checked), spread4);
                low[b] = _mm256_add_epi32(low[b], _mm256_madd_epi16(pixels, wl));
                high[b] = _mm256_add_epi32(high[b], _mm256_madd_epi16(pixels, wh));
            }
            p += 4 * c;
        }
        for (int b = 0; b < block; b++) {
            const __m256i acc = _mm256_add_epi32(low[b], _mm256_slli_epi32(high[b], 11));
            __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
            sum = _mm_srai_epi32(_mm_add_epi32(sum, bias), 22);
            const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(sum, sum), sum);
            const uint32_t result = (uint32_t)_mm_cvtsi128_si32(packed);
            __builtin_memcpy(dst + (row + b) * out_row + x * c, &result, (size_t)c);
        }
    }
}

// The whole pass with c = 3 or 4 bytes per pixel, four taps per step: the split weights of every output laid out in
// `split` first, then blocks of four rows, then one row at a time (the last rows, whose 16-byte loads could pass
// the end, checked).
static inline __attribute__((always_inline)) RAG_RESAMPLE_TARGET void
rag_resample_rows4(const uint8_t *src, ptrdiff_t in_width, ptrdiff_t rows, const ptrdiff_t c, const ptrdiff_t *first,
                   const ptrdiff_t *count, const int32_t *weights, ptrdiff_t stride, ptrdiff_t out_width,
                   int16_t *split, uint8_t *dst) {
    const uint8_t *const end = src + rows * in_width * c;
    // Low half: channel j of pixels 0 and 1 as a 16-bit pair per 32-bit lane; high half: pixels 2 and 3.
    char lanes[32];
    for (int j = 0; j < 4; j++) {
        for (int half = 0; half < 2; half++) {
            lanes[16 * half + 4 * j] = j < c ? (char)(2 * half * c + j) : (char)0x80;
            lanes[16 * half + 4 * j + 1] = (char)0x80;
            lanes[16 * half + 4 * j + 2] = j < c ? (char)((2 * half + 1) * c + j) : (char)0x80;
            lanes[16 * half + 4 * j + 3] = (char)0x80;
        }
    }
    const __m256i spread4 = _mm256_loadu_si256((const __m256i *)lanes);
    // Every output's split weights, once: `groups` steps of two vectors (low, high parts) per output.
    const ptrdiff_t groups = (stride + 3) / 4;
    for (ptrdiff_t x = 0; x < out_width; x++) {
        int16_t *w = split + x * groups * 32;
        for (ptrdiff_t k = 0; k < count[x]; k += 4, w += 32) {
            __m256i wl, wh;
            rag_weights4(weights + x * stride, k, count[x], &wl, &wh);
            _mm256_storeu_si256((__m256i *)w, wl);
            _mm256_storeu_si256((__m256i *)(w + 16), wh);
        }
    }
    const ptrdiff_t in_row = in_width * c;
    const ptrdiff_t tail = (16 + in_row - 1) / in_row, unchecked = rows > tail ? rows - tail : 0;
    ptrdiff_t r = 0;
    for (; r + 4 <= unchecked; r += 4)
        rag_resample_block4(src, end, in_width, r, 4, 0, c, spread4, first, count, split, groups, out_width, dst);
    for (; r < rows; r++)
        rag_resample_block4(src, end, in_width, r, 1, 1, c, spread4, first, count, split, groups, out_width, dst);
}

RAG_RESAMPLE_TARGET void rag_avx2_resample_horizontal_u8(const uint8_t *src, ptrdiff_t in_width, ptrdiff_t rows,
                                                         ptrdiff_t channels, const ptrdiff_t *first,
                                                         const ptrdiff_t *count, const int32_t *weights,
                                                         ptrdiff_t stride, ptrdiff_t out_width, int16_t *scratch,
                                                         uint8_t *dst) {
    switch (channels) {
    case 1: rag_resample_rows(src, in_width, rows, 1, first, count, weights, stride, out_width, dst); break;
    case 2: rag_resample_rows(src, in_width, rows, 2, first, count, weights, stride, out_width, dst); break;
    case 3: rag_resample_rows4(src, in_width, rows, 3, first, count, weights, stride, out_width, scratch, dst); break;
    default: rag_resample_rows4(src, in_width, rows, 4, first, count, weights, stride, out_width, scratch, dst); break;
    }
}

// acc + the 8 bytes at p, widened to 32 bits, times w.
static inline RAG_RESAMPLE_TARGET __m256i rag_madd8(__m256i acc, const uint8_t *p, __m256i w) {
    return _mm256_add_epi32(acc, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)), w));
}

// Eight samples per 32-bit vector, four vectors (32 bytes of a row) at a time, one broadcast weight per input row.
RAG_RESAMPLE_TARGET void rag_avx2_resample_vertical_u8(const uint8_t *src, ptrdiff_t row_length, ptrdiff_t in_rows,
                                                       const ptrdiff_t *first, const ptrdiff_t *count,
                                                       const int32_t *weights, ptrdiff_t stride, ptrdiff_t out_rows,
                                                       uint8_t *dst) {
    (void)in_rows;
    const __m256i bias = _mm256_set1_epi32(RAG_RESAMPLE_BIAS);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (ptrdiff_t y = 0; y < out_rows; y++) {
        const uint8_t *base = src + first[y] * row_length;
        const int32_t *w = weights + y * stride;
        const ptrdiff_t n = count[y];
        uint8_t *out = dst + y * row_length;
        ptrdiff_t j = 0;
        for (; j + 32 <= row_length; j += 32) {
            __m256i a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            const uint8_t *p = base + j;
            for (ptrdiff_t k = 0; k < n; k++) {
                const __m256i wk = _mm256_set1_epi32(w[k]);
                a0 = rag_madd8(a0, p, wk);
                a1 = rag_madd8(a1, p + 8, wk);
                a2 = rag_madd8(a2, p + 16, wk);
                a3 = rag_madd8(a3, p + 24, wk);
                p += row_length;
            }
            const __m256i s01 = _mm256_packs_epi32(_mm256_srai_epi32(a0, 22), _mm256_srai_epi32(a1, 22));
            const __m256i s23 = _mm256_packs_epi32(_mm256_srai_epi32(a2, 22), _mm256_srai_epi32(a3, 22));
            const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(s01, s23), order);
            _mm256_storeu_si256((__m256i *)(out + j), bytes);
        }
        for (; j + 8 <= row_length; j += 8) {
            __m256i a = bias;
            const uint8_t *p = base + j;
            for (ptrdiff_t k = 0; k < n; k++) {
                a = rag_madd8(a, p, _mm256_set1_epi32(w[k]));
                p += row_length;
            }
            a = _mm256_srai_epi32(a, 22);
            const __m128i s = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
            _mm_storel_epi64((__m128i *)(out + j), _mm_packus_epi16(s, s));
        }
        for (; j < row_length; j++) {
            uint32_t sum = RAG_RESAMPLE_BIAS;
            const uint8_t *p = base + j;
            for (ptrdiff_t k = 0; k < n; k++) {
                sum += (uint32_t)*p * (uint32_t)w[k];
                p += row_length;
            }
            out[j] = rag_clamp8((int32_t)sum);
        }
    }
}

#endif
