// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// Index files on disk through the shared file helpers, with their failures as ``VectorIndexError``s.
///
/// Both directions stream: an index is written from and read into its own arrays, never through a second
/// full copy.
enum FileStorage {
    /// Lets `body` write a file at `path` atomically (temporary file, `fsync`, `rename`, folder `fsync`).
    ///
    /// A crash or an error leaves the previous file, if any, untouched.
    static func writeAtomically(
        to path: String,
        _ body: (inout FileSink) throws(VectorIndexError) -> Void
    ) throws(VectorIndexError) {
        try Files.writeAtomically(to: path, wrap: wrap) { (file) throws(VectorIndexError) in
            var sink = FileSink(file: file)
            try body(&sink)
        }
    }

    /// Opens the file at `path` and lets `body` read it from the start.
    static func withContents<Result>(
        of path: String,
        _ body: (inout FileSource) throws(VectorIndexError) -> Result
    ) throws(VectorIndexError) -> Result {
        let file: OpenFile
        let length: Int
        do throws(FileError) {
            file = try OpenFile(path, mode: .read)
            length = try file.length()
        } catch {
            throw wrap(error)
        }
        var source = FileSource(file: file, length: length)
        return try body(&source)
    }

    /// A file-system failure as an index error: the message names the operation, the path and the system's
    /// reason, and ``VectorIndexError/posixCode`` is the `errno`.
    static func wrap(_ error: FileError) -> VectorIndexError {
        VectorIndexError(.fileSystem, error.message(""), posixCode: error.posixCode)
    }
}
