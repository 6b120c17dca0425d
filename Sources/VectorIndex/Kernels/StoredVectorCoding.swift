// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

// The byte form of the vectors an IVF-PQ list keeps for re-ranking: Float32 and Float16 values lie in a list's
// byte column as they lie in memory (and in index files, which are little-endian like every supported host),
// 8-bit codes as they are. Reading those bytes back as floats is a raw-memory operation, so it lives among the
// kernels (`../STYLE.md` §6).

enum StoredVectorCoding {
    /// The stored form of every row of `vectors`, back to back (empty for ``IVFPQConfiguration/StoredVectors/none``).
    ///
    /// - Precondition: `quantizer` is set for ``IVFPQConfiguration/StoredVectors/scalarQuantized8``.
    static func encode(
        _ vectors: VectorMatrix,
        as kind: IVFPQConfiguration.StoredVectors,
        quantizer: ScalarQuantizer?
    ) -> ContiguousArray<UInt8> {
        let values = vectors.values
        switch kind {
        case .none:
            return []
        case .float32, .float16:
            // Written straight into the result: Float32 bytes as they are, Float16 narrowed on the way.
            let width = kind.componentBytes
            return unsafe ContiguousArray(unsafeUninitializedCapacity: values.count * width) { buffer, count in
                let out = UnsafeMutableRawBufferPointer(buffer)
                if width == 4 {
                    unsafe values.span.bytes.withUnsafeBytes { raw in unsafe out.copyMemory(from: raw) }
                } else {
                    for (i, x) in values.enumerated() {
                        unsafe out.storeBytes(of: HalfBits.narrow(x), toByteOffset: 2 * i, as: UInt16.self)
                    }
                }
                count = values.count * width
            }
        case .scalarQuantized8:
            guard let quantizer else { preconditionFailure("8-bit stored vectors need trained bounds") }
            var codes = ContiguousArray<UInt8>()
            quantizer.encode(vectors, appendingTo: &codes)
            return codes
        }
    }

    /// The vector one stored row holds (decoded from Float16 or 8-bit codes).
    ///
    /// - Precondition: `row.count == dimension × kind.componentBytes`, and `quantizer` is set for 8-bit rows.
    static func decode(
        _ row: Span<UInt8>,
        as kind: IVFPQConfiguration.StoredVectors,
        quantizer: ScalarQuantizer?
    ) -> [Float] {
        switch kind {
        case .none:
            return []
        case .float32:
            precondition(row.count % 4 == 0, "a Float32 row has a multiple of 4 bytes")
            return unsafe row.bytes.withUnsafeBytes { raw in
                (0..<raw.count / 4).map { j in
                    Float(bitPattern: unsafe raw.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self))
                }
            }
        case .float16:
            precondition(row.count % 2 == 0, "a Float16 row has a multiple of 2 bytes")
            return unsafe row.bytes.withUnsafeBytes { raw in
                (0..<raw.count / 2).map { j in
                    HalfBits.widen(unsafe raw.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self))
                }
            }
        case .scalarQuantized8:
            guard let quantizer else { preconditionFailure("8-bit stored vectors need trained bounds") }
            precondition(row.count == quantizer.dimension, "an 8-bit row has one byte per component")
            return (0..<row.count).map { j in quantizer.decode(row[j], component: j) }
        }
    }

    /// Whether every value in `bytes` (whole Float32 or Float16 values) is finite; 8-bit codes always are.
    static func allFinite(_ bytes: Span<UInt8>, as kind: IVFPQConfiguration.StoredVectors) -> Bool {
        switch kind {
        case .none, .scalarQuantized8:
            return true
        case .float32:
            return unsafe bytes.bytes.withUnsafeBytes { raw in
                (0..<raw.count / 4).allSatisfy { j in
                    unsafe raw.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self) & 0x7F80_0000 != 0x7F80_0000
                }
            }
        case .float16:
            return unsafe bytes.bytes.withUnsafeBytes { raw in
                (0..<raw.count / 2).allSatisfy { j in
                    unsafe raw.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self) & 0x7C00 != 0x7C00
                }
            }
        }
    }
}
