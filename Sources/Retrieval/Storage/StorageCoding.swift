// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import VectorIndex
import _RAGInternals

/// The binary encodings of objects, layouts and schemas in logs and snapshots.
enum StorageCoding {
    // MARK: - Objects

    /// Writes an object's id, key, dates and properties, then `vectors` (the object's own are not read), each
    /// in name order so that equal objects encode to equal bytes.
    static func append(
        _ object: CollectionObject,
        key: UInt64,
        vectors: [String: [Float]],
        to writer: inout BinaryWriter
    ) {
        appendUUID(object.id, to: &writer)
        writer.append(key)
        writer.append(object.createdAt.timeIntervalSince1970)
        writer.append(object.updatedAt.timeIntervalSince1970)
        writer.append(UInt32(object.properties.count))
        for (name, value) in object.properties.sorted(by: { UTF8Order.precedes($0.key, $1.key) }) {
            writer.append(name)
            append(value, to: &writer)
        }
        writer.append(UInt32(vectors.count))
        if vectors.count == 1, let (name, vector) = vectors.first {
            writer.append(name)
            writer.append(floats: vector)
        } else {
            for (name, vector) in vectors.sorted(by: { UTF8Order.precedes($0.key, $1.key) }) {
                writer.append(name)
                writer.append(floats: vector)
            }
        }
    }

    static func readObject(_ reader: inout BinaryReader) throws(FileError) -> (CollectionObject, key: UInt64) {
        let id = try readUUID(&reader)
        let key = try reader.read(UInt64.self)
        let created = Date(timeIntervalSince1970: try reader.readDouble())
        let updated = Date(timeIntervalSince1970: try reader.readDouble())
        let propertyCount = Int(try reader.read(UInt32.self))
        var properties: [String: PropertyValue] = [:]
        properties.reserveCapacity(min(propertyCount, 64))
        for _ in 0..<min(propertyCount, reader.remaining) {
            let name = try reader.readString()
            properties[name] = try readValue(&reader)
        }
        guard properties.count == propertyCount else { throw reader.corrupt("an object's property count") }
        var vectors: [String: [Float]] = [:]
        let vectorCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(vectorCount, reader.remaining) {
            let name = try reader.readString()
            vectors[name] = try reader.readFloats()
        }
        guard vectors.count == vectorCount else { throw reader.corrupt("an object's vector count") }
        let object = CollectionObject(
            id: id,
            properties: properties,
            vectors: vectors,
            createdAt: created,
            updatedAt: updated
        )
        return (object, key)
    }

    /// The 16 bytes in order, written as two little-endian integers (no array per id).
    static func appendUUID(_ id: UUID, to writer: inout BinaryWriter) {
        let key = id.orderKey
        writer.append(key.high.byteSwapped)
        writer.append(key.low.byteSwapped)
    }

