// SPDX-License-Identifier: Apache-2.0
// The kernels of KernelTemplate.h and ActivationTemplate.h for AVX2 + FMA (256-bit vectors).
#include "include/RAGKernels.h"

#if defined(__x86_64__)
typedef float rag_vf __attribute__((vector_size(32)));
#define RAG_VW 8
#define RAG_NR RAG_AVX2_TILE_COLUMNS
#define RAG_TARGET __attribute__((target("avx2,fma,f16c")))
#define RAG_NAME(x) rag_avx2_##x
#include "KernelTemplate.h"
#include "ActivationTemplate.h"
#endif
