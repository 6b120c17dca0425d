// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// The x86-64 instruction set the library's vector kernels run with, so a host can log it.
///
/// A default build targets the x86-64 baseline, yet the hottest loops (the matrix-product tile used by
/// batched search, k-means and the embedding models, and the dot and squared-distance scans) come in AVX2 and
/// AVX-512 versions chosen at run time, once, from what the CPU and operating system support. Set the
/// environment variable `MMRAG_ISA` to `baseline`, `avx2` or `avx512` before the first search to use a lower
/// level (for example to compare results); a level the machine cannot run is never used: the widest supported
/// one runs instead and ``environmentDiagnostic`` says why.
///
/// On arm64 and other architectures the portable Swift kernels always run and ``active`` is ``baseline``.
///
/// ```swift
/// logger.info("vector kernels: \(InstructionSet.active)")  // "avx2" on most x86-64 servers
/// ```
public enum InstructionSet: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The portable kernels: SSE2 on x86-64, NEON on arm64.
    case baseline
    /// AVX2 with fused multiply-add (256-bit vectors).
    case avx2
    /// AVX-512 F, BW, VL and DQ (512-bit vectors).
    case avx512

    /// The instruction set the kernels use.
    public static var active: InstructionSet { InstructionSet(InstructionLevel.current) }

    /// Every instruction set this machine can run, narrowest first; always contains ``baseline``.
    public static var supported: [InstructionSet] { InstructionLevel.supported.map(InstructionSet.init) }

    /// Why the `MMRAG_ISA` environment variable was not honoured (an unknown name, or a level this machine
    /// cannot run), or `nil` when it was honoured or is unset.
    public static var environmentDiagnostic: String? { InstructionLevel.environmentDiagnostic }

    /// The name, as `MMRAG_ISA` spells it.
    public var description: String { rawValue }

    init(_ level: InstructionLevel) {
        switch level {
        case .baseline: self = .baseline
        case .avx2: self = .avx2
        case .avx512: self = .avx512
        }
    }
}
