// SPDX-License-Identifier: Apache-2.0

import Dispatch

/// An append-only file of checksummed records: the write-ahead log of a store.
///
/// Layout, all integers little-endian:
///
/// | size | field |
/// |---|---|
/// | 8 | magic (the owner's) |
/// | 4 | format version (the owner's) |
/// | 4 | reserved, zero |
/// | 8 | generation (the owner's, e.g. which snapshot the log follows) |
/// | 8 | checksum of the 24 bytes above |
/// | … | records: `length` (4), `frame check` (4), `payload checksum` (8), `payload` (`length`) |
///
/// The frame check covers the length and the payload checksum, so a damaged length is recognised as damage
/// rather than followed. One record is one commit: a record is either whole and valid or not there.
///
/// Opening classifies what follows the last valid record. If nothing valid follows a bad or incomplete
/// record, the bytes are the torn tail of a write that never finished (its commit was never acknowledged):
/// they are cut off and their count reported. If a valid record follows a bad one, the file was damaged in
/// the middle, and opening throws ``FileError/Kind/corrupt`` rather than dropping committed records.
package final class RecordLog {
    /// The header's size in bytes.
    package static let headerSize = 32
    /// Each record's frame before its payload, in bytes.
    package static let frameSize = 16
    /// The largest payload a record may have.
    package static let maximumPayload = 1 << 31 - 1

    /// What opening a log found.
    package struct Contents: Sendable {
        /// The generation stored in the header.
        package var generation: UInt64
        /// The file's bytes (header and records).
        package var bytes: [UInt8]
        /// Where each valid record's payload lies in ``bytes``, in order.
        package var records: [Range<Int>]
        /// How many bytes of torn tail were cut off (0 when the file ended cleanly).
        package var truncatedBytes: Int
    }

    private let file: OpenFile
    /// Where ``startSync()`` runs its `fsync`.
    private let syncQueue = DispatchQueue(label: "rag.log.sync")
    /// The path of the log file.
    package var path: String { file.path }
    /// The log's length in bytes (header and records).
    package private(set) var length: Int

    /// Creates a new log holding only its header, atomically replacing any file at `path`.
    package static func create(
        at path: String,
        magic: [UInt8],
        version: UInt32,
        generation: UInt64
    ) throws(FileError) {
        precondition(magic.count == 8, "a log magic is 8 bytes")
        try Files.writeAtomically(header(magic: magic, version: version, generation: generation), to: path)
    }

    /// Opens the log at `path` for appending, reading and checking every record first.
    ///
    /// - Throws: ``FileError/Kind/corrupt`` for a wrong magic, a damaged header or a damaged record followed
    ///   by valid ones; ``FileError/Kind/unsupportedVersion`` for a newer version; system failures.
    package static func open(
        _ path: String,
        magic: [UInt8],
        version: UInt32
    ) throws(FileError) -> (log: RecordLog, contents: Contents) {
        let file = try OpenFile(path, mode: .readWrite)
        let bytes = try file.readAll()
        var contents = try Self.parse(bytes, path: path, magic: magic, version: version)
        if contents.truncatedBytes > 0 {
            let end = bytes.count - contents.truncatedBytes
            try file.truncate(to: end)
            try file.sync()
            contents.bytes.removeLast(contents.truncatedBytes)
        }
        try file.seekToEnd()
        return (RecordLog(file: file, length: contents.bytes.count), contents)
    }

    private init(file: OpenFile, length: Int) {
        self.file = file
        self.length = length
    }

    /// Appends one record (not yet durable: call ``sync()`` to commit).
    package func append(_ payload: [UInt8]) throws(FileError) {
        guard payload.count <= Self.maximumPayload else {
            throw FileError(.corrupt, path: path, "a record of \(payload.count) bytes is too large for the log")
        }
        // Written after its frame header rather than copied behind it: a record can be megabytes.
        let frame = Self.frame(for: payload)
        try file.write(frame)
        try file.write(payload)
        length += frame.count + payload.count
    }

    /// For tests: an error every later sync reports instead of calling `fsync` (a failing disk cannot be arranged
    /// on demand).
    package var injectedSyncFailure: FileError?

    /// Makes every appended record durable.
    package func sync() throws(FileError) {
        if let injectedSyncFailure { throw injectedSyncFailure }
        try file.sync()
    }

    /// Starts making every record appended so far durable on another thread.
    ///
    /// ``PendingSync/wait()`` reports the outcome; the log must stay open until then.
    package func startSync() -> PendingSync {
        PendingSync(descriptor: file.descriptor, path: path, failure: injectedSyncFailure, on: syncQueue)
    }

    /// Cuts the log back to `length` bytes (used to undo an append whose sync failed), and syncs.
    package func truncate(to length: Int) throws(FileError) {
        try file.truncate(to: length)
        try file.seekToEnd()
        try file.sync()
        self.length = length
    }

    // MARK: - Format

    static func header(magic: [UInt8], version: UInt32, generation: UInt64) -> [UInt8] {
        var writer = BinaryWriter()
        writer.append(bytes: magic)
        writer.append(version)
        writer.append(UInt32(0))
        writer.append(generation)
        writer.append(Checksum.of(writer.bytes))
        return writer.bytes
    }

    static func frame(for payload: [UInt8]) -> [UInt8] {
        let checksum = Checksum.of(payload)
        var writer = BinaryWriter()
        writer.append(UInt32(payload.count))
        writer.append(frameCheck(length: UInt32(payload.count), checksum: checksum))
        writer.append(checksum)
        return writer.bytes
    }

    static func frameCheck(length: UInt32, checksum: UInt64) -> UInt32 {
        var writer = BinaryWriter()
        writer.append(length)
        writer.append(checksum)
        return UInt32(truncatingIfNeeded: Checksum.of(writer.bytes))
    }

    /// Checks the header and splits the records; `truncatedBytes` counts the torn tail, which is not removed.
    static func parse(_ bytes: [UInt8], path: String, magic: [UInt8], version: UInt32) throws(FileError) -> Contents {
        guard bytes.count >= headerSize else {
            throw FileError(.corrupt, path: path, "the log is \(bytes.count) bytes, shorter than its header")
        }
        guard Array(bytes[0..<8]) == magic else { throw FileError(.corrupt, path: path, "not a log of this kind") }
        var reader = BinaryReader(bytes[0..<headerSize], path: path)
        _ = try reader.bytes(8)
        let storedVersion = try reader.read(UInt32.self)
        _ = try reader.read(UInt32.self)
        let generation = try reader.read(UInt64.self)
        let storedChecksum = try reader.read(UInt64.self)
        guard Checksum.of(bytes[0..<24]) == storedChecksum else {
            throw FileError(.corrupt, path: path, "the log header is damaged")
        }
        guard storedVersion <= version else {
            throw FileError(
                .unsupportedVersion,
                path: path,
                "the log has format version \(storedVersion); this library reads up to \(version)"
            )
        }
        var records: [Range<Int>] = []
        var position = headerSize
        while position < bytes.count {
            if let payload = validRecord(in: bytes, at: position) {
                records.append(payload)
                position = payload.upperBound
                continue
            }
            // A bad or cut record: damage in the middle if any valid record starts after it, else a torn tail.
            for candidate in (position + 1)..<bytes.count where validRecord(in: bytes, at: candidate) != nil {
                throw FileError(
                    .corrupt,
                    path: path,
                    "log record \(records.count) at byte \(position) is damaged, and valid records follow it "
                        + "(first at byte \(candidate))"
                )
            }
            return Contents(
                generation: generation,
                bytes: bytes,
                records: records,
                truncatedBytes: bytes.count - position
            )
        }
        return Contents(generation: generation, bytes: bytes, records: records, truncatedBytes: 0)
    }

    /// The payload range of a valid record starting at `position`, or `nil`.
    static func validRecord(in bytes: [UInt8], at position: Int) -> Range<Int>? {
        guard bytes.count - position >= frameSize else { return nil }
        let length = BinaryReader.littleEndian(UInt32.self, bytes, at: position)
        let check = BinaryReader.littleEndian(UInt32.self, bytes, at: position + 4)
        let checksum = BinaryReader.littleEndian(UInt64.self, bytes, at: position + 8)
        guard frameCheck(length: length, checksum: checksum) == check else { return nil }
        let start = position + frameSize
        guard Int(length) <= bytes.count - start else { return nil }
        let payload = start..<start + Int(length)
        guard Checksum.of(bytes[payload]) == checksum else { return nil }
        return payload
    }
}
