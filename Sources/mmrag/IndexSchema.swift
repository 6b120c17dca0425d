// SPDX-License-Identifier: Apache-2.0

import MultimodalRAG

/// The properties `mmrag` keeps for every indexed file, and the schema of the collections it creates.
///
/// `mmrag index` supplies each object's vector itself (it decodes and embeds the files in batches), so the named
/// vector's sources (`media`, `text`) only document where the vector comes from and let the library embed
/// objects that other programs insert with their bytes.
enum IndexSchema {
    /// The file's path relative to the folder that was indexed.
    static let name = "name"
    /// The file's absolute path when it was indexed.
    static let path = "path"
    /// `image`, `audio`, `video` or `text`.
    static let modality = "modality"
    /// The SHA-256 of the file's bytes: a rerun skips files whose hash is already stored.
    static let sha256 = "sha256"
    /// The file's size in bytes.
    static let byteCount = "bytes"
    /// A text file's contents.
    static let text = "text"
    /// Media bytes, for objects inserted with their bytes (`mmrag index` keeps files where they are).
    static let media = "media"

    /// The default name of the named vector.
    static let defaultVector = "clip"

    /// The properties `mmrag` reads and writes, with their types.
    static let properties: [Property] = [
        Property(name, .text), Property(path, .text), Property(modality, .text), Property(sha256, .text),
        Property(byteCount, .integer), Property(text, .text), Property(media, .blob),
    ]

    /// A new collection's schema: the properties above and one named vector filled by `embedder`.
    static func make(vector: String, embedder: any Embedder) throws(ToolError) -> CollectionSchema {
        do {
            return try CollectionSchema(
                properties: properties,
                vectors: [
                    NamedVector(vector, embedder: embedder, sources: [VectorSource(media), VectorSource(text)])
                ],
                keyword: KeywordSettings(properties: [name, text])
            )
        } catch {
            throw .failure("cannot make a collection schema with the vector name '\(vector)'", underlying: error)
        }
    }

    /// Throws unless `schema` has the properties `mmrag` needs (a collection some other program made may not).
    static func check(_ schema: CollectionSchema, folder: String) throws(ToolError) {
        for property in properties where property.name != media {
            guard let found = schema.property(named: property.name), found.type == property.type else {
                throw .failure(
                    "\(folder) is not a collection made by mmrag: it has no \(property.type) property '\(property.name)'"
                )
            }
        }
    }
}
