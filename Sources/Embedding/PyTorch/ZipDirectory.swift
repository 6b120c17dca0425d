// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The entries of a zip archive whose members are stored (not compressed), read from its central directory.
///
/// Handles zip64 (archives and members over 4 GiB, or over 65 535 members): the zip64 end-of-central-directory
/// locator and record, and the zip64 extra field of each directory entry. Every offset and size is checked
/// against the file before it is used, so a truncated or corrupt archive is an error, never a read out of
/// bounds. Data offsets come from each member's local header (its name and extra field lengths), which is how
/// PyTorch pads every member's data to a 64-byte boundary.
struct ZipDirectory: Sendable {
    /// One stored member: where its bytes are in the file.
    struct Entry: Sendable, Hashable {
        /// The member's offset of its first data byte.
        let dataOffset: Int
        /// The member's size in bytes.
        let size: Int
    }

    /// Every member, by name.
    let entries: [String: Entry]

    private static let endRecordLength = 22
    private static let maximumCommentLength = 0xFFFF
    private static let centralEntryLength = 46
    private static let localHeaderLength = 30

    /// Reads the central directory of `data`.
    /// - Parameters:
    ///   - data: The whole archive.
    ///   - sourceName: A name for error messages.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` for anything malformed or out of bounds;
    ///   ``EmbeddingError/Code/unsupportedCheckpoint`` for compressed, encrypted or multi-disk archives.
    init(_ data: Data, sourceName: String) throws(EmbeddingError) {
        func corrupt(_ message: String) -> EmbeddingError {
            EmbeddingError(.corruptFile, "\(sourceName): \(message)")
        }
        let reader = ByteReader(data)
        let length = data.count
        guard let end = Self.endRecord(reader) else {
            throw corrupt("no zip end-of-central-directory record (not a zip archive, or truncated)")
        }
        var count = Int(reader.u16(end + 10))
        var directorySize = Int(reader.u32(end + 12))
        var directoryOffset = Int(reader.u32(end + 16))
        guard reader.u16(end + 4) == 0 || reader.u16(end + 4) == 0xFFFF, reader.u16(end + 6) == reader.u16(end + 4)
        else {
            throw EmbeddingError(.unsupportedCheckpoint, "\(sourceName): multi-disk zip archives are not supported")
        }
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // zip64: the locator is the 20 bytes just before the end record.
            let locator = end - 20
            guard locator >= 56, reader.u32(locator) == 0x0706_4B50 else {
                throw corrupt("zip64 end-of-central-directory locator missing")
            }
            let record = reader.u64(locator + 8)
            guard record <= UInt64(locator - 56), reader.u32(Int(record)) == 0x0606_4B50 else {
                throw corrupt("zip64 end-of-central-directory record missing or out of bounds")
            }
            let at = Int(record)
            let count64 = reader.u64(at + 32)
            let size64 = reader.u64(at + 40)
            let offset64 = reader.u64(at + 48)
            guard count64 <= UInt64(length), size64 <= UInt64(length), offset64 <= UInt64(length) else {
                throw corrupt("zip64 directory fields out of range")
            }
            count = Int(count64)
            directorySize = Int(size64)
            directoryOffset = Int(offset64)
            guard directoryOffset + directorySize <= at else {
                throw corrupt("central directory overlaps the zip64 end record")
            }
        } else {
            guard directoryOffset + directorySize <= end else {
                throw corrupt("central directory runs past the end record")
            }
        }
        guard count <= directorySize / Self.centralEntryLength else {
            throw corrupt("\(count) entries cannot fit a \(directorySize)-byte central directory")
        }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(count)
        var p = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for _ in 0..<count {
            guard p + Self.centralEntryLength <= directoryEnd, reader.u32(p) == 0x0201_4B50 else {
                throw corrupt("bad central directory entry at byte \(p)")
            }
            let flags = reader.u16(p + 8)
            let method = reader.u16(p + 10)
            var compressedSize = UInt64(reader.u32(p + 20))
            var size = UInt64(reader.u32(p + 24))
            let nameLength = Int(reader.u16(p + 28))
            let extraLength = Int(reader.u16(p + 30))
            let commentLength = Int(reader.u16(p + 32))
            var localOffset = UInt64(reader.u32(p + 42))
            let nameStart = p + Self.centralEntryLength
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= directoryEnd else { throw corrupt("central directory entry at byte \(p) is truncated") }
            guard let name = String(validating: reader.bytes(nameStart..<extraStart), as: UTF8.self) else {
                throw corrupt("entry name at byte \(nameStart) is not UTF-8")
            }
            // The zip64 extra field (id 1) holds, in this order, each 32-bit field that is 0xFFFFFFFF.
            var x = extraStart
            while x + 4 <= extraStart + extraLength {
                let id = reader.u16(x)
                let fieldLength = Int(reader.u16(x + 2))
                let fieldEnd = x + 4 + fieldLength
                guard fieldEnd <= extraStart + extraLength else { throw corrupt("entry \(name): bad extra field") }
                if id == 1 {
                    var q = x + 4
                    func wide(_ value: inout UInt64) throws(EmbeddingError) {
                        guard value == 0xFFFF_FFFF else { return }
                        guard q + 8 <= fieldEnd else { throw corrupt("entry \(name): short zip64 extra field") }
                        value = reader.u64(q)
                        q += 8
                    }
                    try wide(&size)
                    try wide(&compressedSize)
                    try wide(&localOffset)
                }
                x = fieldEnd
            }
            guard flags & 1 == 0 else {
                throw EmbeddingError(.unsupportedCheckpoint, "\(sourceName): entry \(name) is encrypted")
            }
            guard method == 0 else {
                throw EmbeddingError(
                    .unsupportedCheckpoint,
                    "\(sourceName): entry \(name) is compressed (method \(method)); only stored entries are read"
                )
            }
            guard compressedSize == size, size <= UInt64(length), localOffset <= UInt64(length) else {
                throw corrupt("entry \(name): sizes or offset out of range")
            }
            let local = Int(localOffset)
            guard local + Self.localHeaderLength <= length, reader.u32(local) == 0x0403_4B50 else {
                throw corrupt("entry \(name): no local header at byte \(local)")
            }
            let dataOffset = local + Self.localHeaderLength + Int(reader.u16(local + 26)) + Int(reader.u16(local + 28))
            guard dataOffset <= length, Int(size) <= length - dataOffset else {
                throw corrupt("entry \(name): \(size) bytes at \(dataOffset) run past the end of the file")
            }
            guard entries.updateValue(Entry(dataOffset: dataOffset, size: Int(size)), forKey: name) == nil else {
                throw corrupt("entry \(name) appears twice")
            }
            p = next
        }
        self.entries = entries
    }

    /// The offset of the end-of-central-directory record: the last signature whose comment fits the file.
    private static func endRecord(_ reader: ByteReader) -> Int? {
        let length = reader.count
        guard length >= endRecordLength else { return nil }
        let lowest = max(0, length - endRecordLength - maximumCommentLength)
        var at = length - endRecordLength
        while at >= lowest {
            if reader.u32(at) == 0x0605_4B50, at + endRecordLength + Int(reader.u16(at + 20)) <= length { return at }
            at -= 1
        }
        return nil
    }
}

/// Little-endian reads from a byte buffer; reads past the end give zero bytes (callers check bounds first, and a
/// zero is never a valid signature).
struct ByteReader {
    private let data: Data
    let count: Int

    init(_ data: Data) {
        self.data = data
        count = data.count
    }

    func u8(_ at: Int) -> UInt8 {
        guard at >= 0, at < count else { return 0 }
        return data[data.startIndex + at]
    }

    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) | UInt16(u8(at + 1)) << 8 }

    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }

    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }

    /// The bytes of `range`, clamped to the buffer.
    func bytes(_ range: Range<Int>) -> [UInt8] {
        let lower = min(max(range.lowerBound, 0), count)
        let upper = min(max(range.upperBound, lower), count)
        return [UInt8](data[(data.startIndex + lower)..<(data.startIndex + upper)])
    }
}
