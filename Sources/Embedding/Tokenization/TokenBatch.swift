// SPDX-License-Identifier: Apache-2.0

/// A padded batch of token ids, stored row-major: `count` rows of `length` positions each.
///
/// Each row holds one text's ids followed by padding. ``attentionMask`` is 1 for real tokens and 0 for padding;
/// ``tokenTypeIDs`` is all 0 (single-segment input, as BERT sentence embedders use).
public struct TokenBatch: Hashable, Sendable {
    /// The number of rows (texts).
    public let count: Int
    /// The number of positions in every row.
    public let length: Int
    /// The token ids, `count * length` values, row-major.
    public let inputIDs: [Int]
    /// 1 where ``inputIDs`` holds a real token, 0 where it holds padding; same layout.
    public let attentionMask: [Int]
    /// The segment of each position (always 0 here); same layout.
    public let tokenTypeIDs: [Int]

    /// Builds a batch from unpadded rows.
    /// - Parameters:
    ///   - rows: The ids of each text.
    ///   - length: The padded row length.
    ///   - paddingID: The id written into padded positions.
    /// - Precondition: No row is longer than `length`.
    public init(rows: [[Int]], length: Int, paddingID: Int) {
        precondition(length >= 0, "length must not be negative")
        var ids = [Int](repeating: paddingID, count: rows.count * length)
        var mask = [Int](repeating: 0, count: rows.count * length)
        for (r, row) in rows.enumerated() {
            precondition(row.count <= length, "row \(r) has \(row.count) ids, more than the length \(length)")
            for (j, id) in row.enumerated() {
                ids[r * length + j] = id
                mask[r * length + j] = 1
            }
        }
        self.count = rows.count
        self.length = length
        self.inputIDs = ids
        self.attentionMask = mask
        self.tokenTypeIDs = [Int](repeating: 0, count: rows.count * length)
    }

    /// The ids of one row, padding included.
    /// - Precondition: `0 <= row < count`.
    public func ids(row: Int) -> ArraySlice<Int> {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        return inputIDs[row * length..<(row + 1) * length]
    }

    /// The attention mask of one row.
    /// - Precondition: `0 <= row < count`.
    public func attentionMask(row: Int) -> ArraySlice<Int> {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        return attentionMask[row * length..<(row + 1) * length]
    }
}
