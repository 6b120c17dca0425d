// SPDX-License-Identifier: Apache-2.0
#include "include/RAGKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

// XGETBV without the `xsave` target attribute the intrinsic would need: only executed once CPUID has
// reported OSXSAVE, so the instruction exists.
static uint64_t rag_xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

int rag_kernels_supported_level(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, f16c = (ecx >> 29) & 1;
    if (!fma || !osxsave || !avx || !f16c) return 0;
    const uint64_t xcr0 = rag_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0;  // XMM and YMM state saved by the OS
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const int avx2 = (ebx >> 5) & 1;
    if (!avx2) return 0;
    const int avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1, avx512bw = (ebx >> 30) & 1,
              avx512vl = (ebx >> 31) & 1;
    // Opmask, upper ZMM0-15 and ZMM16-31 state (bits 5, 6, 7) saved by the OS.
    if (avx512f && avx512dq && avx512bw && avx512vl && (xcr0 & 0xE0) == 0xE0) return 2;
    return 1;
}

#else

int rag_kernels_supported_level(void) { return 0; }

#endif
