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

// Transformer activations and row operations (ActivationTemplate.h; Embedding's `VectorMath`, `Softmax` and
// `LayerNorm` are the portable path and the oracle, with the same polynomials).
// gelu / quick_gelu: x[i] = 0.5·x·(1 + erf(x/√2)) / x·σ(1.702·x), in place, for i < count.
void rag_avx2_gelu(float *x, ptrdiff_t count);
void rag_avx512_gelu(float *x, ptrdiff_t count);
void rag_avx2_quick_gelu(float *x, ptrdiff_t count);
void rag_avx512_quick_gelu(float *x, ptrdiff_t count);
// softmax_rows: each of `rows` rows of `width` floats, rows `stride` apart (stride >= width), replaced in place by its
// softmax; −∞ entries get 0 and a row of only −∞ entries becomes zeros. x holds (rows − 1)·stride + width floats.
void rag_avx2_softmax_rows(float *x, ptrdiff_t rows, ptrdiff_t width, ptrdiff_t stride);
void rag_avx512_softmax_rows(float *x, ptrdiff_t rows, ptrdiff_t width, ptrdiff_t stride);
// layer_norm_rows: for r < rows, j < size, with the row's mean μ and biased variance σ² in Float64,
//   dst[r·size + j] = (src[r·size + j] − μ) · (1 / √(σ² + epsilon)) · gamma[j] + beta[j];
// src and dst hold rows·size floats and are the same buffer or disjoint; gamma and beta hold size floats.
void rag_avx2_layer_norm_rows(const float *src, float *dst, ptrdiff_t rows, ptrdiff_t size, const float *gamma,
                              const float *beta, float epsilon);
void rag_avx512_layer_norm_rows(const float *src, float *dst, ptrdiff_t rows, ptrdiff_t size, const float *gamma,
                                const float *beta, float epsilon);

// 8-bit fixed-point resampling, Pillow's Resample.c arithmetic (AVX2 only; the Swift `ResamplePass` is the
// portable path and the oracle): 22-bit weights, sums in 32-bit integers that wrap, a bias of 2^21, an arithmetic
// shift by 22, a clamp to 0...255. Output x (or row y) reads count[x] inputs from first[x] with the weights
// weights[x·stride ..< x·stride + count[x]].
// Horizontal, for r < rows, x < out_width, ch < channels (1...4):
//   dst[(r·out_width + x)·channels + ch] =
//       clamp(Σ_k src[(r·in_width + first[x] + k)·channels + ch] · weights[x·stride + k]);
// src holds rows·in_width·channels bytes, dst rows·out_width·channels; first[x] + count[x] <= in_width,
// count[x] <= stride. scratch holds RAG_RESAMPLE_SCRATCH(out_width, stride) int16 values (any alignment; its
// contents are overwritten).
#define RAG_RESAMPLE_SCRATCH(out_width, stride) ((out_width) * 32 * (((stride) + 3) / 4))
void rag_avx2_resample_horizontal_u8(const uint8_t *src, ptrdiff_t in_width, ptrdiff_t rows, ptrdiff_t channels,
                                     const ptrdiff_t *first, const ptrdiff_t *count, const int32_t *weights,
                                     ptrdiff_t stride, ptrdiff_t out_width, int16_t *scratch, uint8_t *dst);
// Vertical, for y < out_rows, j < row_length:
//   dst[y·row_length + j] = clamp(Σ_k src[(first[y] + k)·row_length + j] · weights[y·stride + k]);
// src holds in_rows·row_length bytes, dst out_rows·row_length; first[y] + count[y] <= in_rows.
void rag_avx2_resample_vertical_u8(const uint8_t *src, ptrdiff_t row_length, ptrdiff_t in_rows, const ptrdiff_t *first,
                                   const ptrdiff_t *count, const int32_t *weights, ptrdiff_t stride, ptrdiff_t out_rows,
                                   uint8_t *dst);

// The JPEG encoder's forward DCT (AVX2 only; MediaDecoding's `JPEGEncoderKernels.quantizedBlocks` is the portable
// path and the oracle): for each 8×8 block of the width × height plane (multiples of 8), in rows of blocks,
// F = basis · S · basisᵀ in Float32 with every product and sum rounded separately, in the Swift order; F / quant
// rounded half away from zero; coefficient i (natural order) of block b stored at blocks[b·64 + position[i]].
// plane holds width·height floats, basis and quant 64, position 64 values in 0..<64, blocks width·height.
void rag_avx2_jpeg_forward_dct(const float *plane, ptrdiff_t width, ptrdiff_t height, const float *basis,
                               const float *quant, const ptrdiff_t *position, int32_t *blocks);

// JPEG colour conversions (AVX2 only; MediaDecoding's Swift loops are the portable path and the oracle), JFIF full
// range in libjpeg's 16-bit fixed point. YCbCr → RGB, for x < width, with cb, cr = blue[x] − 128, red[x] − 128:
//   out[3x...3x+2] = clamp(Y + ((91881·cr + 32768) >> 16)), clamp(Y + ((32768 − 22554·cb − 46802·cr) >> 16)),
//                    clamp(Y + ((116130·cb + 32768) >> 16)).
// luma, blue and red hold width bytes each, out 3·width.
void rag_avx2_ycc_to_rgb_row(const uint8_t *luma, const uint8_t *blue, const uint8_t *red, ptrdiff_t width,
                             uint8_t *out);
