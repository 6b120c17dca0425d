// SPDX-License-Identifier: Apache-2.0

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if arch(x86_64)
import _RAGKernelsC
#endif

/// The instruction set the dispatched kernels run with (matrix-product tile and packing, dot / squared-L2 /
/// cosine scans, product-quantiser tables and training assignment, Float16 widening, the transformers' GELU,
/// softmax and layer norm).
///
/// A default build targets the x86-64 baseline (SSE2), and Swift has no per-function target attribute, so the
/// wider kernels live in the C target `_RAGKernelsC`, compiled per instruction set with function-level target
/// attributes. The level is chosen once, at first use: the widest one that CPUID and XGETBV report as usable,
/// unless the environment variable `MMRAG_ISA` (`baseline`, `avx2` or `avx512`) asks for a lower one. A request
/// the machine cannot run is never honoured (that would be a SIGILL): the level falls back to the widest
/// supported one and ``environmentDiagnostic`` says why, also written once to standard error. On other
/// architectures the level is always `.baseline` and the portable Swift kernels run (NEON on arm64).
package enum InstructionLevel: Int, Sendable, CaseIterable, Comparable {
    /// The portable Swift kernels (SSE2 on x86-64, NEON on arm64).
    case baseline
    /// AVX2 + FMA: 256-bit vectors, fused multiply-add.
    case avx2
    /// AVX-512 F, BW, VL and DQ: 512-bit vectors.
    case avx512

    /// The name `MMRAG_ISA` accepts for this level.
    package var name: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The widest level this CPU and operating system support.
    package static var widestSupported: InstructionLevel { resolved.widest }

    /// Every level this machine can run, narrowest first (always includes `.baseline`).
    package static var supported: [InstructionLevel] { allCases.filter { $0 <= resolved.widest } }

    /// The level the kernels use now.
    package static var current: InstructionLevel {
        let forced = override.load(ordering: .relaxed)
        return forced >= 0 ? InstructionLevel(rawValue: forced)! : resolved.chosen
    }

    /// Why `MMRAG_ISA` was not honoured (an unknown name or an unsupported level), or nil.
    package static var environmentDiagnostic: String? { resolved.diagnostic }

    /// Forces a level for the whole process, or returns to the chosen one with `nil`.
    ///
    /// Returns false, changing nothing, when this machine cannot run `level`.
    @discardableResult
    package static func force(_ level: InstructionLevel?) -> Bool {
        guard let level else {
            override.store(-1, ordering: .relaxed)
            return true
        }
        guard level <= widestSupported else { return false }
        override.store(level.rawValue, ordering: .relaxed)
        return true
    }

    /// True when the wide kernels run (a quick test for the inlinable entry points).
    @inlinable
    package static var _isWide: Bool {
        #if arch(x86_64)
        current != .baseline
        #else
        false
        #endif
    }

    private static let override = Atomic<Int>(-1)

    private static let resolved: (widest: InstructionLevel, chosen: InstructionLevel, diagnostic: String?) = {
        #if arch(x86_64)
        let widest = InstructionLevel(rawValue: Int(rag_kernels_supported_level())) ?? .baseline
        #else
        let widest = InstructionLevel.baseline
        #endif
        guard let raw = unsafe getenv("MMRAG_ISA").map({ unsafe String(cString: $0) }), !raw.isEmpty else {
            return (widest, widest, nil)
        }
        let diagnostic: String
        if let requested = allCases.first(where: { $0.name == raw.lowercased() }) {
            if requested <= widest { return (widest, requested, nil) }
            diagnostic =
                "MMRAG_ISA=\(raw): this machine supports at most \(widest.name); using \(widest.name)"
        } else {
            diagnostic = "MMRAG_ISA=\(raw) is not one of baseline, avx2, avx512; using \(widest.name)"
        }
        var line = "multimodal-rag: \(diagnostic)\n"
        line.withUTF8 { bytes in _ = unsafe write(2, bytes.baseAddress, bytes.count) }
        return (widest, widest, diagnostic)
    }()
}
