// SPDX-License-Identifier: Apache-2.0
// The kernels of KernelTemplate.h and ActivationTemplate.h for AVX-512 F/BW/VL/DQ (512-bit vectors).
#include "include/RAGKernels.h"

#if defined(__x86_64__)
typedef float rag_vf __attribute__((vector_size(64)));
#define RAG_VW 16
#define RAG_NR RAG_AVX512_TILE_COLUMNS
#define RAG_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#define RAG_NAME(x) rag_avx512_##x
#include "KernelTemplate.h"
#include "ActivationTemplate.h"
#endif
