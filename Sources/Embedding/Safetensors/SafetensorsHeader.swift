// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The decoded JSON header of a safetensors file, before validation against the file.
struct SafetensorsHeader: Decodable {
    /// One tensor entry as written in the header.
    struct Entry {
        let name: String
        let dtype: String
        let shape: [Int]
        let offsets: [Int]
    }

    private struct Fields: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]

        private enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let metadata: [String: String]
    let entries: [Entry]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                let fields: Fields
                do {
                    fields = try container.decode(Fields.self, forKey: key)
                } catch {
                    throw EmbeddingError(.corruptFile, "tensor \(key.stringValue) has a malformed header entry")
                }
                entries.append(
                    Entry(name: key.stringValue, dtype: fields.dtype, shape: fields.shape, offsets: fields.dataOffsets)
                )
            }
        }
        self.metadata = metadata
        self.entries = entries
    }
}
