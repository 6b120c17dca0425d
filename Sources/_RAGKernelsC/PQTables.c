// SPDX-License-Identifier: Apache-2.0
//
// Product-quantiser query tables for a block of queries (IVF-PQ's batched search), per instruction set. The
// one-query kernel of KernelTemplate.h reads every transposed centroid (M · subdimension · centroid_count floats,
// 384 KiB at 384 dimensions and 256 centroids) once per query, so it waits on the second-level cache; these read
// each centroid vector once for QN queries (4 with AVX2, 8 with AVX-512), whose sums stay in registers. VectorIndex's
// `ProductQuantizer.innerProductTable` (Swift) is the portable path and the tests' oracle; Swift checks every length
// before it calls in. Multiply-adds fuse, so results agree with the Swift loop to within FMA rounding.
#include "include/RAGKernels.h"

#if defined(__x86_64__)

#pragma clang fp contract(on)

typedef float rag_pq_v8 __attribute__((vector_size(32)));
typedef float rag_pq_v16 __attribute__((vector_size(64)));

// The kernel body once, over a vector type VEC of VW floats and QN queries per pass. Queries past `count` in the last
// pass repeat the last query and write its table again (the same values), so every pass runs the full width.
#define RAG_PQ_TABLES_DEFINE(NAME, TARGET, VEC, VW, QN)                                                                \
    TARGET void NAME(const float *queries, ptrdiff_t count, ptrdiff_t stride, const float *centroids,                  \
                     ptrdiff_t subquantizers, ptrdiff_t subdimension, ptrdiff_t centroid_count, float scale,           \
                     float *tables, ptrdiff_t table_stride) {                                                          \
        for (ptrdiff_t g = 0; g < count; g += QN) {                                                                    \
            const float *x[QN];                                                                                        \
            float *t[QN];                                                                                              \
            for (int s = 0; s < QN; s++) {                                                                             \
                const ptrdiff_t q = g + s < count ? g + s : count - 1;                                                 \
                x[s] = queries + q * stride;                                                                           \
                t[s] = tables + q * table_stride;                                                                      \
            }                                                                                                          \
            for (ptrdiff_t m = 0; m < subquantizers; m++) {                                                            \
                const float *block = centroids + m * subdimension * centroid_count;                                    \
                const ptrdiff_t sub = m * subdimension;                                                                \
                ptrdiff_t c = 0;                                                                                       \
                for (; c + 2 * VW <= centroid_count; c += 2 * VW) {                                                    \
                    VEC a0[QN], a1[QN];                                                                                \
                    for (int s = 0; s < QN; s++) a0[s] = a1[s] = (VEC){0};                                             \
                    for (ptrdiff_t j = 0; j < subdimension; j++) {                                                     \
                        VEC c0, c1;                                                                                    \
                        __builtin_memcpy(&c0, block + j * centroid_count + c, sizeof c0);                              \
                        __builtin_memcpy(&c1, block + j * centroid_count + c + VW, sizeof c1);                         \
                        for (int s = 0; s < QN; s++) {                                                                 \
                            a0[s] += x[s][sub + j] * c0;                                                               \
                            a1[s] += x[s][sub + j] * c1;                                                               \
                        }                                                                                              \
                    }                                                                                                  \
                    for (int s = 0; s < QN; s++) {                                                                     \
                        const VEC r0 = a0[s] * scale, r1 = a1[s] * scale;                                              \
                        __builtin_memcpy(t[s] + m * centroid_count + c, &r0, sizeof r0);                               \
                        __builtin_memcpy(t[s] + m * centroid_count + c + VW, &r1, sizeof r1);                          \
                    }                                                                                                  \
                }                                                                                                      \
                for (; c < centroid_count; c++) {                                                                      \
                    for (int s = 0; s < QN; s++) {                                                                     \
                        float acc = 0;                                                                                 \
                        for (ptrdiff_t j = 0; j < subdimension; j++) acc += x[s][sub + j] * block[j * centroid_count + c]; \
                        t[s][m * centroid_count + c] = acc * scale;                                                    \
                    }                                                                                                  \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
    }

RAG_PQ_TABLES_DEFINE(rag_avx2_pq_tables, __attribute__((target("avx2,fma"))), rag_pq_v8, 8, 4)
RAG_PQ_TABLES_DEFINE(rag_avx512_pq_tables, __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"))),
                     rag_pq_v16, 16, 8)

// Product-quantiser training's assignment for four points per pass (AVX-512): the arithmetic of rag_avx512_nearest_short
// point for point (the same fused sums in the same order, the same folds, the same tie rule), so the labels are the
// same; each centroid vector is loaded once for the four points, and the last fold across lanes has no branches.
// Points past `count` in the last pass repeat the last point and write its label again.
#define RAG_PQ_TARGET512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))
typedef int32_t rag_pq_i16 __attribute__((vector_size(64)));

#define RAG_PQ_FOLD(p, acc, first)                                                                                     \
    do {                                                                                                               \
        rag_pq_v16 h;                                                                                                  \
        __builtin_memcpy(&h, half_norms + (first), sizeof h);                                                          \
        const rag_pq_v16 v = h - (acc);                                                                                \
        const rag_pq_i16 better = v < best[p];                                                                         \
        best[p] = (rag_pq_v16)(((rag_pq_i16)v & better) | ((rag_pq_i16)best[p] & ~better));                            \
        best_index[p] = ((lanes + (int32_t)(first)) & better) | (best_index[p] & ~better);                             \
    } while (0)

RAG_PQ_TARGET512 void rag_avx512_nearest_short4(const float *points, ptrdiff_t count, ptrdiff_t stride,
                                                ptrdiff_t dimension, const float *transposed, const float *half_norms,
                                                ptrdiff_t padded, int32_t *labels) {
    enum { P = 4, VW = 16 };
    rag_pq_i16 lanes;
    for (int l = 0; l < VW; l++) lanes[l] = l;
    for (ptrdiff_t g = 0; g < count; g += P) {
        const float *x[P];
        ptrdiff_t row[P];
        for (int s = 0; s < P; s++) {
            row[s] = g + s < count ? g + s : count - 1;
            x[s] = points + row[s] * stride;
        }
        rag_pq_v16 best[P];
        rag_pq_i16 best_index[P];
        for (int s = 0; s < P; s++) {
            best[s] = (rag_pq_v16){0} + __builtin_inff();
            best_index[s] = (rag_pq_i16){0};
        }
        ptrdiff_t c = 0;
        for (; c + 4 * VW <= padded; c += 4 * VW) {
            rag_pq_v16 a[P][4];
            for (int s = 0; s < P; s++) a[s][0] = a[s][1] = a[s][2] = a[s][3] = (rag_pq_v16){0};
            const float *column = transposed + c;
            for (ptrdiff_t j = 0; j < dimension; j++, column += padded) {
                rag_pq_v16 c0, c1, c2, c3;
                __builtin_memcpy(&c0, column, sizeof c0);
                __builtin_memcpy(&c1, column + VW, sizeof c1);
                __builtin_memcpy(&c2, column + 2 * VW, sizeof c2);
                __builtin_memcpy(&c3, column + 3 * VW, sizeof c3);
                for (int s = 0; s < P; s++) {
                    const float xj = x[s][j];
                    a[s][0] += xj * c0;
                    a[s][1] += xj * c1;
                    a[s][2] += xj * c2;
                    a[s][3] += xj * c3;
                }
            }
            for (int s = 0; s < P; s++) {
                RAG_PQ_FOLD(s, a[s][0], c);
                RAG_PQ_FOLD(s, a[s][1], c + VW);
                RAG_PQ_FOLD(s, a[s][2], c + 2 * VW);
                RAG_PQ_FOLD(s, a[s][3], c + 3 * VW);
            }
        }
        for (; c + VW <= padded; c += VW) {
            for (int s = 0; s < P; s++) {
                rag_pq_v16 a0 = {0};
                const float *column = transposed + c;
                for (ptrdiff_t j = 0; j < dimension; j++, column += padded) {
                    rag_pq_v16 c0;
                    __builtin_memcpy(&c0, column, sizeof c0);
                    a0 += x[s][j] * c0;
                }
                RAG_PQ_FOLD(s, a0, c);
            }
        }
        // The smallest value, and among lanes holding it the lowest index (0 when every lane is still +inf: no lane
        // ever took a value, so every index is 0, as the one-point kernel gives).
        for (int s = 0; s < P; s++) {
            float minimum = best[s][0];
            for (int l = 1; l < VW; l++) minimum = best[s][l] < minimum ? best[s][l] : minimum;
            int32_t label = INT32_MAX;
            for (int l = 0; l < VW; l++) {
                const int32_t candidate = best[s][l] == minimum ? best_index[s][l] : INT32_MAX;
                label = candidate < label ? candidate : label;
            }
            labels[row[s]] = label;
        }
    }
}

#undef RAG_PQ_FOLD

#endif
