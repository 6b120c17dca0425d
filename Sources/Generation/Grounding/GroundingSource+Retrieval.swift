// SPDX-License-Identifier: Apache-2.0

import Foundation
public import Retrieval

extension GroundingSource {
    /// A source from a collection query result.
    ///
    /// The id is the object's UUID string. Every property except blobs becomes text: strings as they are,
    /// numbers and Booleans as Swift prints them, dates in ISO 8601, UUIDs as strings, text arrays joined with
    /// `, `. The blobs named in `imageProperties` that the result carries (ask for them with
    /// `NearQuery.includeBlobs`) and that are images (PNG, JPEG, GIF, WebP, BMP, by their bytes) become image
    /// parts, in the order given.
    /// - Parameters:
    ///   - result: A query result.
    ///   - imageProperties: Blob properties that hold images.
    public init(_ result: QueryResult, imageProperties: [String] = []) {
        var properties: [String: String] = [:]
        for (name, value) in result.object.properties {
            let text: String? =
                switch value {
                case .text(let text): text
                case .integer(let number): String(number)
                case .double(let number): String(number)
                case .bool(let flag): String(flag)
                case .date(let date): date.ISO8601Format()
                case .textArray(let texts): texts.joined(separator: ", ")
                case .uuid(let id): id.uuidString
                case .blob: nil
                }
            if let text { properties[name] = text }
        }
        var images: [ChatImage] = []
        for name in imageProperties {
            guard let bytes = result.blobs[name], let mediaType = ChatImage.sniffMediaType(bytes) else { continue }
            images.append(ChatImage(data: bytes, mediaType: mediaType))
        }
        self.init(id: result.object.id.uuidString, properties: properties, images: images)
    }
}
