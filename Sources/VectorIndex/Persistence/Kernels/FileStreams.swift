// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

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

    /// The whole file, from where reading stands to its end (the length taken when it was opened).
    mutating func readAll(_ what: String) throws(VectorIndexError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        // `Array.withUnsafeMutableBytes` rethrows untyped (and `Array.mutableSpan` needs macOS 26 / iOS 26).
        var failure: VectorIndexError?
        unsafe bytes.withUnsafeMutableBytes { raw in
            do throws(VectorIndexError) { try unsafe read(into: raw, what) } catch { failure = error }
        }
        if let failure { throw failure }
        return bytes
    }
}
