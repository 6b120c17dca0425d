// SPDX-License-Identifier: Apache-2.0

/// Splits a newline-delimited JSON body (NDJSON, as Ollama streams) fed in chunks split at any byte into lines.
///
/// Lines end in LF; a CR before the LF is dropped, and blank lines are skipped. ``finish()`` returns a last line
/// that has no line end.
package struct JSONLinesSplitter: Sendable {
    /// The longest line accepted, in bytes; a longer one is a malformed stream.
    package let maxLineBytes: Int
    private var line: [UInt8] = []

    /// Creates a splitter.
    /// - Parameter maxLineBytes: The longest line accepted; 32 MiB by default.
    package init(maxLineBytes: Int = 32 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds the next chunk and returns the lines it completes, without their line ends.
    /// - Throws: ``HTTPError/Code/invalidResponse`` when a line exceeds ``maxLineBytes``.
    package mutating func feed(_ chunk: some Collection<UInt8>) throws(HTTPError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if let complete = take() { lines.append(complete) }
            } else {
                line.append(byte)
                guard line.count <= maxLineBytes else {
                    throw HTTPError(.invalidResponse, "an NDJSON line is longer than \(maxLineBytes) bytes")
                }
            }
        }
        return lines
    }

    /// Ends the stream and returns the last line if it had no line end.
    package mutating func finish() -> [UInt8]? { take() }

    private mutating func take() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        var end = line.endIndex
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        let content = line[..<end]
        guard content.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Array(content)
    }
}
