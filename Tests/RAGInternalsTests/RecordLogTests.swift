// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGInternals

@Suite struct RecordLogTests {
    static let magic = Array("TESTLOG1".utf8)

    private func temporaryPath(_ name: String) throws -> String {
        let folder = "/tmp/rag-internals-\(UInt64.random(in: 0...UInt64.max))"
        try Files.createFolder(folder)
        return folder + "/" + name
    }

    private func payloads(_ contents: RecordLog.Contents) -> [[UInt8]] {
        contents.records.map { Array(contents.bytes[$0]) }
    }

    @Test("records appended and synced come back in order after reopening")
    func roundTrip() throws {
        let path = try temporaryPath("log")
        try RecordLog.create(at: path, magic: Self.magic, version: 1, generation: 7)
        let (log, empty) = try RecordLog.open(path, magic: Self.magic, version: 1)
        #expect(empty.records.isEmpty && empty.generation == 7 && empty.truncatedBytes == 0)
        try log.append([1, 2, 3])
        try log.append([])
        try log.append(Array(repeating: 9, count: 1000))
        try log.sync()
        #expect(log.length == RecordLog.headerSize + 3 * RecordLog.frameSize + 1003)
        let (_, contents) = try RecordLog.open(path, magic: Self.magic, version: 1)
        #expect(payloads(contents) == [[1, 2, 3], [], Array(repeating: 9, count: 1000)])
    }

    @Test("every cut inside the last record is a torn tail: cut off, reported, earlier records kept")
    func tornTail() throws {
        let path = try temporaryPath("log")
        try RecordLog.create(at: path, magic: Self.magic, version: 1, generation: 0)
        let (log, _) = try RecordLog.open(path, magic: Self.magic, version: 1)
        try log.append([10, 11])
        try log.append([20, 21, 22, 23])
        try log.sync()
        let full = try Files.read(path)
        let firstEnd = RecordLog.headerSize + RecordLog.frameSize + 2
        for cut in firstEnd + 1..<full.count {
            try Files.writeAtomically(Array(full[..<cut]), to: path)
            let (_, contents) = try RecordLog.open(path, magic: Self.magic, version: 1)
            #expect(payloads(contents) == [[10, 11]])
            #expect(contents.truncatedBytes == cut - firstEnd)
            #expect(Files.size(of: path) == firstEnd)
        }
    }

    @Test("a damaged record followed by a valid one is corruption, not a torn tail")
    func corruptionInTheMiddle() throws {
        let path = try temporaryPath("log")
        try RecordLog.create(at: path, magic: Self.magic, version: 1, generation: 0)
        let (log, _) = try RecordLog.open(path, magic: Self.magic, version: 1)
        try log.append([1, 2, 3, 4])
        try log.append([5, 6, 7, 8])
        try log.sync()
        let full = try Files.read(path)
        // Every byte of the first record (frame and payload), every bit.
        for offset in RecordLog.headerSize..<RecordLog.headerSize + RecordLog.frameSize + 4 {
            for bit in 0..<8 {
                var damaged = full
                damaged[offset] ^= 1 << bit
                try Files.writeAtomically(damaged, to: path)
                let error = #expect(throws: FileError.self) {
                    _ = try RecordLog.open(path, magic: Self.magic, version: 1)
                }
                #expect(error?.kind == .corrupt)
            }
        }
    }

    @Test("a damaged header, a wrong magic and a newer version are refused")
    func header() throws {
        let path = try temporaryPath("log")
        try RecordLog.create(at: path, magic: Self.magic, version: 2, generation: 0)
        var error = #expect(throws: FileError.self) { _ = try RecordLog.open(path, magic: Self.magic, version: 1) }
        #expect(error?.kind == .unsupportedVersion)
        error = #expect(throws: FileError.self) {
            _ = try RecordLog.open(path, magic: Array("OTHERLOG".utf8), version: 2)
        }
        #expect(error?.kind == .corrupt)
        var bytes = try Files.read(path)
        bytes[20] ^= 0x40
        try Files.writeAtomically(bytes, to: path)
        error = #expect(throws: FileError.self) { _ = try RecordLog.open(path, magic: Self.magic, version: 2) }
        #expect(error?.kind == .corrupt)
        try Files.writeAtomically(Array(bytes[..<10]), to: path)
        error = #expect(throws: FileError.self) { _ = try RecordLog.open(path, magic: Self.magic, version: 2) }
        #expect(error?.kind == .corrupt)
    }
}

