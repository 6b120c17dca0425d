// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

// Index files are little-endian and arrays are written and read as their in-memory bytes.
#if _endian(big)
#error("index files are little-endian; big-endian hosts are not supported")
#endif

/// Where file bytes are written: a memory buffer (which cannot fail) or a file descriptor.
protocol ByteSink {
    associatedtype Failure: Error
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(Failure)
}

/// Where file bytes are read from, with the total length known up front so that sizes claimed by a header can
/// be checked before anything is allocated.
protocol ByteSource {
    /// The number of bytes the source holds in all.
    var length: Int { get }
    /// Fills `buffer` completely with the next bytes.
    ///
    /// - Throws: ``VectorIndexError/Code/corruptFile`` when fewer bytes are left, or a file-system error.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer, _ what: String) throws(VectorIndexError)
}

/// A sink that appends to a byte array.
struct MemorySink: ByteSink {
    typealias Failure = Never
    var bytes: [UInt8] = []

    mutating func write(_ raw: UnsafeRawBufferPointer) {
        unsafe bytes.append(contentsOf: raw)
    }
}

/// A source that reads from bytes in memory (a whole array, or a slice of a larger one, without copying it).
struct MemorySource: ByteSource {
    let bytes: ArraySlice<UInt8>
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var length: Int { bytes.count }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer, _ what: String) throws(VectorIndexError) {
        guard bytes.count - offset >= buffer.count else { throw IndexFileCoding.truncated(what) }
        let start = offset
        unsafe bytes.withUnsafeBytes { raw in
            unsafe buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<start + buffer.count]))
        }
        offset += buffer.count
    }
}

/// Little-endian values and arrays written to a sink, with a running checksum of everything written.
struct IndexFileWriter<Sink: ByteSink> {
    var sink: Sink
    private var checksum = Checksum()

    init(_ sink: Sink) {
        self.sink = sink
    }

    /// Writes raw bytes (a header assembled by the caller).
    mutating func write(_ bytes: [UInt8]) throws(Sink.Failure) {
        let whole = bytes[...]  // a slice's `span` back-deploys; `Array.span` needs macOS 26 / iOS 26
        try unsafe whole.span.bytes.withUnsafeBytes { (raw) throws(Sink.Failure) in try unsafe absorb(raw) }
    }

    /// Writes the elements' bytes straight from the array's storage, without an intermediate copy.
    mutating func write<Element: BitwiseCopyable>(_ values: ContiguousArray<Element>) throws(Sink.Failure) {
        try unsafe values.span.bytes.withUnsafeBytes { (raw) throws(Sink.Failure) in try unsafe absorb(raw) }
    }

    /// Writes every row of `rows`, chunk after chunk, straight from their storage.
    mutating func write<Chunk>(_ rows: ChunkedRowStorage<Chunk>) throws(Sink.Failure) {
        for c in rows.chunks.indices {
            try rows.withChunk(c) { (elements) throws(Sink.Failure) in
                try unsafe elements.bytes.withUnsafeBytes { (raw) throws(Sink.Failure) in try unsafe absorb(raw) }
            }
        }
    }

    /// Appends the checksum of everything written so far (the checksum does not cover itself).
    mutating func finish() throws(Sink.Failure) {
        let bytes = IndexFileCoding.littleEndianBytes(checksum.value)[...]
        try unsafe bytes.span.bytes.withUnsafeBytes {
            (raw) throws(Sink.Failure) in try unsafe sink.write(raw)
        }
    }

    private mutating func absorb(_ raw: UnsafeRawBufferPointer) throws(Sink.Failure) {
        unsafe checksum.update(raw)
        try unsafe sink.write(raw)
    }
}

/// Little-endian values and arrays read from a source, with a running checksum of everything read.
struct IndexFileReader<Source: ByteSource> {
    private(set) var source: Source
    private var checksum = Checksum()

    init(_ source: Source) {
        self.source = source
    }

