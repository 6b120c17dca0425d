// SPDX-License-Identifier: Apache-2.0

public import struct Foundation.Date
public import struct Foundation.UUID

/// An object as stored in a collection: its id, properties, vectors and timestamps.
public struct CollectionObject: Sendable, Hashable {
    /// The object's id.
    public let id: UUID
    /// Property values by name; blob properties hold a ``BlobReference`` (read the bytes with
    /// ``MultimodalCollection/blob(_:)``).
    public var properties: [String: PropertyValue]
    /// The object's vector in each named vector it has one in, as the index compares them (unit length for a
    /// cosine metric).
    public var vectors: [String: [Float]]
    /// When the object was inserted.
    public var createdAt: Date
    /// When the object was last inserted or updated.
    public var updatedAt: Date

    /// Creates an object value.
    public init(
        id: UUID,
        properties: [String: PropertyValue],
        vectors: [String: [Float]],
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.properties = properties
        self.vectors = vectors
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The blob references among the properties.
    var blobKeys: [String] {
        properties.values.compactMap { if case .blob(let reference) = $0 { reference.key } else { nil } }
    }
}
