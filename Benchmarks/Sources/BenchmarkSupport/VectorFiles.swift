// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A TEXMEX `.fvecs` / `.ivecs` file: rows of equal width, each stored as an int32 width then its values.
public struct VectorFile {
    /// The values per row.
    public let width: Int
    /// The rows, back to back.
    public let floats: [Float]
    /// The rows, back to back (`.ivecs`).
    public let integers: [Int]

    /// Reads `.fvecs` (Float32 rows) or, with `integers: true`, `.ivecs` (Int32 rows).
    public init(path: String, integers: Bool = false) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let words = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        guard let first = words.first, first > 0, words.count % (Int(first) + 1) == 0 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        let width = Int(first)
        var floats: [Float] = []
        var ints: [Int] = []
        for row in stride(from: 0, to: words.count, by: width + 1) {
            let values = words[row + 1...row + width]
            if integers {
                ints += values.map { Int(Int32(bitPattern: $0)) }
            } else {
                floats += values.map(Float.init(bitPattern:))
            }
        }
        self.width = width
        self.floats = floats
        self.integers = ints
    }

    /// The number of rows.
    public var count: Int { max(floats.count, integers.count) / width }
}
