// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct FlatIndexPersistenceTests {
    func sample(metric: Metric = .squaredL2) throws -> FlatIndex {
        let index = try FlatIndex(dimension: 4, metric: metric)
        try index.add(VectorMatrix(rows: randomRows(6, dimension: 4, seed: 3)), ids: [5, 1, 9, 2, 7, 100])
        return index
    }

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-\(UUID().uuidString)-\(name)").path
    }

    @Test("serialized bytes round-trip ids, vectors and metric", arguments: Metric.allCases)
    func roundTrip(metric: Metric) throws {
        let index = try sample(metric: metric)
        let copy = try FlatIndex(serialized: index.serialized())
        #expect(copy.metric == metric)
        #expect(copy.dimension == 4)
        #expect(copy.ids == index.ids)
        for id in index.ids { #expect(copy.vector(for: id) == index.vector(for: id)) }
        #expect(try copy.search([0.1, 0.2, 0.3, 0.4], k: 6) == index.search([0.1, 0.2, 0.3, 0.4], k: 6))
    }

    @Test("the header is the documented layout")
    func layout() throws {
        let bytes = try sample().serialized()
        #expect(Array(bytes[0..<8]) == Array("MMRAGFLT".utf8))
        #expect(Array(bytes[8..<12]) == [1, 0, 0, 0])
        #expect(bytes[12] == Metric.squaredL2.rawValue)
        #expect(Array(bytes[16..<24]) == [4, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[24..<32]) == [6, 0, 0, 0, 0, 0, 0, 0])
        #expect(bytes.count == 32 + 6 * 8 + 6 * 4 * 4 + 8)
    }

    @Test("save and load through the file system, replacing an existing file")
    func saveAndLoad() async throws {
        let path = temporaryPath("flat.idx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try sample()
        try await index.save(to: path)
        try index.add([9, 9, 9, 9], id: 1000)
        try await index.save(to: path)
        let loaded = try await FlatIndex.load(from: path)
        #expect(loaded.count == 7)
        #expect(loaded.vector(for: 1000) == [9, 9, 9, 9])
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: (path as NSString).deletingLastPathComponent
        )
        .filter { $0.hasPrefix((path as NSString).lastPathComponent + ".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("missing file and unwritable folder are file-system errors")
    func fileSystemErrors() async throws {
        await #expect(throws: VectorIndexError.self) { _ = try await FlatIndex.load(from: "/nonexistent/mmrag.idx") }
        let error = await #expect(throws: VectorIndexError.self) {
            try await sample().save(to: "/nonexistent-folder/mmrag.idx")
        }
        #expect(error?.code == .fileSystem)
    }

    @Test("every truncation is a corrupt-file error")
    func truncation() throws {
        let bytes = try sample().serialized()
        for length in 0..<bytes.count {
            #expect(
                code { _ = try FlatIndex(serialized: Array(bytes[0..<length])) } == .corruptFile,
                "length \(length)"
            )
        }
    }

    @Test("flipping any byte gives an error or an identical index, never a crash")
    func byteFlips() throws {
        let index = try sample()
        let bytes = index.serialized()
        let query: [Float] = [0.3, -0.2, 0.5, 0.1]
        let expected = try index.search(query, k: 6)
        var errors = 0
        for position in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[position] ^= mask
                switch Result(catching: { () throws(VectorIndexError) in try FlatIndex(serialized: damaged) }) {
                case .success(let loaded):
                    #expect(try loaded.search(query, k: 6) == expected, "flip at \(position) went unnoticed")
                case .failure(let error):
                    #expect([.corruptFile, .unsupportedVersion].contains(error.code))
                    errors += 1
                }
            }
        }
        // The checksum covers every byte, so every flip is detected.
        #expect(errors == bytes.count * 3)
    }

    @Test("wrong magic, future version and lying sizes name the problem")
    func specificErrors() throws {
        let bytes = try sample().serialized()
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        #expect(throwsMessage { _ = try FlatIndex(serialized: magic) }?.contains("magic") == true)
        var future = bytes
        future[8] = 3
        #expect(code { _ = try FlatIndex(serialized: future) } == .unsupportedVersion)
        // A header that claims a huge count with a valid checksum is rejected before allocating.
        var huge = Array(bytes[0..<32]) + Array(bytes[32..<bytes.count - 8])
        for i in 24..<32 { huge[i] = 0xFF }
        huge += checksumLikeFile(huge)
        #expect(code { _ = try FlatIndex(serialized: huge) } == .corruptFile)
    }

    /// Re-derives a valid trailing checksum by serialising an index and patching: the format's checksum is not
    /// public, so compute it with a round trip through a file that differs only in the header.
    private func checksumLikeFile(_ body: [UInt8]) -> [UInt8] {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var i = 0
        while body.count - i >= 8 {
            let word = body.littleEndianUInt64(at: i)
            h = ((h ^ word) << 29 | (h ^ word) >> 35) &* prime
            i += 8
        }
        while i < body.count {
            h = (h ^ UInt64(body[i])) &* prime
            i += 1
        }
        let value = h ^ (h >> 32)
        return (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    private func throwsMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("the test's checksum twin agrees with the library (so the huge-count test reaches the size check)")
    func checksumTwin() throws {
        let bytes = try sample().serialized()
        #expect(checksumLikeFile(Array(bytes[0..<bytes.count - 8])) == Array(bytes[(bytes.count - 8)...]))
    }
}
