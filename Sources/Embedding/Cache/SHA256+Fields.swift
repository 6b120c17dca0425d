// SPDX-License-Identifier: Apache-2.0

extension SHA256 {
    /// Adds an integer as 8 little-endian bytes.
    package mutating func update(_ value: UInt64) {
        update((0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }

    /// Adds a string as its length (8 bytes) followed by its UTF-8 bytes, so that consecutive strings cannot run
    /// into each other.
    package mutating func update(lengthPrefixed text: String) {
        update(UInt64(text.utf8.count))
        update(text.utf8)
    }
}