@Suite struct FilesTests {
    @Test("atomic writes replace the whole file; a failing writer leaves the old one and no temporary file")
    func atomicWrite() throws {
        let folder = "/tmp/rag-internals-\(UInt64.random(in: 0...UInt64.max))/a/b"
        try Files.createFolder(folder)
        let path = folder + "/file"
        try Files.writeAtomically([1, 2, 3], to: path)
        try Files.writeAtomically([4, 5], to: path)
        #expect(try Files.read(path) == [4, 5])
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try Files.writeAtomically(to: path, wrap: { _ in Refused() }) { (file) throws(Refused) in
                do { try file.write([9, 9, 9]) } catch { throw Refused() }
                throw Refused()
            }
        }
        #expect(try Files.read(path) == [4, 5])
        #expect(try Files.contents(ofFolder: folder) == ["file"])
    }

    @Test("a missing file is a system error that keeps errno (ENOENT = 2)")
    func missingFile() {
        let error = #expect(throws: FileError.self) { _ = try Files.read("/tmp/definitely/not/here") }
        #expect(error?.kind == .system && error?.errno == 2)
        #expect(error?.description.contains("errno 2") == true)
    }

    @Test("a second lock on the same file is refused until the first is released")
    func lock() throws {
        let path = "/tmp/rag-internals-lock-\(UInt64.random(in: 0...UInt64.max))"
        var first: FileLock? = try FileLock(path)
        let error = #expect(throws: FileError.self) { _ = try FileLock(path) }
        #expect(error?.kind == .locked)
        _ = first
        first = nil
        _ = try FileLock(path)
    }

    @Test("whole-file reads return every byte in order, small files in one read and large ones in two halves")
    func readWholeFiles() throws {
        let folder = "/tmp/rag-internals-\(UInt64.random(in: 0...UInt64.max))"
        try Files.createFolder(folder)
        // Empty, one byte, just under the size read in halves (16 MiB), and an odd size over it.
        for count in [0, 1, 16 << 20 - 1, 21_000_003] {
            // Every 1,000 bytes carry their own number, so a half read into the wrong place shows.
            var bytes = [UInt8](repeating: 0xA5, count: count)
            for block in stride(from: 0, to: count - 3, by: 1_000) {
                for k in 0..<4 { bytes[block + k] = UInt8(truncatingIfNeeded: (block / 1_000) >> (8 * k)) }
            }
            let path = folder + "/file-\(count)"
            try Files.writeAtomically(bytes, to: path, sync: false)
            #expect(try Files.read(path) == bytes, "\(count) bytes")
            // The position ends at the end: a write after the read appends.
            let file = try OpenFile(path, mode: .readWrite)
            _ = try file.readAll()
            try file.write([7])
            #expect(try file.length() == count + 1)
            try Files.remove(path)
        }
    }
}

@Suite struct BinaryCodingTests {
    @Test("values round-trip and every cut is a corrupt error, never a trap")
    func roundTripAndCuts() throws {
        var writer = BinaryWriter()
        writer.append(UInt64(0x0102_0304_0506_0708))
        writer.append(-1.5 as Double)
        writer.append(true)
        writer.append("héllo")
        writer.append(floats: [1, -2, 3.5])
        let bytes = writer.bytes
        #expect(Array(bytes[0..<8]) == [8, 7, 6, 5, 4, 3, 2, 1])
        func decode(_ bytes: ArraySlice<UInt8>) throws -> (UInt64, Double, Bool, String, [Float]) {
            var reader = BinaryReader(bytes, path: "test")
            return (
                try reader.read(UInt64.self), try reader.readDouble(), try reader.readBool(), try reader.readString(),
                try reader.readFloats()
            )
        }
        let decoded = try decode(bytes[...])
        #expect(decoded.0 == 0x0102_0304_0506_0708 && decoded.1 == -1.5 && decoded.2 && decoded.3 == "héllo")
        #expect(decoded.4 == [1, -2, 3.5])
        for cut in 0..<bytes.count {
            #expect(throws: FileError.self) { _ = try decode(bytes[..<cut]) }
        }
    }
}

@Suite struct ParallelTests {
    @Test("forEach runs every part exactly once, including 0 and 1 parts")
    func forEach() {
        for parts in [0, 1, 2, 7] {
            let seen = Locked([Int]())
            Parallel.forEach(parts: parts) { part in seen.withLock { $0.append(part) } }
            #expect(seen.withLock { $0.sorted() } == Array(0..<parts))
        }
    }
}
