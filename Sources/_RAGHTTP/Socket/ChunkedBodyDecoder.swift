// SPDX-License-Identifier: Apache-2.0

/// Decodes a `Transfer-Encoding: chunked` body (RFC 9112 §7.1) incrementally: bytes go in split anywhere, the
/// payload comes out, and the decoder notices the last chunk and the trailer section after it.
package struct ChunkedBodyDecoder: Sendable {
    private enum Phase: Sendable, Equatable {
        /// Reading the hex size (and any `;extension`) up to the end of the line.
        case size(value: Int, digits: Int, inExtension: Bool)
        /// Copying this many more payload bytes.
        case data(Int)
        /// Expecting the line break after a chunk's payload.
        case dataEnd(sawCR: Bool)
        /// Reading trailer lines; `lineLength` counts the bytes of the current one.
        case trailer(lineLength: Int)
        /// The blank line after the last chunk has been read.
        case done
    }

    private var phase = Phase.size(value: 0, digits: 0, inExtension: false)

    /// Creates a decoder at the start of a body.
    package init() {}

    /// Whether the whole body, trailers included, has been read.
    package var isComplete: Bool { phase == .done }

    /// Consumes bytes from `input`, appending payload to `output`.
    /// - Returns: How many bytes of `input` were used; fewer than all only once the body is complete.
    package mutating func decode(_ input: ArraySlice<UInt8>, into output: inout [UInt8]) throws(HTTPError) -> Int {
        var i = input.startIndex
        while i < input.endIndex {
            let byte = input[i]
            switch phase {
            case .size(let value, let digits, let inExtension):
                if byte == 10 {  // LF (a CR before it is skipped below)
                    guard digits > 0 else { throw HTTPError(.invalidResponse, "a chunk without a size") }
                    phase = value == 0 ? .trailer(lineLength: 0) : .data(value)
                } else if byte == 13 || inExtension {
                    // CR, or inside a chunk extension, which is ignored
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    phase = .size(value: value, digits: digits, inExtension: true)
                } else if let digit = Self.hexValue(byte), digits < 15 {
                    phase = .size(value: value << 4 | digit, digits: digits + 1, inExtension: false)
                } else {
                    throw HTTPError(.invalidResponse, "a malformed chunk size")
                }
                i += 1
            case .data(let left):
                let take = min(left, input.endIndex - i)
                output += input[i..<(i + take)]
                i += take
                phase = take == left ? .dataEnd(sawCR: false) : .data(left - take)
            case .dataEnd(let sawCR):
                if byte == 13, !sawCR {
                    phase = .dataEnd(sawCR: true)
                } else if byte == 10 {
                    phase = .size(value: 0, digits: 0, inExtension: false)
                } else {
                    throw HTTPError(.invalidResponse, "a chunk longer than its size")
                }
                i += 1
            case .trailer(let length):
                if byte == 10 {
                    phase = length == 0 ? .done : .trailer(lineLength: 0)
                } else if byte != 13 {
                    guard length < HTTP1Framing.maxHeadBytes else {
                        throw HTTPError(.invalidResponse, "a trailer line too long")
                    }
                    phase = .trailer(lineLength: length + 1)
                }
                i += 1
            case .done:
                return i - input.startIndex
            }
        }
        return i - input.startIndex
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
