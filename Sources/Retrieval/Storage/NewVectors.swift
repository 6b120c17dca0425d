// SPDX-License-Identifier: Apache-2.0

/// The vectors a batch adds, per named vector, in the order of its puts, added to the indexes together.
///
/// A key put twice in one batch keeps its last vectors; a key whose object the batch replaces again drops the
/// vectors it had added.
struct NewVectors {
    struct Rows {
        var keys: [UInt64] = []
        var vectors: [[Float]] = []
        var position: [UInt64: Int] = [:]

        mutating func set(_ vector: [Float], key: UInt64) {
            if let i = position[key] {
                (keys[i], vectors[i]) = (key, vector)
            } else {
                position[key] = keys.count
                keys.append(key)
                vectors.append(vector)
            }
        }
    }

    /// Marks a row whose key was replaced later in the batch.
    static let removed = UInt64.max

    var rows: [String: Rows] = [:]

    mutating func add(_ vector: [Float], key: UInt64, to name: String) {
        rows[name, default: Rows()].set(vector, key: key)
    }

    mutating func remove(_ key: UInt64) {
        for name in rows.keys {
            if let i = rows[name]!.position[key] { rows[name]!.keys[i] = Self.removed }
        }
    }
}
