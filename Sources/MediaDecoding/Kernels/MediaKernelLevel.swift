// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which implementation runs the media hot loops that have a dispatched C kernel (the 8-bit resize passes, the
/// JPEG encoder's forward DCT): the Swift code, or the AVX2 kernels of `_RAGKernelsC`.
///
/// A default build targets the x86-64 baseline (SSE2) and Swift has no per-function target attribute, so the
/// AVX2 loops are C compiled with function-level target attributes, chosen at run time after CPUID and XGETBV.
/// The Swift code is the portable path and the oracle the kernels are tested against; both give the same bytes.
package enum MediaKernelLevel: Int, Sendable, CaseIterable, Comparable {
    /// The Swift loops, on every architecture.
    case baseline
    /// The AVX2 kernels (x86-64 with AVX2 and an OS that saves the YMM registers).
    case avx2

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The widest level this machine runs.
    package static let widestSupported: MediaKernelLevel = {
        #if arch(x86_64)
        rag_kernels_supported_level() >= 1 ? .avx2 : .baseline
        #else
        .baseline
        #endif
    }()

    /// Every level this machine runs, narrowest first.
    package static var supported: [MediaKernelLevel] { allCases.filter { $0 <= widestSupported } }

    /// The level the decoders and transforms use: the widest supported one, or `.baseline` when the
    /// environment variable `MMRAG_ISA` is `baseline` (the switch the numeric kernels honour too).
    package static let current: MediaKernelLevel = {
        guard let raw = unsafe getenv("MMRAG_ISA"), unsafe String(cString: raw).lowercased() == "baseline"
        else { return widestSupported }
        return .baseline
    }()
}
