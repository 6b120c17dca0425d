// SPDX-License-Identifier: Apache-2.0

import Embedding
import VectorIndex
import _RAGInternals

extension CollectionSchema {
    init(uncheckedProperties properties: [Property], vectors: [NamedVector], keyword: KeywordSettings) {
        self.properties = properties
        self.vectors = vectors
        self.keyword = keyword
    }

    /// The schema without its embedders, as stored in a collection's snapshot.
    var encoded: [UInt8] {
        var writer = BinaryWriter()
        writer.append(UInt32(properties.count))
        for property in properties {
            writer.append(property.name)
            writer.append(property.type.rawValue)
        }
        writer.append(UInt32(vectors.count))
        for vector in vectors {
            writer.append(vector.name)
            writer.append(vector.space.modelID)
            writer.append(vector.space.revision)
            writer.append(UInt32(vector.space.dimension))
            writer.append(vector.space.normalization.rawValue)
            writer.append(UInt32(vector.sources.count))
            for source in vector.sources {
                writer.append(source.property)
                writer.append(source.weight)
            }
            StorageCoding.append(vector.index, to: &writer)
            writer.append(vector.metric?.rawValue ?? 0)
        }
        keyword.append(to: &writer)
        return writer.bytes
    }

    /// Decodes a stored schema; named vectors come back without embedders.
    static func decode(_ bytes: ArraySlice<UInt8>, path: String) throws(FileError) -> CollectionSchema {
        var reader = BinaryReader(bytes, path: path)
        var properties: [Property] = []
        let propertyCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(propertyCount, reader.remaining) {
            let name = try reader.readString()
            guard let type = PropertyType(rawValue: try reader.readString()) else {
                throw reader.corrupt("a property type")
            }
            properties.append(Property(name, type))
        }
        var vectors: [NamedVector] = []
        let vectorCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(vectorCount, reader.remaining) {
            let name = try reader.readString()
            let modelID = try reader.readString()
            let revision = try reader.readString()
            let dimension = Int(try reader.read(UInt32.self))
            guard dimension >= 1, let normalization = EmbeddingSpace.Normalization(rawValue: try reader.readString())
            else { throw reader.corrupt("an embedding space") }
            var sources: [VectorSource] = []
            let sourceCount = Int(try reader.read(UInt32.self))
            for _ in 0..<min(sourceCount, reader.remaining) {
                sources.append(VectorSource(try reader.readString(), weight: try reader.readDouble()))
            }
            let index = try StorageCoding.readIndexKind(&reader)
            let metricRaw = try reader.read(UInt8.self)
            let metric = metricRaw == 0 ? nil : Metric(rawValue: metricRaw)
            guard metricRaw == 0 || metric != nil else { throw reader.corrupt("a metric") }
            var vector = NamedVector(
                name,
                space: EmbeddingSpace(
                    modelID: modelID,
                    revision: revision,
                    dimension: dimension,
                    normalization: normalization
                ),
                index: index,
                metric: metric
            )
            vector.sources = sources
            vectors.append(vector)
        }
        // Schemas written before keyword settings existed end here and get the defaults.
        let keyword = reader.isAtEnd ? KeywordSettings() : try KeywordSettings.read(&reader)
        guard properties.count == propertyCount, vectors.count == vectorCount, reader.isAtEnd else {
            throw reader.corrupt("the stored schema")
        }
        return CollectionSchema(uncheckedProperties: properties, vectors: vectors, keyword: keyword)
    }
}
