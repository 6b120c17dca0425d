// SPDX-License-Identifier: Apache-2.0
//
// x86-64 micro-kernels compiled per instruction set with function-level target attributes, so a default
// (SSE2 baseline) build can still run 256- and 512-bit code on machines that have it. Only the innermost loops
// live here: blocking, threading, top-k and every bounds check stay in Swift (`_RAGNumerics`), which checks
// each length before it calls in. Every function takes explicit lengths and reads or writes nothing beyond
// them. On other architectures only the feature probe is compiled (it reports the baseline).
#ifndef RAG_KERNELS_H
#define RAG_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The widest level this CPU and operating system can run: 0 = baseline, 1 = AVX2 + FMA + F16C, 2 = AVX-512
/// (F, BW, VL, DQ). Checks CPUID feature bits and, through XGETBV, that the OS saves the wider registers.
int rag_kernels_supported_level(void);

#if defined(__x86_64__)

// Rows of A and columns of B in one matrix-product tile (6 × 16 for AVX2, 6 × 32 for AVX-512).
#define RAG_TILE_ROWS 6
#define RAG_AVX2_TILE_COLUMNS 16
#define RAG_AVX512_TILE_COLUMNS 32

// C[6 × NR] (+)= Σ_p a[p*6 + i] · b[p*NR + j] for p < kc; rows of c are ldc floats apart.
// a holds 6·kc floats, b holds NR·kc floats, c holds 5·ldc + NR floats (ldc >= NR).
void rag_avx2_gemm_tile(const float *a, const float *b, ptrdiff_t kc, float *c, ptrdiff_t ldc, int accumulate);
void rag_avx512_gemm_tile(const float *a, const float *b, ptrdiff_t kc, float *c, ptrdiff_t ldc, int accumulate);

// Inner product and squared Euclidean distance of two vectors of `count` floats.
float rag_avx2_dot(const float *a, const float *b, ptrdiff_t count);
float rag_avx512_dot(const float *a, const float *b, ptrdiff_t count);
float rag_avx2_squared_l2(const float *a, const float *b, ptrdiff_t count);
float rag_avx512_squared_l2(const float *a, const float *b, ptrdiff_t count);

// out[i] = dot(query, rows + i·dimension) (or the squared distance) for i < count.
void rag_avx2_dots(const float *query, const float *rows, ptrdiff_t dimension, ptrdiff_t count, float *out);
void rag_avx512_dots(const float *query, const float *rows, ptrdiff_t dimension, ptrdiff_t count, float *out);
void rag_avx2_squared_l2s(const float *query, const float *rows, ptrdiff_t dimension, ptrdiff_t count, float *out);
void rag_avx512_squared_l2s(const float *query, const float *rows, ptrdiff_t dimension, ptrdiff_t count, float *out);

// out[i] = cosine of query (norm query_norm) with row i, 0 when either norm is 0, for i < count.
void rag_avx2_cosines(const float *query, float query_norm, const float *rows, ptrdiff_t dimension,
                      ptrdiff_t count, float *out);
void rag_avx512_cosines(const float *query, float query_norm, const float *rows, ptrdiff_t dimension,
                        ptrdiff_t count, float *out);

// out[p·stride + j] = src[j·ldb + p] for j < 8, p < depth: 8 rows of B transposed into a packed sliver.
// src holds 7·ldb + depth floats, out holds (depth − 1)·stride + 8 (stride >= 8).
void rag_avx2_pack_transposed8(const float *src, ptrdiff_t ldb, ptrdiff_t depth, float *out, ptrdiff_t stride);
void rag_avx512_pack_transposed8(const float *src, ptrdiff_t ldb, ptrdiff_t depth, float *out, ptrdiff_t stride);

// dst[i] = the Float32 value of the IEEE binary16 bit pattern src[i], for i < count (exact).
void rag_avx2_widen_halves(const uint16_t *src, ptrdiff_t count, float *dst);
void rag_avx512_widen_halves(const uint16_t *src, ptrdiff_t count, float *dst);

// Product-quantiser training: labels[i] = the c < padded minimising half_norms[c] − ⟨points + i·stride, c⟩ (the
// lowest such c among equal values), with the centroids transposed (row j of `dimension` rows of `padded`
// floats holds component j of every centroid) and padding centroids given +∞ half norms. padded is a multiple
// of 16; points holds (count − 1)·stride + dimension floats.
void rag_avx2_nearest_short(const float *points, ptrdiff_t count, ptrdiff_t stride, ptrdiff_t dimension,
                            const float *transposed, const float *half_norms, ptrdiff_t padded, int32_t *labels);
void rag_avx512_nearest_short(const float *points, ptrdiff_t count, ptrdiff_t stride, ptrdiff_t dimension,
                              const float *transposed, const float *half_norms, ptrdiff_t padded, int32_t *labels);

// The product-quantiser table of one query: for each of `subquantizers` blocks of `subdimension × centroid_count`
// floats (the centroids transposed: row j holds component j of every centroid),
// table[m·centroid_count + c] = scale · Σ_j x[m·subdimension + j] · centroids[(m·subdimension + j)·centroid_count + c].
void rag_avx2_pq_table(const float *x, const float *centroids, ptrdiff_t subquantizers, ptrdiff_t subdimension,
                       ptrdiff_t centroid_count, float scale, float *table);
void rag_avx512_pq_table(const float *x, const float *centroids, ptrdiff_t subquantizers, ptrdiff_t subdimension,
                         ptrdiff_t centroid_count, float scale, float *table);

#endif

#ifdef __cplusplus
}
#endif

#endif
