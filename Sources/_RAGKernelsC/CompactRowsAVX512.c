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

// MARK: - Float16 rows

RAG_COMPACT512_TARGET void rag_avx512_half_dots(const float *query, const uint16_t *rows, ptrdiff_t dimension,
                                                ptrdiff_t count, float *out) {
    for (ptrdiff_t r = 0; r < count; r++) {
        const uint16_t *row = rows + r * dimension;
        rag_prefetch_ahead(row, dimension * 2);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),
               s3 = _mm512_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= dimension; i += 64) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(query + i), rag_halves16(row + i), s0);
            s1 = _mm512_fmadd_ps(_mm512_loadu_ps(query + i + 16), rag_halves16(row + i + 16), s1);
            s2 = _mm512_fmadd_ps(_mm512_loadu_ps(query + i + 32), rag_halves16(row + i + 32), s2);
            s3 = _mm512_fmadd_ps(_mm512_loadu_ps(query + i + 48), rag_halves16(row + i + 48), s3);
        }
        for (; i + 16 <= dimension; i += 16) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(query + i), rag_halves16(row + i), s0);
        }
        if (i < dimension) {
            const __mmask16 mask = rag_tail_mask(dimension - i);
            s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, query + i), rag_halves_masked(row + i, mask), s1);
        }
        out[r] = rag_sum4(s0, s1, s2, s3);
    }
}

RAG_COMPACT512_TARGET void rag_avx512_half_squared_l2s(const float *query, const uint16_t *rows,
                                                       ptrdiff_t dimension, ptrdiff_t count, float *out) {
    for (ptrdiff_t r = 0; r < count; r++) {
        const uint16_t *row = rows + r * dimension;
        rag_prefetch_ahead(row, dimension * 2);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),
               s3 = _mm512_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= dimension; i += 64) {
            const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(query + i), rag_halves16(row + i));
            const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(query + i + 16), rag_halves16(row + i + 16));
            const __m512 d2 = _mm512_sub_ps(_mm512_loadu_ps(query + i + 32), rag_halves16(row + i + 32));
            const __m512 d3 = _mm512_sub_ps(_mm512_loadu_ps(query + i + 48), rag_halves16(row + i + 48));
            s0 = _mm512_fmadd_ps(d0, d0, s0);
            s1 = _mm512_fmadd_ps(d1, d1, s1);
            s2 = _mm512_fmadd_ps(d2, d2, s2);
            s3 = _mm512_fmadd_ps(d3, d3, s3);
        }
        for (; i + 16 <= dimension; i += 16) {
            const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(query + i), rag_halves16(row + i));
            s0 = _mm512_fmadd_ps(d, d, s0);
        }
        if (i < dimension) {
            const __mmask16 mask = rag_tail_mask(dimension - i);
            const __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, query + i), rag_halves_masked(row + i, mask));
            s1 = _mm512_fmadd_ps(d, d, s1);
        }
        out[r] = rag_sum4(s0, s1, s2, s3);
    }
}

// MARK: - 8-bit codes with a per-component affine decoding

RAG_COMPACT512_TARGET void rag_avx512_u8_affine_dots(const float *weights, float bias, const uint8_t *codes,
                                                     ptrdiff_t dimension, ptrdiff_t count, float *out) {
    for (ptrdiff_t r = 0; r < count; r++) {
        const uint8_t *row = codes + r * dimension;
        rag_prefetch_ahead(row, dimension);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),
               s3 = _mm512_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= dimension; i += 64) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(weights + i), rag_bytes16(row + i), s0);
            s1 = _mm512_fmadd_ps(_mm512_loadu_ps(weights + i + 16), rag_bytes16(row + i + 16), s1);
            s2 = _mm512_fmadd_ps(_mm512_loadu_ps(weights + i + 32), rag_bytes16(row + i + 32), s2);
            s3 = _mm512_fmadd_ps(_mm512_loadu_ps(weights + i + 48), rag_bytes16(row + i + 48), s3);
        }
        for (; i + 16 <= dimension; i += 16) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(weights + i), rag_bytes16(row + i), s0);
        }
        if (i < dimension) {
            const __mmask16 mask = rag_tail_mask(dimension - i);
            s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, weights + i), rag_bytes_masked(row + i, mask), s1);
        }
        out[r] = bias + rag_sum4(s0, s1, s2, s3);
    }
}

RAG_COMPACT512_TARGET void rag_avx512_u8_affine_squared_l2s(const float *offsets, const float *scales,
                                                            const uint8_t *codes, ptrdiff_t dimension,
                                                            ptrdiff_t count, float *out) {
    for (ptrdiff_t r = 0; r < count; r++) {
        const uint8_t *row = codes + r * dimension;
        rag_prefetch_ahead(row, dimension);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),
               s3 = _mm512_setzero_ps();
        ptrdiff_t i = 0;
        for (; i + 64 <= dimension; i += 64) {
            const __m512 d0 = _mm512_fnmadd_ps(_mm512_loadu_ps(scales + i), rag_bytes16(row + i),
                                               _mm512_loadu_ps(offsets + i));
            const __m512 d1 = _mm512_fnmadd_ps(_mm512_loadu_ps(scales + i + 16), rag_bytes16(row + i + 16),
                                               _mm512_loadu_ps(offsets + i + 16));
            const __m512 d2 = _mm512_fnmadd_ps(_mm512_loadu_ps(scales + i + 32), rag_bytes16(row + i + 32),
                                               _mm512_loadu_ps(offsets + i + 32));
            const __m512 d3 = _mm512_fnmadd_ps(_mm512_loadu_ps(scales + i + 48), rag_bytes16(row + i + 48),
                                               _mm512_loadu_ps(offsets + i + 48));
            s0 = _mm512_fmadd_ps(d0, d0, s0);
            s1 = _mm512_fmadd_ps(d1, d1, s1);
            s2 = _mm512_fmadd_ps(d2, d2, s2);
            s3 = _mm512_fmadd_ps(d3, d3, s3);
        }
        for (; i + 16 <= dimension; i += 16) {
            const __m512 d = _mm512_fnmadd_ps(_mm512_loadu_ps(scales + i), rag_bytes16(row + i),
                                              _mm512_loadu_ps(offsets + i));
            s0 = _mm512_fmadd_ps(d, d, s0);
        }
        if (i < dimension) {
            const __mmask16 mask = rag_tail_mask(dimension - i);
            const __m512 d = _mm512_fnmadd_ps(_mm512_maskz_loadu_ps(mask, scales + i),
                                              rag_bytes_masked(row + i, mask),
                                              _mm512_maskz_loadu_ps(mask, offsets + i));
            s1 = _mm512_fmadd_ps(d, d, s1);
        }
        out[r] = rag_sum4(s0, s1, s2, s3);
    }
}
#endif
