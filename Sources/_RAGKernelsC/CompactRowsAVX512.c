// SPDX-License-Identifier: Apache-2.0
// Compact-row scans against a Float32 query with AVX-512 F/BW/VL: the same four kernels as CompactRowsAVX2.c
// (Float16 rows, and 8-bit codes with a per-component affine decoding), sixteen components per vector. The last
// components of a row are read with masked loads, which touch no byte past the row, instead of a scalar loop.
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RAG_COMPACT512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

// Software prefetch 8 KiB ahead of each row. The flat index hands these kernels one chunk of 512 rows at a time,
// each chunk its own 64-byte-aligned allocation, and there the hardware prefetcher alone left the loops waiting on
// memory: on a Zen 5 guest at 100,000 × 384 (C harness, chunks laid out as the index lays them out) the Float16
// squared-L2 scan went 41–45 → 58–61 M rows/s and the 8-bit inner product 71–80 → 100–107 with 8–16 KiB ahead,
// where 2 KiB did little and 1 KiB hurt. (Over one long misaligned buffer the AVX2 file's shorter distances had
// slowed the Float16 loop instead.) A prefetch is a hint: past the end of a chunk it reads nothing and never
// faults.
#define RAG_COMPACT512_PREFETCH_BYTES 8192

static inline RAG_COMPACT512_TARGET void rag_prefetch_ahead(const void *row, ptrdiff_t bytes) {
    const char *ahead = (const char *)row + RAG_COMPACT512_PREFETCH_BYTES;
    for (ptrdiff_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(ahead + offset, 0, 3);
}

// Components left over after the 64-wide steps, as a mask of the low `count` (< 16) lanes.
static inline RAG_COMPACT512_TARGET __mmask16 rag_tail_mask(ptrdiff_t count) {
    return (__mmask16)((1u << count) - 1u);
}

static inline RAG_COMPACT512_TARGET __m512 rag_halves16(const uint16_t *p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}

static inline RAG_COMPACT512_TARGET __m512 rag_halves_masked(const uint16_t *p, __mmask16 mask) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, p));
}

static inline RAG_COMPACT512_TARGET __m512 rag_bytes16(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)));
}

static inline RAG_COMPACT512_TARGET __m512 rag_bytes_masked(const uint8_t *p, __mmask16 mask) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, p)));
}

static inline RAG_COMPACT512_TARGET float rag_sum4(__m512 s0, __m512 s1, __m512 s2, __m512 s3) {
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

static inline RAG_COMPACT512_TARGET __m512 rag_add_square(__m512 d, __m512 acc) { return _mm512_fmadd_ps(d, d, acc); }

// The row loop all four kernels share. STEP(acc, j) returns acc plus the terms of components j … j + 15 of `row`;
// TAIL(acc, j, mask) the same for the components under `mask` (the row's last dimension − j < 16). Sixteen-wide
// steps rotate over four accumulators, a row's leftover full steps go to the first and its tail to the second,
// and out[r] = FINISH(sum of the four).
#define RAG_COMPACT512_ROWS(ROW_TYPE, BASE, STEP, TAIL, FINISH)                                                \
    for (ptrdiff_t r = 0; r < count; r++) {                                                                    \
        const ROW_TYPE *row = (BASE) + r * dimension;                                                          \
        rag_prefetch_ahead(row, dimension * (ptrdiff_t)sizeof(ROW_TYPE));                                      \
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),                 \
               s3 = _mm512_setzero_ps();                                                                       \
        ptrdiff_t i = 0;                                                                                       \
        for (; i + 64 <= dimension; i += 64) {                                                                 \
            s0 = STEP(s0, i);                                                                                  \
            s1 = STEP(s1, i + 16);                                                                             \
            s2 = STEP(s2, i + 32);                                                                             \
            s3 = STEP(s3, i + 48);                                                                             \
        }                                                                                                      \
        for (; i + 16 <= dimension; i += 16) s0 = STEP(s0, i);                                                 \
        if (i < dimension) s1 = TAIL(s1, i, rag_tail_mask(dimension - i));                                     \
        out[r] = FINISH(rag_sum4(s0, s1, s2, s3));                                                             \
    }

#define RAG_AS_IS(x) (x)
#define RAG_PLUS_BIAS(x) (bias + (x))

// MARK: - Float16 rows

#define RAG_HALF_DOT(acc, j) _mm512_fmadd_ps(_mm512_loadu_ps(query + (j)), rag_halves16(row + (j)), acc)
#define RAG_HALF_DOT_TAIL(acc, j, mask)                                                                        \
    _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, query + (j)), rag_halves_masked(row + (j), mask), acc)
#define RAG_HALF_L2(acc, j) rag_add_square(_mm512_sub_ps(_mm512_loadu_ps(query + (j)), rag_halves16(row + (j))), acc)
#define RAG_HALF_L2_TAIL(acc, j, mask)                                                                         \
    rag_add_square(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, query + (j)), rag_halves_masked(row + (j), mask)), acc)

RAG_COMPACT512_TARGET void rag_avx512_half_dots(const float *query, const uint16_t *rows, ptrdiff_t dimension,
                                                ptrdiff_t count, float *out) {
    RAG_COMPACT512_ROWS(uint16_t, rows, RAG_HALF_DOT, RAG_HALF_DOT_TAIL, RAG_AS_IS)
}

RAG_COMPACT512_TARGET void rag_avx512_half_squared_l2s(const float *query, const uint16_t *rows,
                                                       ptrdiff_t dimension, ptrdiff_t count, float *out) {
    RAG_COMPACT512_ROWS(uint16_t, rows, RAG_HALF_L2, RAG_HALF_L2_TAIL, RAG_AS_IS)
}

// MARK: - 8-bit codes with a per-component affine decoding

#define RAG_U8_DOT(acc, j) _mm512_fmadd_ps(_mm512_loadu_ps(weights + (j)), rag_bytes16(row + (j)), acc)
#define RAG_U8_DOT_TAIL(acc, j, mask)                                                                          \
    _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, weights + (j)), rag_bytes_masked(row + (j), mask), acc)
// offset − scale · code is the query's component minus the row's decoded one (ScalarQuantizer.squaredL2Form).
#define RAG_U8_L2(acc, j)                                                                                      \
    rag_add_square(                                                                                            \
        _mm512_fnmadd_ps(_mm512_loadu_ps(scales + (j)), rag_bytes16(row + (j)), _mm512_loadu_ps(offsets + (j))), acc)
#define RAG_U8_L2_TAIL(acc, j, mask)                                                                           \
    rag_add_square(_mm512_fnmadd_ps(_mm512_maskz_loadu_ps(mask, scales + (j)), rag_bytes_masked(row + (j), mask), \
                                    _mm512_maskz_loadu_ps(mask, offsets + (j))),                               \
                   acc)

RAG_COMPACT512_TARGET void rag_avx512_u8_affine_dots(const float *weights, float bias, const uint8_t *codes,
                                                     ptrdiff_t dimension, ptrdiff_t count, float *out) {
    RAG_COMPACT512_ROWS(uint8_t, codes, RAG_U8_DOT, RAG_U8_DOT_TAIL, RAG_PLUS_BIAS)
}

RAG_COMPACT512_TARGET void rag_avx512_u8_affine_squared_l2s(const float *offsets, const float *scales,
                                                            const uint8_t *codes, ptrdiff_t dimension,
                                                            ptrdiff_t count, float *out) {
    RAG_COMPACT512_ROWS(uint8_t, codes, RAG_U8_L2, RAG_U8_L2_TAIL, RAG_AS_IS)
}
#endif
