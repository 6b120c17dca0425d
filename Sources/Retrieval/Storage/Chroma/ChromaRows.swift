// SPDX-License-Identifier: Apache-2.0

import Foundation
import VectorIndex
import _RAGInternals

/// How objects become Chroma records and back, and how a write is split into requests under the server's limits.
///
/// A record's metadata holds every property Chroma can filter on under its own name (text, integer, double, bool,
/// a date as seconds since 1970, a UUID as its string, a non-empty text array), the id, the timestamps and the
/// blob keys under reserved `rag:` keys, and the whole object in the project's binary encoding (base64, key
/// `rag:object`), so that reads give back exactly what was written (Chroma does not keep integer and double apart
/// on every path, nor empty arrays).
enum ChromaRows {
    static let objectKey = "rag:object"
    static let blobsKey = "rag:blobs"
    static let reservedPrefix = "rag:"

    /// The metadata of `object`.
    static func metadata(_ object: CollectionObject) -> ChromaJSON {
        var writer = BinaryWriter()
        StorageCoding.append(object, key: 0, vectors: [:], to: &writer)
        var fields: [(String, ChromaJSON)] = [
            (ChromaFilterTranslator.idKey, .string(object.id.uuidString)),
            (ChromaFilterTranslator.createdKey, .double(object.createdAt.timeIntervalSince1970)),
            (ChromaFilterTranslator.updatedKey, .double(object.updatedAt.timeIntervalSince1970)),
            (objectKey, .string(Data(writer.bytes).base64EncodedString())),
        ]
        let blobs = object.blobKeys
        if !blobs.isEmpty { fields.append((blobsKey, .array(blobs.sorted().map(ChromaJSON.string)))) }
        for (name, value) in object.properties.sorted(by: { $0.key < $1.key }) {
            let stored: ChromaJSON? =
                switch value {
                case .text(let s): .string(s)
                case .integer(let v): .int(v)
                case .double(let d): .double(d)
                case .bool(let b): .bool(b)
                case .date(let d): .double(d.timeIntervalSince1970)
                case .uuid(let u): .string(u.uuidString)
                case .textArray(let a): a.isEmpty ? nil : .array(a.map(ChromaJSON.string))
                case .blob: nil
                }
            if let stored { fields.append((name, stored)) }
        }
        return .object(fields)
    }

    /// The object in a record's metadata (without vectors).
    static func object(fromMetadata metadata: Any?) throws(RetrievalError) -> CollectionObject {
        guard let fields = metadata as? [String: Any], let text = fields[objectKey] as? String,
            let bytes = Data(base64Encoded: text)
        else { throw RetrievalError(.store, "Chroma returned a record without the adapter's `rag:object` metadata") }
        var reader = BinaryReader(Array(bytes)[...], path: "Chroma record")
        do {
            return try StorageCoding.readObject(&reader).0
        } catch {
            throw RetrievalError(
                .corruptFile,
                "Chroma returned a damaged `rag:object` metadata value",
                underlying: error
            )
        }
    }

    /// A vector as base64 of little-endian float32 (Chroma's compact form for writes).
    static func base64(_ vector: [Float]) -> ChromaJSON {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern
            bytes += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
            bytes += [UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
        }
        return .string(Data(bytes).base64EncodedString())
    }

    /// A vector from JSON (an array of numbers).
    static func vector(_ value: Any?) -> [Float]? {
        guard let numbers = value as? [Any] else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(numbers.count)
        for number in numbers {
            guard let number = number as? NSNumber else { return nil }
            vector.append(number.floatValue)
        }
        return vector
    }

    // MARK: - Batches

    /// One record of a write, encoded.
    struct Row {
        var id: [UInt8]
        var embedding: [UInt8]
        var metadata: [UInt8]
        var document: [UInt8]
        var size: Int { id.count + embedding.count + metadata.count + document.count + 4 }
    }

    /// Request bodies for an upsert of `rows`: at most `maxCount` records and `maxBytes` bytes each.
    ///
    /// - Throws: ``RetrievalError/Code/invalidObject`` when one record alone exceeds `maxBytes`.
    static func upsertBodies(_ rows: [Row], maxCount: Int, maxBytes: Int) throws(RetrievalError) -> [[UInt8]] {
        let overhead = 64
        var bodies: [[UInt8]] = []
        var start = 0
        while start < rows.count {
            var end = start
            var size = overhead
            while end < rows.count && end - start < maxCount && size + rows[end].size <= maxBytes {
                size += rows[end].size
                end += 1
            }
            guard end > start else {
                throw RetrievalError(
                    .invalidObject,
                    "one Chroma record takes \(rows[start].size + overhead) bytes, more than the request limit "
                        + "of \(maxBytes)"
                )
            }
            bodies.append(body(rows[start..<end]))
            start = end
        }
        return bodies
    }

    private static func body(_ rows: ArraySlice<Row>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.reduce(64) { $0 + $1.size })
        func list(_ name: String, _ part: KeyPath<Row, [UInt8]>, first: Bool) {
            out += Array(((first ? "{" : ",") + "\"\(name)\":[").utf8)
            for (i, row) in rows.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += row[keyPath: part]
            }
            out.append(UInt8(ascii: "]"))
        }
        list("ids", \.id, first: true)
        list("embeddings", \.embedding, first: false)
        list("metadatas", \.metadata, first: false)
        list("documents", \.document, first: false)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Chroma's distance as this project's (smaller is closer): cosine `1 − cos` (never below 0: Chroma can
    /// answer `-4.8e-7` for identical directions), squared L2 as is, inner product `1 − dot` becomes `−dot`.
    static func distance(chroma: Double, metric: Metric) -> Float {
        switch metric {
        case .cosine: Float(max(chroma, 0))
        case .squaredL2: Float(max(chroma, 0))
        case .innerProduct: Float(chroma - 1)
        }
    }

    /// Chroma's `hnsw.space` for a metric.
    static func space(_ metric: Metric) -> String {
        switch metric {
        case .cosine: "cosine"
        case .squaredL2: "l2"
        case .innerProduct: "ip"
        }
    }
}
