// SPDX-License-Identifier: Apache-2.0

/// One retrieved object a grounded prompt is built from: its id, its text properties and its images.
///
/// Retrieval results are turned into these; any search engine's hits can be too.
///
/// ```swift
/// let source = GroundingSource(
///     id: "poster-17",
///     properties: ["title": "Harbour at night", "caption": "Boats under a full moon"],
///     images: [ChatImage(data: jpeg, mediaType: "image/jpeg")]
/// )
/// ```
public struct GroundingSource: Sendable, Hashable {
    /// The object's id, reported back when the answer cites the source.
    public var id: String
    /// Text properties that prompt templates name as `{property}`.
    public var properties: [String: String]
    /// Images of the object that may be attached to the prompt.
    public var images: [ChatImage]

    /// Creates a source.
    public init(id: String, properties: [String: String] = [:], images: [ChatImage] = []) {
        self.id = id
        self.properties = properties
        self.images = images
    }
}
