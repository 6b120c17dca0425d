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

/// Writes index bytes to an open file.
struct FileSink: ByteSink {
    typealias Failure = VectorIndexError
    let file: OpenFile

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(VectorIndexError) {
        do throws(FileError) { try unsafe file.write(bytes) } catch { throw FileStorage.wrap(error) }
    }
}

/// Reads index bytes from an open file whose length was taken when it was opened.
struct FileSource: ByteSource {
    let file: OpenFile
    let length: Int

    mutating func read(into buffer: UnsafeMutableRawBufferPointer, _ what: String) throws(VectorIndexError) {
        let count: Int
        do throws(FileError) { count = try unsafe file.read(into: buffer) } catch { throw FileStorage.wrap(error) }
        guard count == buffer.count else { throw IndexFileCoding.truncated(what) }
    }
}
