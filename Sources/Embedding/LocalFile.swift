// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Reading the files of a checkpoint or tokenizer folder, with the module's two failure codes.
enum LocalFile {
    /// The bytes at `url`, memory-mapped when `mapped` and the file system allows it.
    /// - Throws: ``EmbeddingError/Code/notFound`` when there is no file, ``EmbeddingError/Code/fileSystem``
    ///   when it exists but cannot be read.
    static func read(_ url: URL, mapped: Bool = false) throws(EmbeddingError) -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw EmbeddingError(.notFound, "no file at \(url.path)")
        }
        do {
            return try Data(contentsOf: url, options: mapped ? .mappedIfSafe : [])
        } catch {
            throw EmbeddingError(.fileSystem, "cannot read \(url.path)", underlying: error)
        }
    }
}