// libjpeg's fancy 2×2 chroma upsampling of one output row (width > 2): with s[x] = 3·current[x] + near[x],
//   row[2x] = (3·s[x] + s[max(x−1, 0)] + 8) >> 4 (4·s[0] for x = 0),
//   row[2x+1] = (3·s[x] + s[x+1] + 7) >> 4 (4·s[width−1] for the last x).
// current and near hold width bytes each, row 2·width.
void rag_avx2_upsample_h2v2_row(const uint8_t *current, const uint8_t *near, ptrdiff_t width, uint8_t *row);
// The JPEG decoder's accurate integer inverse DCT (AVX2 only; MediaDecoding's `JPEGIDCT.transform` is the portable
// path and the oracle): block holds 64 dequantised coefficients in natural order, of which only the low 16 bits
// count (sign-extended, as libjpeg-turbo's SIMD code keeps them); the 8×8 samples, level-shifted by 128 and clamped
// to 0...255, go to output, rows stride bytes apart. The block is left zeroed (the decoder's next one starts so).
void rag_avx2_jpeg_idct_islow(int32_t *block, uint8_t *output, ptrdiff_t stride);
// RGB → YCbCr planes (the encoder's), for i < count (rgb holds 3·count bytes, each plane count):
//   luma[i] = (19595·R + 38470·G + 7471·B + 32768) >> 16,
//   blue[i] = clamp((−11059·R − 21709·G + 32768·B + 128·2^16 + 32767) >> 16),
//   red[i] = clamp((32768·R − 27439·G − 5329·B + 128·2^16 + 32767) >> 16).
void rag_avx2_rgb_to_ycc_planes(const uint8_t *rgb, ptrdiff_t count, uint8_t *luma, uint8_t *blue, uint8_t *red);

// Compact rows against a Float32 query (AVX2 + FMA + F16C in CompactRowsAVX2.c, AVX-512 F/BW/VL in
// CompactRowsAVX512.c; VectorIndex's `CompactRowKernels` is the portable path and the oracle). For r < count, with row r at rows + r·dimension:
//   half_dots:              out[r] = Σ_j query[j] · half(row[j])         (half: IEEE binary16 bit pattern → Float32)
//   half_squared_l2s:       out[r] = Σ_j (query[j] − half(row[j]))²
//   u8_affine_dots:         out[r] = bias + Σ_j weights[j] · row[j]
//   u8_affine_squared_l2s:  out[r] = Σ_j (offsets[j] − scales[j] · row[j])²
// query, weights, offsets and scales hold dimension floats; rows / codes hold count·dimension elements; out count.
void rag_avx2_half_dots(const float *query, const uint16_t *rows, ptrdiff_t dimension, ptrdiff_t count, float *out);
void rag_avx2_half_squared_l2s(const float *query, const uint16_t *rows, ptrdiff_t dimension, ptrdiff_t count,
                               float *out);
void rag_avx2_u8_affine_dots(const float *weights, float bias, const uint8_t *codes, ptrdiff_t dimension,
                             ptrdiff_t count, float *out);
void rag_avx2_u8_affine_squared_l2s(const float *offsets, const float *scales, const uint8_t *codes,
                                    ptrdiff_t dimension, ptrdiff_t count, float *out);
void rag_avx512_half_dots(const float *query, const uint16_t *rows, ptrdiff_t dimension, ptrdiff_t count,
                          float *out);
void rag_avx512_half_squared_l2s(const float *query, const uint16_t *rows, ptrdiff_t dimension, ptrdiff_t count,
                                 float *out);
void rag_avx512_u8_affine_dots(const float *weights, float bias, const uint8_t *codes, ptrdiff_t dimension,
                               ptrdiff_t count, float *out);
void rag_avx512_u8_affine_squared_l2s(const float *offsets, const float *scales, const uint8_t *codes,
                                      ptrdiff_t dimension, ptrdiff_t count, float *out);

#endif

#if defined(__x86_64__)
// Product-quantiser tables of `count` queries (PQTables.c; VectorIndex's `ProductQuantizer` is the portable path and
// the oracle). Query q is the subquantizers·subdimension floats at queries + q·stride; its table, at
// tables + q·table_stride, is laid out as rag_*_pq_table's:
//   table[m·centroid_count + c] = scale · Σ_j x[m·subdimension + j] · centroids[(m·subdimension + j)·centroid_count + c].
// count >= 1; centroids holds subquantizers·subdimension·centroid_count floats; tables (count − 1)·table_stride +
// subquantizers·centroid_count floats; a table does not overlap another table or the queries.
void rag_avx2_pq_tables(const float *queries, ptrdiff_t count, ptrdiff_t stride, const float *centroids,
                        ptrdiff_t subquantizers, ptrdiff_t subdimension, ptrdiff_t centroid_count, float scale,
                        float *tables, ptrdiff_t table_stride);
void rag_avx512_pq_tables(const float *queries, ptrdiff_t count, ptrdiff_t stride, const float *centroids,
                          ptrdiff_t subquantizers, ptrdiff_t subdimension, ptrdiff_t centroid_count, float scale,
                          float *tables, ptrdiff_t table_stride);
// rag_avx512_nearest_short's contract and labels, four points per pass (PQTables.c).
void rag_avx512_nearest_short4(const float *points, ptrdiff_t count, ptrdiff_t stride, ptrdiff_t dimension,
                               const float *transposed, const float *half_norms, ptrdiff_t padded, int32_t *labels);
#endif

#ifdef __cplusplus
}
#endif

#endif
