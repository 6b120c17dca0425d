// SPDX-License-Identifier: Apache-2.0
//
// The JPEG colour conversions for AVX2 (MediaDecoding's `JPEGColorConverter` YCbCr → RGB row and
// `JPEGEncoderKernels.ycbcrPlanes`): the same fixed-point products and shifts in 32-bit lanes, so every byte
// equals the Swift one. Sixteen pixels per step; the tail runs the same formulas one pixel at a time.
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RAG_COLOR_TARGET __attribute__((target("avx2")))
#define Z -1

// pshufb masks: chunk t of 16 interleaved bytes takes channel c of pixel p from rag_interleave[t][c][byte].
static const int8_t rag_interleave[3][3][16] = {
    {{0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z, Z, 5},
     {Z, 0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z, Z},
     {Z, Z, 0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z}},
    {{Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z, 10, Z},
     {5, Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z, 10},
     {Z, 5, Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z}},
    {{Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15, Z, Z},
     {Z, Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15, Z},
     {10, Z, Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15}},
};

// The inverse: channel c of pixels 0..15 from the three 16-byte chunks, rag_deinterleave[c][t][pixel slot].
static const int8_t rag_deinterleave[3][3][16] = {
    {{0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 1, 4, 7, 10, 13}},
    {{1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14}},
    {{2, 5, 8, 11, 14, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, 1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z},
     {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15}},
};

#undef Z

static inline RAG_COLOR_TARGET __m128i rag_mask(const int8_t *m) { return _mm_loadu_si128((const __m128i *)m); }

// Sixteen 32-bit lanes (two vectors) clamped to bytes, in order.
static inline RAG_COLOR_TARGET __m128i rag_bytes16(__m256i lo, __m256i hi) {
    const __m128i a = _mm_packs_epi32(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
    const __m128i b = _mm_packs_epi32(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
    return _mm_packus_epi16(a, b);
}

static inline uint8_t rag_clamp_byte(int32_t v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

RAG_COLOR_TARGET void rag_avx2_ycc_to_rgb_row(const uint8_t *luma, const uint8_t *blue, const uint8_t *red,
                                              ptrdiff_t width, uint8_t *out) {
    const __m256i half = _mm256_set1_epi32(32768), offset = _mm256_set1_epi32(128);
    const __m256i kr = _mm256_set1_epi32(91881), kgb = _mm256_set1_epi32(22554), kgr = _mm256_set1_epi32(46802),
                  kb = _mm256_set1_epi32(116130);
    ptrdiff_t x = 0;
    for (; x + 16 <= width; x += 16) {
        const __m128i y16 = _mm_loadu_si128((const __m128i *)(luma + x));
        const __m128i cb16 = _mm_loadu_si128((const __m128i *)(blue + x));
        const __m128i cr16 = _mm_loadu_si128((const __m128i *)(red + x));
        __m256i r[2], g[2], b[2];
        for (int h = 0; h < 2; h++) {
            const __m256i y = _mm256_cvtepu8_epi32(h ? _mm_srli_si128(y16, 8) : y16);
            const __m256i cb = _mm256_sub_epi32(_mm256_cvtepu8_epi32(h ? _mm_srli_si128(cb16, 8) : cb16), offset);
            const __m256i cr = _mm256_sub_epi32(_mm256_cvtepu8_epi32(h ? _mm_srli_si128(cr16, 8) : cr16), offset);
            r[h] = _mm256_add_epi32(y, _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(cr, kr), half), 16));
            g[h] = _mm256_add_epi32(
                y, _mm256_srai_epi32(_mm256_sub_epi32(_mm256_sub_epi32(half, _mm256_mullo_epi32(cb, kgb)),
                                                      _mm256_mullo_epi32(cr, kgr)),
                                     16));
            b[h] = _mm256_add_epi32(y, _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(cb, kb), half), 16));
        }
        const __m128i rb = rag_bytes16(r[0], r[1]), gb = rag_bytes16(g[0], g[1]), bb = rag_bytes16(b[0], b[1]);
        for (int t = 0; t < 3; t++) {
            const __m128i chunk = _mm_or_si128(
                _mm_or_si128(_mm_shuffle_epi8(rb, rag_mask(rag_interleave[t][0])),
                             _mm_shuffle_epi8(gb, rag_mask(rag_interleave[t][1]))),
                _mm_shuffle_epi8(bb, rag_mask(rag_interleave[t][2])));
            _mm_storeu_si128((__m128i *)(out + 3 * x + 16 * t), chunk);
        }
    }
    for (; x < width; x++) {
        const int32_t y = luma[x], cb = (int32_t)blue[x] - 128, cr = (int32_t)red[x] - 128;
        out[3 * x] = rag_clamp_byte(y + ((cr * 91881 + 32768) >> 16));
        out[3 * x + 1] = rag_clamp_byte(y + ((32768 - cb * 22554 - cr * 46802) >> 16));
        out[3 * x + 2] = rag_clamp_byte(y + ((cb * 116130 + 32768) >> 16));
    }
}

