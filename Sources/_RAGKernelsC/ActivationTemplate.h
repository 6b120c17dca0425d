// SPDX-License-Identifier: Apache-2.0
//
// The transformer's element-wise and row kernels (exact-erf GELU, quick GELU, softmax rows, layer-norm rows),
// written once over the generic vector of KernelTemplate.h and instantiated per instruction set by KernelsAVX2.c
// and KernelsAVX512.c after that file (they reuse its rag_vf, rag_vi, RAG_VW, RAG_TARGET, rag_load, rag_store and
// rag_hsum, and its `fp contract(on)`, so every `a * b + c` below is one fused multiply-add).
//
// Embedding's Swift `VectorMath`, `Softmax` and `LayerNorm` are the portable path and the oracle. The polynomials
// and constants here are theirs: exp by a degree-7 Taylor polynomial after reducing by n·ln 2, erf by its odd
// Maclaurin series below 1 and e^(−x²)·R(x) with a degree-12 Chebyshev fit of R on [1, 4] above. Results differ from
// the Swift lanes only by the rounding of fused multiply-adds (a few ulp; the tests state the bound).

// MARK: - Lane helpers

static inline RAG_TARGET rag_vf rag_splat(float x) { return (rag_vf){0} + x; }

// Lanes of `yes` where `mask` is set (all ones), of `no` elsewhere.
static inline RAG_TARGET rag_vf rag_select(rag_vi mask, rag_vf yes, rag_vf no) {
    return (rag_vf)(((rag_vi)yes & mask) | ((rag_vi)no & ~mask));
}

// eʸ with a relative error of about 2 ulp for y in [−87, 88]; 0 below −87 and e⁸⁸ above 88 (never inf); NaN stays
// NaN. y = n·ln 2 + r with n rounded to nearest (the 1.5·2²³ trick, whose low mantissa bits then hold n),
// |r| <= ln2 / 2, eʳ by its degree-7 Taylor polynomial and 2ⁿ built from bits.
static inline RAG_TARGET rag_vf rag_exp(rag_vf y) {
    const rag_vi below = y < -87.0f;
    const rag_vf low = rag_select(below, rag_splat(-87.0f), y);
    const rag_vf clamped = rag_select(low > 88.0f, rag_splat(88.0f), low);
    const rag_vf shifted = clamped * 1.44269504f + 12582912.0f;
    const rag_vf n = shifted - 12582912.0f;
    const rag_vf r = clamped - n * 0.693145751953125f - n * 1.428606765330187e-6f;
    rag_vf p = rag_splat(1.0f / 5040);
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const rag_vi exponent = (rag_vi)shifted - 0x4B400000;
    const rag_vf scale = (rag_vf)((exponent + 127) << 23);
    return rag_select(below, rag_splat(0.0f), p * scale);
}

// Maclaurin coefficients of erf(x)·√π/2 / x in x²: (−1)ⁿ / (n! (2n+1)), n = 0 … 11, each one Float64 quotient
// of exact integers rounded to Float32, as the Swift table computes them.
static const float rag_erf_maclaurin[12] = {
    (float)(1.0 / 1.0),          (float)(-1.0 / 3.0),        (float)(1.0 / 10.0),         (float)(-1.0 / 42.0),
    (float)(1.0 / 216.0),        (float)(-1.0 / 1320.0),     (float)(1.0 / 9360.0),       (float)(-1.0 / 75600.0),
    (float)(1.0 / 685440.0),     (float)(-1.0 / 6894720.0),  (float)(1.0 / 76204800.0),   (float)(-1.0 / 918086400.0),
};

// Chebyshev coefficients of R(x) = eˣ² erfc(x) on 1 ≤ x ≤ 4 in s = (2x − 5) / 3 (degree 12), as in VectorMath.
static const float rag_erfc_tail[13] = {
    0.2444257528166455f,     -0.13589862853759976f,  0.035635114082718536f,   -0.008884098231185578f,
    0.002118423929715061f,   -0.00048539835775315935f, 0.00010727368288654203f, -2.2936193094025885e-05f,
    4.7567964692269825e-06f, -9.584887148280513e-07f, 1.8820006032115943e-07f,  -3.541735964331096e-08f,
    6.63224602049713e-09f,
};

