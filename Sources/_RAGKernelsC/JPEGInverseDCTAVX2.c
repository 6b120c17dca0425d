// SPDX-License-Identifier: Apache-2.0
//
// The JPEG decoder's accurate integer inverse DCT for AVX2 (MediaDecoding's `JPEGIDCT.transform`, the "islow"
// method): the same 16-bit inputs, the same expanded constants and the same 32-bit sums and shifts, so every
// sample equals the Swift one. Each pass runs the 8-point butterfly on all eight columns (or rows) at once, the
// products as pairs through vpmaddwd; an 8×8 16-bit transpose sits between the passes and after the second.
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RAG_IDCT_TARGET __attribute__((target("avx2")))

// A vpmaddwd multiplier: `first` times the low 16 bits of each lane plus `second` times the high 16 bits.
#define RAG_IDCT_PAIR(first, second) \
    _mm256_set1_epi32((int32_t)(((uint32_t)(uint16_t)(int16_t)(second) << 16) | (uint16_t)(int16_t)(first)))

// Lanes 0..7 hold the pairs (a[c], b[c]) for c = 0..7.
static inline RAG_IDCT_TARGET __m256i rag_idct_pairs(__m128i a, __m128i b) {
    return _mm256_set_m128i(_mm_unpackhi_epi16(a, b), _mm_unpacklo_epi16(a, b));
}

// The butterfly of JPEGIDCT.butterfly16 on eight 16-bit vectors, results in 32-bit lanes (not descaled).
static inline RAG_IDCT_TARGET void rag_idct_butterfly(const __m128i in[8], __m256i out[8]) {
    const __m256i p26 = rag_idct_pairs(in[2], in[6]);
    const __m256i even2 = _mm256_madd_epi16(p26, RAG_IDCT_PAIR(4433, -10704));
    const __m256i even3 = _mm256_madd_epi16(p26, RAG_IDCT_PAIR(10703, 4433));
    const __m256i in0 = _mm256_cvtepi16_epi32(in[0]);
    const __m256i in4 = _mm256_cvtepi16_epi32(in[4]);
    const __m256i even0 = _mm256_slli_epi32(_mm256_add_epi32(in0, in4), 13);
    const __m256i even1 = _mm256_slli_epi32(_mm256_sub_epi32(in0, in4), 13);
    const __m256i t10 = _mm256_add_epi32(even0, even3);
    const __m256i t13 = _mm256_sub_epi32(even0, even3);
    const __m256i t11 = _mm256_add_epi32(even1, even2);
    const __m256i t12 = _mm256_sub_epi32(even1, even2);
    const __m256i p71 = rag_idct_pairs(in[7], in[1]);
    const __m256i p35 = rag_idct_pairs(in[3], in[5]);
    const __m256i odd0 = _mm256_add_epi32(_mm256_madd_epi16(p71, RAG_IDCT_PAIR(-11363, 2260)),
                                          _mm256_madd_epi16(p35, RAG_IDCT_PAIR(-6436, 9633)));
    const __m256i odd1 = _mm256_add_epi32(_mm256_madd_epi16(p35, RAG_IDCT_PAIR(-11362, 2261)),
                                          _mm256_madd_epi16(p71, RAG_IDCT_PAIR(9633, 6437)));
    const __m256i odd2 = _mm256_add_epi32(_mm256_madd_epi16(p35, RAG_IDCT_PAIR(-2259, -11362)),
                                          _mm256_madd_epi16(p71, RAG_IDCT_PAIR(-6436, 9633)));
    const __m256i odd3 = _mm256_add_epi32(_mm256_madd_epi16(p71, RAG_IDCT_PAIR(2260, 11363)),
                                          _mm256_madd_epi16(p35, RAG_IDCT_PAIR(9633, 6437)));
    out[0] = _mm256_add_epi32(t10, odd3);
    out[1] = _mm256_add_epi32(t11, odd2);
    out[2] = _mm256_add_epi32(t12, odd1);
    out[3] = _mm256_add_epi32(t13, odd0);
    out[4] = _mm256_sub_epi32(t13, odd0);
    out[5] = _mm256_sub_epi32(t12, odd1);
    out[6] = _mm256_sub_epi32(t11, odd2);
    out[7] = _mm256_sub_epi32(t10, odd3);
}