// One row of libjpeg's "fancy" 2×2 chroma upsampling: column sums s = 3·current + near, then each sample becomes
// two, (3·s[x] + s[x−1] + 8) >> 4 and (3·s[x] + s[x+1] + 7) >> 4, the end samples weighting themselves by 4.
RAG_COLOR_TARGET void rag_avx2_upsample_h2v2_row(const uint8_t *current, const uint8_t *near, ptrdiff_t width,
                                                 uint8_t *row) {
#define RAG_SUM(i) (3 * (int32_t)current[i] + (int32_t)near[i])
    row[0] = (uint8_t)((4 * RAG_SUM(0) + 8) >> 4);
    row[1] = (uint8_t)((3 * RAG_SUM(0) + RAG_SUM(1) + 7) >> 4);
    ptrdiff_t x = 1;
    const __m256i three = _mm256_set1_epi16(3), eight = _mm256_set1_epi16(8), seven = _mm256_set1_epi16(7);
    for (; x + 17 <= width; x += 16) {
        // Sums of columns x − 1 ..< x + 15, x ..< x + 16 and x + 1 ..< x + 17 in 16-bit lanes.
        __m256i s[3];
        for (int d = 0; d < 3; d++) {
            const __m256i c = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(current + x - 1 + d)));
            const __m256i n = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(near + x - 1 + d)));
            s[d] = _mm256_add_epi16(_mm256_mullo_epi16(c, three), n);
        }
        const __m256i centre = _mm256_mullo_epi16(s[1], three);
        const __m256i even = _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(centre, s[0]), eight), 4);
        const __m256i odd = _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(centre, s[2]), seven), 4);
        // Each 16-bit lane holds the byte pair (even, odd) in memory order.
        _mm256_storeu_si256((__m256i *)(row + 2 * x), _mm256_or_si256(even, _mm256_slli_epi16(odd, 8)));
    }
    for (; x < width - 1; x++) {
        row[2 * x] = (uint8_t)((3 * RAG_SUM(x) + RAG_SUM(x - 1) + 8) >> 4);
        row[2 * x + 1] = (uint8_t)((3 * RAG_SUM(x) + RAG_SUM(x + 1) + 7) >> 4);
    }
    row[2 * x] = (uint8_t)((3 * RAG_SUM(x) + RAG_SUM(x - 1) + 8) >> 4);
    row[2 * x + 1] = (uint8_t)((4 * RAG_SUM(x) + 7) >> 4);
#undef RAG_SUM
}

// Y, Cb, Cr of eight pixels whose R, G, B are 32-bit lanes.
static inline RAG_COLOR_TARGET void rag_rgb_to_ycc8(__m256i r, __m256i g, __m256i b, __m256i *y, __m256i *cb,
                                                    __m256i *cr) {
    const __m256i yb = _mm256_set1_epi32(32768), cbias = _mm256_set1_epi32((128 << 16) + 32767);
    *y = _mm256_srai_epi32(
        _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(r, _mm256_set1_epi32(19595)),
                                          _mm256_mullo_epi32(g, _mm256_set1_epi32(38470))),
                         _mm256_add_epi32(_mm256_mullo_epi32(b, _mm256_set1_epi32(7471)), yb)),
        16);
    *cb = _mm256_srai_epi32(
        _mm256_add_epi32(_mm256_sub_epi32(_mm256_slli_epi32(b, 15),
                                          _mm256_add_epi32(_mm256_mullo_epi32(r, _mm256_set1_epi32(11059)),
                                                           _mm256_mullo_epi32(g, _mm256_set1_epi32(21709)))),
                         cbias),
        16);
    *cr = _mm256_srai_epi32(
        _mm256_add_epi32(_mm256_sub_epi32(_mm256_slli_epi32(r, 15),
                                          _mm256_add_epi32(_mm256_mullo_epi32(g, _mm256_set1_epi32(27439)),
                                                           _mm256_mullo_epi32(b, _mm256_set1_epi32(5329)))),
                         cbias),
        16);
}

RAG_COLOR_TARGET void rag_avx2_rgb_to_ycc_planes(const uint8_t *rgb, ptrdiff_t count, uint8_t *luma, uint8_t *blue,
                                                 uint8_t *red) {
    ptrdiff_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m128i c0 = _mm_loadu_si128((const __m128i *)(rgb + 3 * i));
        const __m128i c1 = _mm_loadu_si128((const __m128i *)(rgb + 3 * i + 16));
        const __m128i c2 = _mm_loadu_si128((const __m128i *)(rgb + 3 * i + 32));
        __m128i planes[3];
        for (int c = 0; c < 3; c++) {
            planes[c] = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(c0, rag_mask(rag_deinterleave[c][0])),
                                                  _mm_shuffle_epi8(c1, rag_mask(rag_deinterleave[c][1]))),
                                     _mm_shuffle_epi8(c2, rag_mask(rag_deinterleave[c][2])));
        }
        __m256i y[2], cb[2], cr[2];
        for (int h = 0; h < 2; h++) {
            const __m256i r = _mm256_cvtepu8_epi32(h ? _mm_srli_si128(planes[0], 8) : planes[0]);
            const __m256i g = _mm256_cvtepu8_epi32(h ? _mm_srli_si128(planes[1], 8) : planes[1]);
            const __m256i b = _mm256_cvtepu8_epi32(h ? _mm_srli_si128(planes[2], 8) : planes[2]);
            rag_rgb_to_ycc8(r, g, b, &y[h], &cb[h], &cr[h]);
        }
        _mm_storeu_si128((__m128i *)(luma + i), rag_bytes16(y[0], y[1]));
        _mm_storeu_si128((__m128i *)(blue + i), rag_bytes16(cb[0], cb[1]));
        _mm_storeu_si128((__m128i *)(red + i), rag_bytes16(cr[0], cr[1]));
    }
    for (; i < count; i++) {
        const int32_t r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        luma[i] = (uint8_t)((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
        blue[i] = rag_clamp_byte((-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16);
        red[i] = rag_clamp_byte((32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16);
    }
}

#endif
