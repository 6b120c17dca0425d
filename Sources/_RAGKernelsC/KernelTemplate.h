// SPDX-License-Identifier: Apache-2.0
//
// The kernel bodies, written once over a generic vector of RAG_VW floats and instantiated per instruction set
// by KernelsAVX2.c and KernelsAVX512.c, which define before including this file:
//   rag_vf        a vector_size(4 · RAG_VW) float vector type
//   RAG_VW        floats per vector (8 or 16)
//   RAG_NR        columns of the matrix-product tile (2 · RAG_VW)
//   RAG_TARGET    the function-level target attribute
//   RAG_NAME(x)   the exported name of kernel x
// Writing the body once keeps the AVX-512 code identical to the AVX2 code apart from the width, so the tests
// that run the AVX2 instance also cover the logic of the wider one. Multiply-adds fuse (FMA), which rounds
// once where the Swift kernels round twice.

// Every `acc += x * y` statement is one fused multiply-add, at every optimisation level: `contract(on)` makes the
// compiler emit each as a fused multiply-add from the source itself. (`contract(fast)` leaves fusion to the
// optimiser, which at -O0 fused eleven of the matrix tile's twelve accumulators and not the last: a row's bits then
// depended on whether it was the sixth row of a full tile.)
#pragma clang fp contract(on)

static inline RAG_TARGET rag_vf rag_load(const float *p) {
    rag_vf v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline RAG_TARGET void rag_store(float *p, rag_vf v) { __builtin_memcpy(p, &v, sizeof v); }

typedef float rag_v8 __attribute__((vector_size(32)));
typedef float rag_v4 __attribute__((vector_size(16)));

// Sums the lanes pairwise.
static inline RAG_TARGET float rag_hsum(rag_vf v) {
#if RAG_VW == 16
    rag_v8 h8 = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7)
        + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
#else
    rag_v8 h8 = v;
#endif
    rag_v4 h4 = __builtin_shufflevector(h8, h8, 0, 1, 2, 3) + __builtin_shufflevector(h8, h8, 4, 5, 6, 7);
    return (h4[0] + h4[2]) + (h4[1] + h4[3]);
}

// MARK: - Matrix-product tile

#define RAG_TILE_STORE(row, x0, x1)                                                                            \
    do {                                                                                                       \
        float *r = c + (row) * ldc;                                                                            \
        if (accumulate) {                                                                                      \
            rag_store(r, x0 + rag_load(r));                                                                    \
            rag_store(r + RAG_VW, x1 + rag_load(r + RAG_VW));                                                  \
        } else {                                                                                               \
            rag_store(r, x0);                                                                                  \
            rag_store(r + RAG_VW, x1);                                                                         \
        }                                                                                                      \
    } while (0)

RAG_TARGET void RAG_NAME(gemm_tile)(const float *a, const float *b, ptrdiff_t kc, float *c, ptrdiff_t ldc,
                                    int accumulate) {
    rag_vf c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0};
    rag_vf c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
    for (ptrdiff_t p = 0; p < kc; p++) {
        const rag_vf b0 = rag_load(b), b1 = rag_load(b + RAG_VW);
        float x;
        x = a[0]; c00 += x * b0; c01 += x * b1;
        x = a[1]; c10 += x * b0; c11 += x * b1;
        x = a[2]; c20 += x * b0; c21 += x * b1;
        x = a[3]; c30 += x * b0; c31 += x * b1;
        x = a[4]; c40 += x * b0; c41 += x * b1;
        x = a[5]; c50 += x * b0; c51 += x * b1;
        a += RAG_TILE_ROWS;
        b += RAG_NR;
    }
    RAG_TILE_STORE(0, c00, c01);
    RAG_TILE_STORE(1, c10, c11);
    RAG_TILE_STORE(2, c20, c21);
    RAG_TILE_STORE(3, c30, c31);
    RAG_TILE_STORE(4, c40, c41);
    RAG_TILE_STORE(5, c50, c51);
}

#undef RAG_TILE_STORE

// MARK: - Dot and squared L2