// Transposes eight vectors of eight 16-bit values in place.
static inline RAG_IDCT_TARGET void rag_idct_transpose(__m128i m[8]) {
    const __m128i t0 = _mm_unpacklo_epi16(m[0], m[1]), t1 = _mm_unpackhi_epi16(m[0], m[1]);
    const __m128i t2 = _mm_unpacklo_epi16(m[2], m[3]), t3 = _mm_unpackhi_epi16(m[2], m[3]);
    const __m128i t4 = _mm_unpacklo_epi16(m[4], m[5]), t5 = _mm_unpackhi_epi16(m[4], m[5]);
    const __m128i t6 = _mm_unpacklo_epi16(m[6], m[7]), t7 = _mm_unpackhi_epi16(m[6], m[7]);
    const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2);
    const __m128i u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3);
    const __m128i u4 = _mm_unpacklo_epi32(t4, t6), u5 = _mm_unpackhi_epi32(t4, t6);
    const __m128i u6 = _mm_unpacklo_epi32(t5, t7), u7 = _mm_unpackhi_epi32(t5, t7);
    m[0] = _mm_unpacklo_epi64(u0, u4);
    m[1] = _mm_unpackhi_epi64(u0, u4);
    m[2] = _mm_unpacklo_epi64(u1, u5);
    m[3] = _mm_unpackhi_epi64(u1, u5);
    m[4] = _mm_unpacklo_epi64(u2, u6);
    m[5] = _mm_unpackhi_epi64(u2, u6);
    m[6] = _mm_unpacklo_epi64(u3, u7);
    m[7] = _mm_unpackhi_epi64(u3, u7);
}

// Eight 32-bit lanes to eight 16-bit ones: the low halves (truncating) when `truncate`, else saturating.
static inline RAG_IDCT_TARGET __m128i rag_idct_narrow(__m256i v, int truncate) {
    if (truncate) v = _mm256_srai_epi32(_mm256_slli_epi32(v, 16), 16);
    return _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

RAG_IDCT_TARGET void rag_avx2_jpeg_idct_islow(int32_t *block, uint8_t *output, ptrdiff_t stride) {
    __m128i m[8];
    __m256i o[8];
    for (int r = 0; r < 8; r++) {
        m[r] = rag_idct_narrow(_mm256_loadu_si256((const __m256i *)(block + 8 * r)), 1);
    }
    // Leave the block zeroed for the decoder's next one.
    for (int r = 0; r < 8; r++) _mm256_storeu_si256((__m256i *)(block + 8 * r), _mm256_setzero_si256());
    // Pass 1: columns; m[k] is row k, lane c column c.
    rag_idct_butterfly(m, o);
    const __m256i round1 = _mm256_set1_epi32(1 << 10);
    for (int k = 0; k < 8; k++) {
        m[k] = rag_idct_narrow(_mm256_srai_epi32(_mm256_add_epi32(o[k], round1), 11), 1);
    }
    rag_idct_transpose(m);
    // Pass 2: rows; m[k] is column k, lane r row r. Descale by 2^18 and level-shift by 128.
    rag_idct_butterfly(m, o);
    const __m256i round2 = _mm256_set1_epi32((1 << 17) + (128 << 18));
    for (int k = 0; k < 8; k++) {
        m[k] = rag_idct_narrow(_mm256_srai_epi32(_mm256_add_epi32(o[k], round2), 18), 0);
    }
    rag_idct_transpose(m);
    for (int r = 0; r < 8; r += 2) {
        const __m128i bytes = _mm_packus_epi16(m[r], m[r + 1]);
        _mm_storel_epi64((__m128i *)(output + r * stride), bytes);
        _mm_storel_epi64((__m128i *)(output + (r + 1) * stride), _mm_unpackhi_epi64(bytes, bytes));
    }
}

#endif