    /// Reads the trailing stored checksum and compares it with the checksum of everything read before it.
    mutating func verifyChecksum() throws(VectorIndexError) {
        let computed = checksum.value
        // A slice, whose `mutableSpan` back-deploys (`Array.mutableSpan` needs macOS 26 / iOS 26).
        var stored = [UInt8](repeating: 0, count: 8)[...]
        var target = stored.mutableSpan
        try unsafe target.withUnsafeMutableBytes { (raw) throws(VectorIndexError) in
            try unsafe source.read(into: raw, "checksum")
        }
        guard IndexFileCoding.littleEndian(UInt64.self, Array(stored), at: 0) == computed else {
            throw VectorIndexError(.corruptFile, "checksum mismatch: the file is damaged")
        }
    }

    /// Reads `count` elements straight into a new array's storage.
    mutating func read<Element: BitwiseCopyable>(
        _: Element.Type,
        count: Int,
        _ what: String
    ) throws(VectorIndexError) -> ContiguousArray<Element> {
        try readChunk(ContiguousArray<Element>.self, count: count, what)
    }

    /// Reads `count` elements straight into a new chunk's storage (no zero-filling pass over what the file
    /// overwrites anyway, and no copy afterwards).
    mutating func readChunk<Chunk: RowChunk>(
        _: Chunk.Type,
        count: Int,
        _ what: String
    ) throws(VectorIndexError) -> Chunk where Chunk.Element: BitwiseCopyable {
        try unsafe Chunk(count: count) { (raw) throws(VectorIndexError) in
            try unsafe source.read(into: raw, what)
            unsafe checksum.update(UnsafeRawBufferPointer(raw))
        }
    }
}

extension IndexFileReader {
    /// Reads `rowCount` rows into `rows`, one chunk at a time, each straight into the chunk's storage.
    mutating func read<Chunk>(
        _ rowCount: Int,
        into rows: inout ChunkedRowStorage<Chunk>,
        _ what: String
    ) throws(VectorIndexError) {
        var done = 0
        while done < rowCount {
            let n = min(rows.rowsPerChunk, rowCount - done)
            rows.append(contentsOf: try readChunk(Chunk.self, count: n * rows.width, what))
            done += n
        }
    }
}

extension IndexFileWriter {
    /// Writes the first 12 bytes every index file starts with: its 8-byte magic number and its format version.
    mutating func writePreamble(magic: [UInt8], version: UInt32) throws(Sink.Failure) {
        try write(magic + IndexFileCoding.littleEndianBytes(version))
    }
}

extension IndexFileReader {
    /// Reads and checks the first 12 bytes every index file starts with and returns the format version.
    ///
    /// - Throws: ``VectorIndexError/Code/corruptFile`` for another magic number (naming `kind`), a truncated
    ///   preamble or version 0; ``VectorIndexError/Code/unsupportedVersion`` for a version above `newest`.
    mutating func readPreamble(magic: [UInt8], newest: UInt32, kind: String) throws(VectorIndexError) -> UInt32 {
        let length = source.length
        guard length >= 8, Array(try read(UInt8.self, count: 8, "magic number")) == magic else {
            throw VectorIndexError(.corruptFile, "not \(kind) file (wrong magic number)")
        }
        guard length >= 12 else { throw IndexFileCoding.truncated("header") }
        let version = IndexFileCoding.littleEndian(UInt32.self, Array(try read(UInt8.self, count: 4, "header")), at: 0)
        guard version != 0 else { throw VectorIndexError(.corruptFile, "format version 0 is invalid") }
        guard version <= newest else {
            throw VectorIndexError(
                .unsupportedVersion,
                "file has format version \(version); this library reads up to \(newest)"
            )
        }
        return version
    }
}

/// Helpers shared by the index file formats.
enum IndexFileCoding {
    static func truncated(_ what: String) -> VectorIndexError {
        VectorIndexError(.corruptFile, "file is truncated: it ends inside the \(what)")
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func littleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[offset + $1]) << (8 * $1) }
    }
}