// 1 + erf(z), without cancellation for negative z (where it equals erfc(|z|)).
static inline RAG_TARGET rag_vf rag_one_plus_erf(rag_vf z) {
    const rag_vi negative = z < 0.0f;
    const rag_vf a = rag_select(negative, -z, z);
    // |z| < 1: odd Maclaurin series.
    const rag_vf t = a * a;
    rag_vf series = rag_splat(rag_erf_maclaurin[11]);
    for (int n = 10; n >= 0; n--) series = series * t + rag_erf_maclaurin[n];
    const rag_vf small = a * series * 1.1283791670955126f;
    // |z| >= 1: erfc(a) = e^(−a²) R(a), R clamped to its fitted range (erfc(4) < 2e-8 already).
    const rag_vf above = rag_select(a < 1.0f, rag_splat(1.0f), a);
    const rag_vf in_range = rag_select(above > 4.0f, rag_splat(4.0f), above);
    const rag_vf s = (in_range * 2.0f - 5.0f) * (1.0f / 3);
    rag_vf b1 = {0}, b2 = {0};
    for (int k = 12; k >= 1; k--) {
        const rag_vf b0 = 2.0f * s * b1 - b2 + rag_erfc_tail[k];
        b2 = b1;
        b1 = b0;
    }
    const rag_vf erfc = rag_exp(-t) * (s * b1 - b2 + rag_erfc_tail[0]);
    const rag_vf large = rag_select(negative, erfc, 2.0f - erfc);
    const rag_vf near_zero = rag_select(negative, 1.0f - small, 1.0f + small);
    return rag_select(a < 1.0f, near_zero, large);
}

static inline RAG_TARGET rag_vf rag_gelu(rag_vf x) { return 0.5f * x * rag_one_plus_erf(x * 0.70710678118654752f); }

static inline RAG_TARGET rag_vf rag_quick_gelu(rag_vf x) { return x / (1.0f + rag_exp(-1.702f * x)); }

// MARK: - Activations

// Applies `f` to the `count` values at x, RAG_VW at a time; the last partial vector goes through a zero-padded copy,
// so nothing past x + count is read or written.
#define RAG_TRANSFORM(x, count, f)                                                                             \
    do {                                                                                                       \
        ptrdiff_t i = 0;                                                                                       \
        for (; i + RAG_VW <= (count); i += RAG_VW) rag_store((x) + i, f(rag_load((x) + i)));                  \
        if (i < (count)) {                                                                                     \
            float lanes[RAG_VW] = {0};                                                                         \
            __builtin_memcpy(lanes, (x) + i, (size_t)((count) - i) * sizeof(float));                           \
            rag_store(lanes, f(rag_load(lanes)));                                                              \
            __builtin_memcpy((x) + i, lanes, (size_t)((count) - i) * sizeof(float));                           \
        }                                                                                                      \
    } while (0)

RAG_TARGET void RAG_NAME(gelu)(float *x, ptrdiff_t count) { RAG_TRANSFORM(x, count, rag_gelu); }

RAG_TARGET void RAG_NAME(quick_gelu)(float *x, ptrdiff_t count) { RAG_TRANSFORM(x, count, rag_quick_gelu); }

#undef RAG_TRANSFORM

// MARK: - Softmax rows

