// SPDX-License-Identifier: Apache-2.0

/// A canonical Huffman code (RFC 1951 §3.2.2) as a single lookup table indexed by the next
/// `maxLength` bits of the stream (bit-reversed, because DEFLATE packs codes most significant bit first).
struct HuffmanTable: Sendable {
    /// `symbol << 4 | length` per index; 0 where no code matches (an incomplete code).
    private let entries: [UInt16]
    private let maxLength: Int

    /// Builds the code from per-symbol code lengths (0 = symbol unused).
    /// - Throws: ``MediaDecodingError/Code/corrupt`` if the lengths over-subscribe the code space.
    init(lengths: [UInt8]) throws(MediaDecodingError) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths {
            guard length <= 15 else { throw .corrupt("deflate code length \(length) exceeds 15") }
            counts[Int(length)] += 1
        }
        counts[0] = 0
        var left = 1
        var maxLength = 0
        for length in 1...15 {
            left <<= 1
            left -= counts[length]
            guard left >= 0 else { throw .corrupt("deflate Huffman code lengths are over-subscribed") }
            if counts[length] > 0 { maxLength = length }
        }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        let size = 1 << maxLength
        var entries = [UInt16](repeating: 0, count: size)
        for (symbol, rawLength) in lengths.enumerated() where rawLength > 0 {
            let length = Int(rawLength)
            let code = nextCode[length]
            nextCode[length] += 1
            var reversed = 0
            for bit in 0..<length where code & (1 << bit) != 0 {
                reversed |= 1 << (length - 1 - bit)
            }
            let entry = UInt16(symbol << 4 | length)
            var index = reversed
            while index < size {
                entries[index] = entry
                index += 1 << length
            }
        }
        self.entries = entries
        self.maxLength = maxLength
    }

    /// Reads one symbol.
    /// - Throws: ``MediaDecodingError/Code/corrupt`` for a bit pattern that is no code,
    ///   ``MediaDecodingError/Code/truncated`` when the stream ends inside a code.
    func decode(_ reader: inout BitReader) throws(MediaDecodingError) -> Int {
        guard maxLength > 0 else { throw .corrupt("deflate stream uses a Huffman code with no symbols") }
        let (bits, available) = reader.peek(maxLength)
        let entry = Int(entries[Int(bits)])
        let length = entry & 15
        guard length != 0 else {
            if available < maxLength { throw .truncated("deflate stream ends in the middle of a code") }
            throw .corrupt("deflate stream contains a bit pattern that is not a Huffman code")
        }
        try reader.consume(length)
        return entry >> 4
    }

    /// The fixed literal/length code of block type 1.
    static let fixedLiteralLength: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        // Cannot throw: the fixed lengths form a complete code.
        return (try? HuffmanTable(lengths: lengths)) ?? HuffmanTable(empty: ())
    }()

    /// The fixed distance code of block type 1.
    static let fixedDistance: HuffmanTable = {
        (try? HuffmanTable(lengths: [UInt8](repeating: 5, count: 30))) ?? HuffmanTable(empty: ())
    }()

    private init(empty: Void) {
        entries = []
        maxLength = 0
    }
}
