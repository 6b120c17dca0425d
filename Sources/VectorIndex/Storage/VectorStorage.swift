// SPDX-License-Identifier: Apache-2.0

/// How a ``FlatIndex`` keeps its vectors in memory and in its file.
///
/// Compact storage trades a little accuracy for memory and speed: a one-query search reads every stored byte, so
/// halving or quartering the bytes per vector makes the scan proportionally cheaper once the index no longer
/// fits in the processor's caches. Searches score the compact rows directly, without decoding them first.
///
/// | storage | bytes per component | what ``FlatIndex/vector(for:)`` returns |
/// |---|---|---|
/// | ``float32`` | 4 | the vector as added (unit length for cosine) |
/// | ``float16`` | 2 | the vector rounded to IEEE half precision (to nearest, ties to even) |
/// | ``scalarQuantized8`` | 1 | the reconstruction from one byte per component |
///
/// ``scalarQuantized8`` is FAISS's `IndexScalarQuantizer` with `QT_8bit`: training records each component's
/// minimum and range over a sample; a component x is stored as the byte ⌊255 · clamp((x − min) / range, 0, 1)⌋ and
/// read back as `min + (byte + 0.5) / 255 · range`. Values outside the trained range are clamped.
public enum VectorStorage: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Four bytes per component: the vectors as added.
    case float32 = 0
    /// Two bytes per component: IEEE binary16, about three significant digits; components beyond ±65,504 are
    /// rejected.
    case float16 = 1
    /// One byte per component, quantised between per-component bounds learned by training (FAISS `QT_8bit`).
    case scalarQuantized8 = 2

    /// The bytes one stored component takes.
    public var bytesPerComponent: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .scalarQuantized8: 1
        }
    }

    /// Whether an index must be trained before it stores vectors (only ``scalarQuantized8``).
    public var needsTraining: Bool { self == .scalarQuantized8 }

    /// A stable name: `float32`, `float16` or `scalarQuantized8`.
    public var description: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        case .scalarQuantized8: "scalarQuantized8"
        }
    }
}
