// SPDX-License-Identifier: Apache-2.0

public import struct Foundation.UUID

/// An object to insert or the new contents of one to update.
///
/// ```swift
/// let input = ObjectInput(
///     properties: ["caption": .text("a pigeon on a roof"), "year": .integer(2023)],
///     blobs: ["photo": jpegBytes]
/// )
/// ```
public struct ObjectInput: Sendable {
    /// The object's id; `nil` lets the collection generate a random one.
    public var id: UUID?
    /// Property values by name; blob properties go in ``blobs``, and absent properties are null.
    public var properties: [String: PropertyValue]
    /// Bytes for blob properties, by property name.
    ///
    /// The collection stores them content-addressed and sets the property to their ``BlobReference``.
    public var blobs: [String: [UInt8]]
    /// Vectors supplied by the caller, by named-vector name.
    ///
    /// A named vector with an embedder computes its vector from its sources unless one is given here.
    public var vectors: [String: [Float]]

    /// Creates an input.
    public init(
        id: UUID? = nil,
        properties: [String: PropertyValue] = [:],
        blobs: [String: [UInt8]] = [:],
        vectors: [String: [Float]] = [:]
    ) {
        self.id = id
        self.properties = properties
        self.blobs = blobs
        self.vectors = vectors
    }
}
