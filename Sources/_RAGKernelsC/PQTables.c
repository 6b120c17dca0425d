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

#endif