// Entry j of a row always lands in lane j % RAG_VW, the missing entries of the last vector counting as masked
// (−∞, exact zeros): a row gets the same probabilities however far its batch is padded with masked keys.
RAG_TARGET void RAG_NAME(softmax_rows)(float *x, ptrdiff_t rows, ptrdiff_t width, ptrdiff_t stride) {
    const float negative_infinity = -__builtin_inff();
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = x + r * stride;
        float maximum = negative_infinity;
        ptrdiff_t j = 0;
        if (width >= RAG_VW) {
            rag_vf m = rag_load(row);
            for (j = RAG_VW; j + RAG_VW <= width; j += RAG_VW) {
                const rag_vf v = rag_load(row + j);
                m = rag_select(v > m, v, m);
            }
            for (int l = 0; l < RAG_VW; l++) maximum = m[l] > maximum ? m[l] : maximum;
        }
        for (; j < width; j++) maximum = row[j] > maximum ? row[j] : maximum;
        if (!(maximum > negative_infinity)) {
            for (j = 0; j < width; j++) row[j] = 0;
            continue;
        }
        rag_vf sums = {0};
        for (j = 0; j + RAG_VW <= width; j += RAG_VW) {
            const rag_vf v = rag_load(row + j);
            const rag_vf e = rag_select(v == negative_infinity, rag_splat(0.0f), rag_exp(v - maximum));
            rag_store(row + j, e);
            sums += e;
        }
        if (j < width) {
            float lanes[RAG_VW];
            for (int l = 0; l < RAG_VW; l++) lanes[l] = negative_infinity;
            __builtin_memcpy(lanes, row + j, (size_t)(width - j) * sizeof(float));
            const rag_vf v = rag_load(lanes);
            const rag_vf e = rag_select(v == negative_infinity, rag_splat(0.0f), rag_exp(v - maximum));
            rag_store(lanes, e);
            __builtin_memcpy(row + j, lanes, (size_t)(width - j) * sizeof(float));
            sums += e;
        }
        const float scale = 1.0f / rag_hsum(sums);
        for (j = 0; j + RAG_VW <= width; j += RAG_VW) rag_store(row + j, rag_load(row + j) * scale);
        for (; j < width; j++) row[j] *= scale;
    }
}

// MARK: - Layer-norm rows

#define RAG_HW (RAG_VW / 2)
typedef float rag_vh __attribute__((vector_size(2 * RAG_VW)));
typedef double rag_vd __attribute__((vector_size(4 * RAG_VW)));

static inline RAG_TARGET rag_vd rag_load_widened(const float *p) {
    rag_vh h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, rag_vd);
}

static inline RAG_TARGET double rag_hsum_double(rag_vd v) {
    double s = 0;
    for (int l = 0; l < RAG_HW; l++) s += v[l];
    return s;
}

// Mean and variance in Float64 (two passes, as the Swift loop, which keeps eps = 1e-12 rows exact); src and dst
// are the same buffer or do not overlap.
RAG_TARGET void RAG_NAME(layer_norm_rows)(const float *src, float *dst, ptrdiff_t rows, ptrdiff_t size,
                                          const float *gamma, const float *beta, float epsilon) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *x = src + r * size;
        float *y = dst + r * size;
        rag_vd s0 = {0}, s1 = {0};
        ptrdiff_t j = 0;
        for (; j + RAG_VW <= size; j += RAG_VW) {
            s0 += rag_load_widened(x + j);
            s1 += rag_load_widened(x + j + RAG_HW);
        }
        double sum = rag_hsum_double(s0 + s1);
        for (; j < size; j++) sum += (double)x[j];
        const double mean = sum / (double)size;
        rag_vd q0 = {0}, q1 = {0};
        for (j = 0; j + RAG_VW <= size; j += RAG_VW) {
            const rag_vd c0 = rag_load_widened(x + j) - mean, c1 = rag_load_widened(x + j + RAG_HW) - mean;
            q0 += c0 * c0;
            q1 += c1 * c1;
        }
        double squares = rag_hsum_double(q0 + q1);
        for (; j < size; j++) {
            const double c = (double)x[j] - mean;
            squares += c * c;
        }
        const float m = (float)mean;
        const float s = (float)(1.0 / __builtin_sqrt(squares / (double)size + (double)epsilon));
        for (j = 0; j + RAG_VW <= size; j += RAG_VW) {
            rag_store(y + j, (rag_load(x + j) - m) * s * rag_load(gamma + j) + rag_load(beta + j));
        }
        for (; j < size; j++) y[j] = (x[j] - m) * s * gamma[j] + beta[j];
    }
}

#undef RAG_HW
