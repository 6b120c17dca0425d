// SPDX-License-Identifier: Apache-2.0

/// Little-endian integer reads from a byte array, without unsafe pointers.
extension Array where Element == UInt8 {
    /// The `UInt16` stored little-endian at `offset`.
    public func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    /// The `UInt32` stored little-endian at `offset`.
    public func littleEndianUInt32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }

    /// The `UInt64` stored little-endian at `offset`.
    public func littleEndianUInt64(at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * UInt64($1)) }
    }
}