static inline RAG_TARGET float rag_dot_body(const float *a, const float *b, ptrdiff_t n) {
    rag_vf s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    ptrdiff_t i = 0;
    for (; i + 4 * RAG_VW <= n; i += 4 * RAG_VW) {
        s0 += rag_load(a + i) * rag_load(b + i);
        s1 += rag_load(a + i + RAG_VW) * rag_load(b + i + RAG_VW);
        s2 += rag_load(a + i + 2 * RAG_VW) * rag_load(b + i + 2 * RAG_VW);
        s3 += rag_load(a + i + 3 * RAG_VW) * rag_load(b + i + 3 * RAG_VW);
    }
    for (; i + RAG_VW <= n; i += RAG_VW) s0 += rag_load(a + i) * rag_load(b + i);
    float s = rag_hsum((s0 + s1) + (s2 + s3));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

static inline RAG_TARGET float rag_squared_l2_body(const float *a, const float *b, ptrdiff_t n) {
    rag_vf s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    ptrdiff_t i = 0;
    for (; i + 4 * RAG_VW <= n; i += 4 * RAG_VW) {
        const rag_vf d0 = rag_load(a + i) - rag_load(b + i);
        const rag_vf d1 = rag_load(a + i + RAG_VW) - rag_load(b + i + RAG_VW);
        const rag_vf d2 = rag_load(a + i + 2 * RAG_VW) - rag_load(b + i + 2 * RAG_VW);
        const rag_vf d3 = rag_load(a + i + 3 * RAG_VW) - rag_load(b + i + 3 * RAG_VW);
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; i + RAG_VW <= n; i += RAG_VW) {
        const rag_vf d = rag_load(a + i) - rag_load(b + i);
        s0 += d * d;
    }
    float s = rag_hsum((s0 + s1) + (s2 + s3));
    for (; i < n; i++) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

RAG_TARGET float RAG_NAME(dot)(const float *a, const float *b, ptrdiff_t count) {
    return rag_dot_body(a, b, count);
}

RAG_TARGET float RAG_NAME(squared_l2)(const float *a, const float *b, ptrdiff_t count) {
    return rag_squared_l2_body(a, b, count);
}

// Software prefetch for scans. The hardware prefetcher alone leaves a scan waiting on memory once the rows outgrow
// the caches in two cases (Zen 5 guest, AVX-512, 100,000 rows, one thread, `kernel-report --cpu-time`):
// - Short rows (at most 256 floats), whose scoring ends with a horizontal sum and a store after a few loads:
//   asking for the lines 4 KiB ahead of each row took d = 128 from 53–74 to 75–83 M rows/s.
// - Rows of up to 1,024 floats that do not start on a cache line, so that 64-byte loads span two lines (a caller's
//   large array puts its elements 48 bytes past one): 4 KiB ahead took d = 384 / 512 / 768 from 17.3–18.8 /
//   13.5–14.1 / 10.1–10.9 to 21.3–23.0 / 15.2–17.2 / 11.7–12.3 (two alternating rounds). At d = 1536 it cost
//   5–10 %, as it does for every long row that starts on a cache line (a flat index's own rows).
// A prefetch is a hint: it changes no result, and past the end of the rows it reads nothing and never faults.
#define RAG_PREFETCH_BYTES 4096
#define RAG_PREFETCH_SHORT_ROW 256
#define RAG_PREFETCH_LONG_ROW 1024

// Whether a scan of `rows` prefetches (decided once a scan; the distance stays a constant, which the short-row
// loop needs: computing it at run time slowed d = 128 by a fifth).
static inline int rag_scan_prefetches(const float *rows, ptrdiff_t dimension) {
    if (dimension <= RAG_PREFETCH_SHORT_ROW) return 1;
    int aligned = ((uintptr_t)rows & 63) == 0 && (dimension & 15) == 0;
    return !aligned && dimension <= RAG_PREFETCH_LONG_ROW;
}

static inline RAG_TARGET void rag_prefetch_row(const float *row, ptrdiff_t dimension, int prefetch) {
    if (!prefetch) return;
    const char *ahead = (const char *)row + RAG_PREFETCH_BYTES;
    for (ptrdiff_t offset = 0; offset < dimension * 4; offset += 64) __builtin_prefetch(ahead + offset, 0, 3);
}

RAG_TARGET void RAG_NAME(dots)(const float *query, const float *rows, ptrdiff_t dimension, ptrdiff_t count,
                               float *out) {
    int prefetch = rag_scan_prefetches(rows, dimension);
    for (ptrdiff_t i = 0; i < count; i++) {
        rag_prefetch_row(rows + i * dimension, dimension, prefetch);
        out[i] = rag_dot_body(query, rows + i * dimension, dimension);
    }
}

RAG_TARGET void RAG_NAME(squared_l2s)(const float *query, const float *rows, ptrdiff_t dimension,
                                      ptrdiff_t count, float *out) {
    int prefetch = rag_scan_prefetches(rows, dimension);
    for (ptrdiff_t i = 0; i < count; i++) {
        rag_prefetch_row(rows + i * dimension, dimension, prefetch);
        out[i] = rag_squared_l2_body(query, rows + i * dimension, dimension);
    }
}

// MARK: - Product-quantiser look-up table

RAG_TARGET void RAG_NAME(pq_table)(const float *x, const float *centroids, ptrdiff_t subquantizers,
                                   ptrdiff_t subdimension, ptrdiff_t centroid_count, float scale, float *table) {
    for (ptrdiff_t m = 0; m < subquantizers; m++) {
        const float *block = centroids + m * subdimension * centroid_count;
        const float *sub = x + m * subdimension;
        float *out = table + m * centroid_count;
        ptrdiff_t c = 0;
        for (; c + 2 * RAG_VW <= centroid_count; c += 2 * RAG_VW) {
            rag_vf a0 = {0}, a1 = {0};
            for (ptrdiff_t j = 0; j < subdimension; j++) {
                const float *column = block + j * centroid_count + c;
                a0 += sub[j] * rag_load(column);
                a1 += sub[j] * rag_load(column + RAG_VW);
            }
            rag_store(out + c, a0 * scale);
            rag_store(out + c + RAG_VW, a1 * scale);
        }
        for (; c < centroid_count; c++) {
            float acc = 0;
            for (ptrdiff_t j = 0; j < subdimension; j++) acc += sub[j] * block[j * centroid_count + c];
            out[c] = acc * scale;
        }
    }
}

// MARK: - Cosine

static inline RAG_TARGET void rag_dot_and_squared_norm(const float *a, const float *b, ptrdiff_t n, float *dot,
                                                       float *squares) {
    rag_vf d0 = {0}, d1 = {0}, s0 = {0}, s1 = {0};
    ptrdiff_t i = 0;
    for (; i + 2 * RAG_VW <= n; i += 2 * RAG_VW) {
        const rag_vf x0 = rag_load(a + i), y0 = rag_load(b + i);
        const rag_vf x1 = rag_load(a + i + RAG_VW), y1 = rag_load(b + i + RAG_VW);
        d0 += x0 * y0;
        s0 += y0 * y0;
        d1 += x1 * y1;
        s1 += y1 * y1;
    }
    for (; i + RAG_VW <= n; i += RAG_VW) {
        const rag_vf x = rag_load(a + i), y = rag_load(b + i);
        d0 += x * y;
        s0 += y * y;
    }
    float d = rag_hsum(d0 + d1), s = rag_hsum(s0 + s1);
    for (; i < n; i++) {
        d += a[i] * b[i];
        s += b[i] * b[i];
    }
    *dot = d;
    *squares = s;
}

RAG_TARGET void RAG_NAME(cosines)(const float *query, float query_norm, const float *rows, ptrdiff_t dimension,
                                  ptrdiff_t count, float *out) {
    int prefetch = rag_scan_prefetches(rows, dimension);
    for (ptrdiff_t i = 0; i < count; i++) {
        float dot, squares;
        rag_prefetch_row(rows + i * dimension, dimension, prefetch);
        rag_dot_and_squared_norm(query, rows + i * dimension, dimension, &dot, &squares);
        const float denominator = query_norm * __builtin_sqrtf(squares);
        out[i] = denominator > 0 ? dot / denominator : 0;
    }
}

// MARK: - Packing for the matrix product

// Transposes 8 rows of `depth` floats (`ldb` floats apart) into `depth` groups of 8 floats, `stride` floats
// apart: out[p·stride + j] = src[j·ldb + p]. Eight depths per step as an 8 × 8 register transpose.
RAG_TARGET void RAG_NAME(pack_transposed8)(const float *src, ptrdiff_t ldb, ptrdiff_t depth, float *out,
                                           ptrdiff_t stride) {
    ptrdiff_t p = 0;
    for (; p + 8 <= depth; p += 8) {
        rag_v8 r0, r1, r2, r3, r4, r5, r6, r7;
        __builtin_memcpy(&r0, src + 0 * ldb + p, 32);
        __builtin_memcpy(&r1, src + 1 * ldb + p, 32);
        __builtin_memcpy(&r2, src + 2 * ldb + p, 32);
        __builtin_memcpy(&r3, src + 3 * ldb + p, 32);
        __builtin_memcpy(&r4, src + 4 * ldb + p, 32);
        __builtin_memcpy(&r5, src + 5 * ldb + p, 32);
        __builtin_memcpy(&r6, src + 6 * ldb + p, 32);
        __builtin_memcpy(&r7, src + 7 * ldb + p, 32);
        const rag_v8 t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
        const rag_v8 t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
        const rag_v8 t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
        const rag_v8 t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
        const rag_v8 t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
        const rag_v8 t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
        const rag_v8 t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
        const rag_v8 t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
        const rag_v8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
        const rag_v8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
        const rag_v8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
        const rag_v8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
        const rag_v8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
        const rag_v8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
        const rag_v8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
        const rag_v8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
        const rag_v8 o0 = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);
        const rag_v8 o4 = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);
        const rag_v8 o1 = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);
        const rag_v8 o5 = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);
        const rag_v8 o2 = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);
        const rag_v8 o6 = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);
        const rag_v8 o3 = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);
        const rag_v8 o7 = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);
        float *o = out + p * stride;
        __builtin_memcpy(o + 0 * stride, &o0, 32);
        __builtin_memcpy(o + 1 * stride, &o1, 32);
        __builtin_memcpy(o + 2 * stride, &o2, 32);
        __builtin_memcpy(o + 3 * stride, &o3, 32);
        __builtin_memcpy(o + 4 * stride, &o4, 32);
        __builtin_memcpy(o + 5 * stride, &o5, 32);
        __builtin_memcpy(o + 6 * stride, &o6, 32);
        __builtin_memcpy(o + 7 * stride, &o7, 32);
    }
    for (; p < depth; p++) {
        for (ptrdiff_t j = 0; j < 8; j++) out[p * stride + j] = src[j * ldb + p];
    }
}

