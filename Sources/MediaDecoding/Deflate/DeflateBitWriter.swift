// SPDX-License-Identifier: Apache-2.0

/// Writes a DEFLATE bit stream: least significant bit first, through a 64-bit accumulator.
struct DeflateBitWriter {
    private(set) var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var count = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends the low `length` (at most 32) bits of `value`, least significant first.
    @inline(__always)
    mutating func write(_ value: Int, _ length: Int) {
        accumulator |= (UInt64(truncatingIfNeeded: value) & ((1 << UInt64(length)) &- 1)) &<< UInt64(count)
        count += length
        if count >= 32 {
            for _ in 0..<4 {
                bytes.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
            }
            count -= 32
        }
    }

    /// Appends a Huffman code given most significant bit first (as canonical codes are), reversing it.
    @inline(__always)
    mutating func writeCode(_ code: Int, _ length: Int) {
        var reversed = 0
        var c = code
        for _ in 0..<length {
            reversed = reversed << 1 | c & 1
            c >>= 1
        }
        write(reversed, length)
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        while count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            count = max(count - 8, 0)
        }
        accumulator = 0
    }

    /// Appends whole bytes; the writer must be byte-aligned.
    mutating func append(contentsOf slice: ArraySlice<UInt8>) {
        precondition(count == 0, "append needs a byte-aligned writer")
        bytes.append(contentsOf: slice)
    }

    /// The finished stream, padded to a whole byte.
    mutating func finish() -> [UInt8] {
        alignToByte()
        return bytes
    }
}