    static func readUUID(_ reader: inout BinaryReader) throws(FileError) -> UUID {
        // Written big-endian (byte order), read little-endian: each integer's lowest byte is the first.
        let a = try reader.read(UInt64.self)
        let b = try reader.read(UInt64.self)
        func byte(_ value: UInt64, _ index: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> (8 * index)) }
        return UUID(
            uuid: (
                byte(a, 0), byte(a, 1), byte(a, 2), byte(a, 3), byte(a, 4), byte(a, 5), byte(a, 6), byte(a, 7),
                byte(b, 0), byte(b, 1), byte(b, 2), byte(b, 3), byte(b, 4), byte(b, 5), byte(b, 6), byte(b, 7)
            )
        )
    }

    // MARK: - Values

    static func append(_ value: PropertyValue, to writer: inout BinaryWriter) {
        switch value {
        case .text(let text):
            writer.append(UInt8(1))
            writer.append(text)
        case .integer(let integer):
            writer.append(UInt8(2))
            writer.append(integer)
        case .double(let double):
            writer.append(UInt8(3))
            writer.append(double)
        case .bool(let bool):
            writer.append(UInt8(4))
            writer.append(bool)
        case .date(let date):
            writer.append(UInt8(5))
            writer.append(date.timeIntervalSince1970)
        case .textArray(let texts):
            writer.append(UInt8(6))
            writer.append(UInt32(texts.count))
            for text in texts { writer.append(text) }
        case .uuid(let id):
            writer.append(UInt8(7))
            appendUUID(id, to: &writer)
        case .blob(let reference):
            writer.append(UInt8(8))
            writer.append(reference.key)
            writer.append(UInt64(reference.byteCount))
        }
    }

    static func readValue(_ reader: inout BinaryReader) throws(FileError) -> PropertyValue {
        switch try reader.read(UInt8.self) {
        case 1: return .text(try reader.readString())
        case 2: return .integer(try reader.read(Int64.self))
        case 3: return .double(try reader.readDouble())
        case 4: return .bool(try reader.readBool())
        case 5: return .date(Date(timeIntervalSince1970: try reader.readDouble()))
        case 6:
            let count = Int(try reader.read(UInt32.self))
            guard count <= reader.remaining / 4 else { throw reader.corrupt("a text array's count") }
            var texts: [String] = []
            for _ in 0..<count { texts.append(try reader.readString()) }
            return .textArray(texts)
        case 7: return .uuid(try readUUID(&reader))
        case 8:
            let key = try reader.readString()
            let count = try reader.read(UInt64.self)
            guard count <= UInt64(Int.max), let reference = try? BlobReference(key: key, byteCount: Int(count)) else {
                throw reader.corrupt("a blob reference")
            }
            return .blob(reference)
        case let tag: throw reader.corrupt("a value (unknown type tag \(tag))")
        }
    }

    // MARK: - Layouts

    static func append(_ layout: VectorLayout, to writer: inout BinaryWriter) {
        writer.append(layout.name)
        writer.append(UInt32(layout.dimension))
        writer.append(layout.metric.rawValue)
        writer.append(layout.reportedMetric.rawValue)
        append(layout.index, to: &writer)
    }

    static func readLayout(_ reader: inout BinaryReader) throws(FileError) -> VectorLayout {
        let name = try reader.readString()
        let dimension = Int(try reader.read(UInt32.self))
        guard let metric = Metric(rawValue: try reader.read(UInt8.self)),
            let reported = Metric(rawValue: try reader.read(UInt8.self)), dimension >= 1
        else { throw reader.corrupt("a vector layout") }
        let index = try readIndexKind(&reader)
        return VectorLayout(name: name, dimension: dimension, metric: metric, reportedMetric: reported, index: index)
    }

    static func append(_ kind: VectorIndexKind, to writer: inout BinaryWriter) {
        switch kind {
        case .flat:
            writer.append(UInt8(0))
        case .ivfpq(let configuration, let search):
            writer.append(UInt8(1))
            append(configuration, search, to: &writer)
        case .automatic(let threshold, let configuration, let search):
            writer.append(UInt8(2))
            writer.append(UInt64(threshold))
            append(configuration, search, to: &writer)
        }
    }

    static func readIndexKind(_ reader: inout BinaryReader) throws(FileError) -> VectorIndexKind {
        switch try reader.read(UInt8.self) {
        case 0: return .flat
        case 1:
            let (configuration, search) = try readIVFPQ(&reader)
            return .ivfpq(configuration, search: search)
        case 2:
            let threshold = try reader.read(UInt64.self)
            guard threshold <= UInt64(Int.max) else { throw reader.corrupt("an index threshold") }
            let (configuration, search) = try readIVFPQ(&reader)
            return .automatic(threshold: Int(threshold), configuration, search: search)
        case let tag: throw reader.corrupt("an index kind (tag \(tag))")
        }
    }

    static func append(_ c: IVFPQConfiguration, _ s: IVFPQSearchParameters, to writer: inout BinaryWriter) {
        for value in [c.listCount, c.subquantizerCount, c.bitsPerCode, c.coarseIterations, c.codebookIterations] {
            writer.append(UInt32(clamping: value))
        }
        let stored: UInt8 =
            switch c.storedVectors {
            case .none: 0
            case .float32: 1
            case .float16: 2
            case .scalarQuantized8: 3
            }
        writer.append(stored)
        writer.append(c.seed)
        writer.append(UInt32(clamping: s.probeCount))
        writer.append(UInt32(clamping: s.refineFactor))
    }

    static func readIVFPQ(
        _ reader: inout BinaryReader
    ) throws(FileError) -> (IVFPQConfiguration, IVFPQSearchParameters) {
        var values: [Int] = []
        for _ in 0..<5 { values.append(Int(try reader.read(UInt32.self))) }
        let stored: IVFPQConfiguration.StoredVectors
        switch try reader.read(UInt8.self) {
        case 0: stored = .none
        case 1: stored = .float32
        case 2: stored = .float16
        case 3: stored = .scalarQuantized8
        default: throw reader.corrupt("an IVF-PQ configuration")
        }
        let seed = try reader.read(UInt64.self)
        let probes = Int(try reader.read(UInt32.self))
        let refine = Int(try reader.read(UInt32.self))
        let configuration = IVFPQConfiguration(
            listCount: values[0],
            subquantizerCount: values[1],
            bitsPerCode: values[2],
            storedVectors: stored,
            coarseIterations: values[3],
            codebookIterations: values[4],
            seed: seed
        )
        return (configuration, IVFPQSearchParameters(probeCount: probes, refineFactor: refine))
    }
}