// MARK: - Half precision

typedef _Float16 rag_h8 __attribute__((vector_size(16)));

// dst[i] = the Float32 value of the IEEE binary16 bit pattern src[i], for i < count (exact; F16C).
RAG_TARGET void RAG_NAME(widen_halves)(const uint16_t *src, ptrdiff_t count, float *dst) {
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        rag_h8 h;
        __builtin_memcpy(&h, src + i, 16);
        const rag_v8 f = __builtin_convertvector(h, rag_v8);
        __builtin_memcpy(dst + i, &f, 32);
    }
    for (; i < count; i++) {
        _Float16 h;
        __builtin_memcpy(&h, src + i, 2);
        dst[i] = (float)h;
    }
}

// MARK: - Nearest centroid in a few dimensions (product-quantiser training)

typedef int32_t rag_vi __attribute__((vector_size(4 * RAG_VW)));

// Folds one block of VW candidate values (lane l is centroid first + l) into the running minimum; strictly
// smaller wins, so each lane keeps the lowest index among equal values.
#define RAG_NEAREST_FOLD(acc, first)                                                                           \
    do {                                                                                                       \
        const rag_vf v = rag_load(half_norms + (first)) - (acc);                                               \
        const rag_vi better = v < best;                                                                        \
        best = (rag_vf)(((rag_vi)v & better) | ((rag_vi)best & ~better));                                      \
        best_index = (lanes + (int32_t)(first)) & better | (best_index & ~better);                             \
    } while (0)

