// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGTestSupport

@testable import VectorIndex

/// The chunked storage behind both indexes: contents match a flat reference, and a write that lands while a
/// snapshot is held copies only the chunks it touches (O(batch), not O(index)).
@Suite struct ChunkedRowsTests {
    /// The address of a chunk's storage: equal addresses mean shared (not copied) storage.
    func address<Chunk: RowChunk>(_ chunk: Chunk) -> UInt {
        chunk.withElements { unsafe $0.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
    }

    @Test("appends, replacements and removals match a flat array", arguments: [0, 1, 3])
    func matchesReference(shift: Int) {
        check(ChunkedRows<Int>(width: 3, chunkShift: shift))
    }

    @Test("cache-line-aligned chunks: the same contents, and every chunk starts on 64 bytes", arguments: [0, 1, 3])
    func alignedMatchesReference(shift: Int) {
        let rows = check(AlignedChunkedRows<Int>(width: 3, chunkShift: shift))
        for chunk in rows.chunks { #expect(address(chunk) % 64 == 0) }
    }

    /// Runs appends, replacements and removals on `rows` and on a flat array and compares them; returns the rows.
    @discardableResult
    func check<Chunk: RowChunk & Sendable>(_ start: ChunkedRowStorage<Chunk>) -> ChunkedRowStorage<Chunk>
    where Chunk.Element == Int {
        var rows = start
        var reference: [Int] = []
        var next = 0
        func fresh(_ n: Int) -> [Int] {
            defer { next += n * 3 }
            return Array(next..<next + n * 3)
        }
        for batch in [1, 2, 7, 0, 9, 1] {
            let values = fresh(batch)
            rows.append(contentsOf: values)
            reference += values
        }
        rows.append(contentsOf: ContiguousArray(fresh(2)))
        reference += Array(next - 6..<next)
        rows.replaceRow(4, with: [-1, -2, -3])
        reference.replaceSubrange(12..<15, with: [-1, -2, -3])
        for pick in [0, 5, -1, 2] {
            let last = reference.count / 3 - 1
            let row = pick < 0 ? last : pick
            if row != last {
                reference.replaceSubrange(row * 3..<row * 3 + 3, with: reference[last * 3..<last * 3 + 3])
            }
            reference.removeLast(3)
            rows.removeRowByMovingLast(row)
        }
        #expect(rows.count == reference.count / 3)
        #expect(Array(rows.joined()) == reference)
        for r in 0..<rows.count { #expect(Array(rows.row(r)) == Array(reference[r * 3..<r * 3 + 3])) }
        #expect(rows.chunks.dropLast().allSatisfy { $0.count == rows.rowsPerChunk * 3 })
        return rows
    }

    @Test("an aligned chunk shared by a copy is copied, still aligned, on the first write to either")
    func alignedChunkCopiesOnWrite() {
        var original = AlignedRowChunk<Float>()
        original.appendElements([1, 2, 3, 4])
        var copy = original
        #expect(address(copy) == address(original))
        copy[1] = 20
        copy.appendElements([5])
        #expect(address(copy) != address(original) && address(copy) % 64 == 0)
        #expect(original.withElements { $0.copiedElements() } == [1, 2, 3, 4])
        #expect(copy.withElements { $0.copiedElements() } == [1, 20, 3, 4, 5])
        var third = copy
        third.removeLast(2)
        #expect(third.count == 3 && copy.count == 5 && third[2] == 3)
        let adopted = AlignedRowChunk(exactly: ContiguousArray<Float>([7, 8]))
        #expect(adopted.count == 2 && adopted.capacity == 2 && adopted[1] == 8 && address(adopted) % 64 == 0)
        #expect(AlignedRowChunk<Float>().withElements { $0.count } == 0)
    }

    @Test("a flat index keeps every stored row 64-byte aligned through writes, snapshots, trims and a reload")
    func flatRowsStayAligned() async throws {
        let d = 32
        let index = try FlatIndex(dimension: d, metric: .innerProduct)
        var rng = SeededGenerator(seed: 4)
        let n = 3 * (1 << FlatRows.chunkShift) + 17
        try index.add(VectorMatrix(values: rng.floats(n * d), dimension: d), ids: (0..<n).map(UInt64.init))
        let held = index.snapshot()
        try index.add(rng.floats(d), id: UInt64(n))
        #expect(index.remove([3, 600]) == 2)
        func rowsAligned(_ rows: FlatRows) -> Bool {
            (0..<rows.count).allSatisfy { row in
                let (c, r) = rows.vectors.position(ofRow: row)
                return (Int(address(rows.vectors.chunks[c])) + r * d * 4) % 64 == 0
            }
        }
        #expect(rowsAligned(held) && rowsAligned(index.snapshot()))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-\(UUID().uuidString).flat").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await index.save(to: path)
        let loaded = try await FlatIndex.load(from: path)
        #expect(rowsAligned(loaded.snapshot()))
        let query = rng.floats(d)
        #expect(try loaded.search(query, k: 5) == index.search(query, k: 5))
    }

    @Test("a flat-index write during a held snapshot shares every chunk it does not touch")
    func flatWriteIsPerChunk() throws {
        let d = 8
        let index = try FlatIndex(dimension: d, metric: .squaredL2)
        let perChunk = 1 << FlatRows.chunkShift
        let n = 3 * perChunk + 10
        var rng = SeededGenerator(seed: 1)
        try index.add(VectorMatrix(values: rng.floats(n * d), dimension: d), ids: (0..<n).map(UInt64.init))
        let held = index.snapshot()
        // One new row (touches the last chunk) and one removal in chunk 1 (touches chunk 1 and the last).
        try index.add(rng.floats(d), id: UInt64(n))
        #expect(index.remove([UInt64(perChunk + 5)]) == 1)
        let now = index.snapshot()
        #expect(held.count == n && now.count == n)
        for c in [0, 2] {
            #expect(address(now.vectors.chunks[c]) == address(held.vectors.chunks[c]), "chunk \(c) was copied")
            #expect(address(now.ids.chunks[c]) == address(held.ids.chunks[c]))
        }
        for c in [1, 3] {
            #expect(address(now.vectors.chunks[c]) != address(held.vectors.chunks[c]), "chunk \(c) was shared")
        }
        // The held snapshot still shows the index as it was.
        #expect(held.ids[perChunk + 5] == UInt64(perChunk + 5))
    }

    @Test("an IVF-PQ write during a held snapshot copies only the chunks of the lists it touches")
    func ivfpqWriteIsPerChunk() throws {
        let d = 8
        let index = try IVFPQIndex(
            dimension: d,
            metric: .squaredL2,
            configuration: IVFPQConfiguration(
                listCount: 4,
                subquantizerCount: 2,
                bitsPerCode: 4,
                storedVectors: .float32
            )
        )
        var rng = SeededGenerator(seed: 2)
        let n = 4000
        let data = try VectorMatrix(values: rng.floats(n * d), dimension: d)
        try index.train(data, threads: 1)
        try index.add(data, ids: (0..<n).map(UInt64.init))
        let held = index.snapshot()
        try index.add(Array(data[0]), id: UInt64(n))
        let now = index.snapshot()
        let touched = (0..<4).filter { now.lists[$0].count != held.lists[$0].count }
        #expect(touched.count == 1)
        var shared = 0
        var copied = 0
        for l in 0..<4 {
            for c in 0..<held.lists[l].codes.chunks.count {
                let same =
                    address(now.lists[l].codes.chunks[c]) == address(held.lists[l].codes.chunks[c])
                    && address(now.lists[l].vectors.chunks[c]) == address(held.lists[l].vectors.chunks[c])
                if same { shared += 1 } else { copied += 1 }
            }
        }
        // At most the last chunk of the touched list is copied.
        #expect(copied <= 1 && shared >= 14, "\(copied) chunks copied, \(shared) shared")
    }

    @Test("trim gives back the last chunk's growth slack and keeps every row")
    func trimKeepsRows() {
        var rows = ChunkedRows<UInt8>(width: 48, chunkShift: 8)
        for i in 0..<300 { rows.append(contentsOf: [UInt8](repeating: UInt8(i % 251), count: 48)) }
        let before = rows.memoryFootprint
        // How much slack geometric growth leaves depends on the allocator's block sizes (and so on what else the
        // process has allocated: in a parallel test run it was once 56 bytes), so trim is checked against what
        // was there.
        let slack = rows.chunks[1].capacity - 44 * 48
        rows.trim()
        #expect(rows.count == 300)
        #expect(rows.chunks[0].capacity - 256 * 48 < 64)
        #expect(rows.chunks[1].capacity - 44 * 48 < 64)
        if slack >= 64 {
            #expect(rows.memoryFootprint < before)
        } else {
            #expect(rows.memoryFootprint <= before)
        }
        rows.append(contentsOf: [UInt8](repeating: 9, count: 48))
        for i in [0, 255, 256, 299] { #expect(rows.row(i).allSatisfy { $0 == UInt8(i % 251) }, "row \(i)") }
        #expect(rows.row(300).allSatisfy { $0 == 9 })
    }

    @Test("an IVF-PQ bulk add leaves its lists at their exact size; single adds grow them geometrically")
    func ivfpqAddLeavesNoSlack() throws {
        let d = 8
        let lists = 16
        let m = 4
        let index = try IVFPQIndex(
            dimension: d,
            metric: .innerProduct,
            configuration: IVFPQConfiguration(listCount: lists, subquantizerCount: m, bitsPerCode: 4)
        )
        var rng = SeededGenerator(seed: 3)
        let n = 5000
        let data = try VectorMatrix(values: rng.floats(n * d), dimension: d)
        try index.train(data, threads: 1)
        let model = index.memoryFootprint
        try index.add(data, ids: (0..<n).map { UInt64($0) * 7919 })
        // A list is three 24-byte columns (at 100 vectors a list each 8 bytes of it is 0.08 bytes a vector).
        #expect(MemoryLayout<ChunkedRows<UInt8>>.stride == 24 && MemoryLayout<InvertedList>.stride == 72)
        // Per list at most: the struct, two chunk arrays (header + slots) and their chunks' headers.
        let listOverhead = lists * (MemoryLayout<InvertedList>.stride + 2 * (32 + 32 + 8 * 2) + 4 * 64)
        let idMap = (n * 4 + 2) / 3 * 4 + 64
        let bytes = index.memoryFootprint - model
        #expect(bytes >= n * (m + 8) + idMap - 64)
        #expect(bytes <= n * (m + 8) + idMap + listOverhead, "\(bytes)")
        for list in index.snapshot().lists {
            guard let codes = list.codes.chunks.last, let ids = list.ids.chunks.last else { continue }
            #expect(codes.capacity - codes.count < 64 && (ids.capacity - ids.count) * 8 < 64)
        }
        // Reading the index back builds lists (and a map) no larger, up to the allocator's rounding of each
        // buffer (a chunk array of two chunks was seen with room for 3 or 5, a chunk 16 bytes larger).
        let reread = try IVFPQIndex(serialized: index.serialized())
        #expect(reread.memoryFootprint <= index.memoryFootprint + lists * 2 * 32)
        #expect(reread.memoryFootprint - model >= n * (m + 8))
        // Single adds into one list grow its last chunk by a quarter at a time: they reallocate it a few times,
        // not on every add (each add used to give the slack back, copying the chunk twice).
        let home = try #require(index.snapshot().lists.firstIndex { list in list.ids.joined().contains(0) })
        var chunkAddresses = Set<UInt>()
        for k in 0..<100 {
            try index.add(Array(data[0]), id: UInt64(k) * 7919 + 1)
            chunkAddresses.insert(address(try #require(index.snapshot().lists[home].codes.chunks.last)))
        }
        #expect(chunkAddresses.count <= 8, "\(chunkAddresses.count) reallocations in 100 single adds")
        // The slack is at most a quarter of the last chunk's entries (codes and ids), and compact() gives it back.
        let slackBound = 64 * (m + 8) + 2 * 64
        #expect(index.memoryFootprint - model <= (n + 100) * (m + 8) + idMap * 3 / 2 + listOverhead + slackBound)
        index.compact()
        for list in index.snapshot().lists {
            guard let codes = list.codes.chunks.last, let ids = list.ids.chunks.last else { continue }
            #expect(codes.capacity - codes.count < 64 && (ids.capacity - ids.count) * 8 < 64)
        }
        #expect(index.memoryFootprint - model <= (n + 100) * (m + 8) + idMap * 3 / 2 + listOverhead)
        // A batch of at least one vector per list sizes every list it grows exactly, though it adds only a few
        // entries to each.
        let batch = try VectorMatrix(values: Array(data.values[0..<64 * d]), dimension: d)
        try index.add(batch, ids: (0..<64).map { 1_000_000_000 + UInt64($0) })
        for list in index.snapshot().lists {
            guard let codes = list.codes.chunks.last, let ids = list.ids.chunks.last else { continue }
            #expect(codes.capacity - codes.count < 64 && (ids.capacity - ids.count) * 8 < 64)
        }
        #expect(index.remove([1, 7919]) == 2)
        #expect(index.count == n + 162)
    }

    @Test("an append sizes a chunk exactly when it adds a quarter of its rows, and otherwise grows it by a quarter")
    func appendCapacity() {
        let width = 48
        var rows = ChunkedRows<UInt8>(width: width, chunkShift: 8)
        func add(_ count: Int) { rows.append(contentsOf: [UInt8](repeating: 7, count: count * width)) }
        func slack(_ chunk: Int, rows held: Int) -> Int { rows.chunks[chunk].capacity - held * width }
        // A bulk append: each chunk it starts holds exactly its rows (up to the allocator's rounding).
        add(300)
        #expect(rows.chunks.count == 2 && slack(0, rows: 256) < 64 && slack(1, rows: 44) < 64)
        // 11 more rows are a quarter of the last chunk's 44: exact again.
        add(11)
        #expect(slack(1, rows: 55) < 64)
        // One row: the chunk grows by a quarter (13 rows), and the rows up to there go in without a reallocation.
        add(1)
        #expect(slack(1, rows: 68) >= 0 && slack(1, rows: 68) < 64)
        let grown = address(rows.chunks[1])
        for _ in 56..<68 { add(1) }
        #expect(address(rows.chunks[1]) == grown)
        // Growth stops at one chunk; the next row starts a chunk of exactly one row.
        for _ in 68..<257 { add(1) }
        #expect(rows.chunks.count == 3 && slack(1, rows: 256) < 64 && slack(2, rows: 1) < 64)
        #expect(rows.count == 513 && rows.joined().allSatisfy { $0 == 7 })
    }
}