RAG_TARGET void RAG_NAME(nearest_short)(const float *points, ptrdiff_t count, ptrdiff_t stride,
                                        ptrdiff_t dimension, const float *transposed, const float *half_norms,
                                        ptrdiff_t padded, int32_t *labels) {
    rag_vi lanes;
    for (int l = 0; l < RAG_VW; l++) lanes[l] = l;
    for (ptrdiff_t i = 0; i < count; i++) {
        const float *x = points + i * stride;
        rag_vf best = (rag_vf){0} + __builtin_inff();
        rag_vi best_index = {0};
        ptrdiff_t c = 0;
        for (; c + 8 * RAG_VW <= padded; c += 8 * RAG_VW) {
            rag_vf a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
            const float *column = transposed + c;
            for (ptrdiff_t j = 0; j < dimension; j++, column += padded) {
                const float xj = x[j];
                a0 += xj * rag_load(column);
                a1 += xj * rag_load(column + RAG_VW);
                a2 += xj * rag_load(column + 2 * RAG_VW);
                a3 += xj * rag_load(column + 3 * RAG_VW);
                a4 += xj * rag_load(column + 4 * RAG_VW);
                a5 += xj * rag_load(column + 5 * RAG_VW);
                a6 += xj * rag_load(column + 6 * RAG_VW);
                a7 += xj * rag_load(column + 7 * RAG_VW);
            }
            RAG_NEAREST_FOLD(a0, c);
            RAG_NEAREST_FOLD(a1, c + RAG_VW);
            RAG_NEAREST_FOLD(a2, c + 2 * RAG_VW);
            RAG_NEAREST_FOLD(a3, c + 3 * RAG_VW);
            RAG_NEAREST_FOLD(a4, c + 4 * RAG_VW);
            RAG_NEAREST_FOLD(a5, c + 5 * RAG_VW);
            RAG_NEAREST_FOLD(a6, c + 6 * RAG_VW);
            RAG_NEAREST_FOLD(a7, c + 7 * RAG_VW);
        }
        for (; c + RAG_VW <= padded; c += RAG_VW) {
            rag_vf a0 = {0};
            const float *column = transposed + c;
            for (ptrdiff_t j = 0; j < dimension; j++, column += padded) a0 += x[j] * rag_load(column);
            RAG_NEAREST_FOLD(a0, c);
        }
        int32_t label = 0;
        float minimum = __builtin_inff();
        int found = 0;
        for (int l = 0; l < RAG_VW; l++) {
            if (best[l] < minimum || (best[l] == minimum && found && best_index[l] < label)) {
                minimum = best[l];
                label = best_index[l];
                found = 1;
            }
        }
        labels[i] = label;
    }
}

#undef RAG_NEAREST_FOLD
