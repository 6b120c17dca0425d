// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing

/// A deterministic embedder that records every input it is asked to embed.
private final class CountingEmbedder: Embedder, @unchecked Sendable {
    // SAFETY: `log` is read and written only while `lock` is held. (NSLock, not `Mutex`: the thread sanitizer
    // cannot see the standard `Mutex`'s futex calls on Linux.)
    let space: EmbeddingSpace
    let modalities: Set<Modality> = [.text, .image, .audio, .video]
    private let lock = NSLock()
    private var log: [[String]] = []

    init(modelID: String = "test/counting") {
        space = EmbeddingSpace(modelID: modelID, revision: "1", dimension: 3, normalization: .none)
    }

    /// The batches received so far, each input as ``label(_:)`` names it.
    var calls: [[String]] { lock.withLock { log } }

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        lock.withLock { log.append(inputs.map(label)) }
        var values = ContiguousArray<Float>()
        for input in inputs {
            switch input {
            case .text(let s): values += [Float(s.utf8.count), 1, 0]
            case .image(let i): values += [Float(i.width), Float(i.height), 2]
            case .audio(let a): values += [Float(a.samples.count), Float(a.sampleRate), 3]
            case .video(let v): values += [Float(v.frameCount), 0, 4]
            case .depth(let m): values += [Float(m.width), Float(m.height), 5]
            case .thermal(let m): values += [Float(m.width), Float(m.height), 6]
            case .imu(let s): values += [Float(s.length), 0, 7]
            }
        }
        return try EmbeddingMatrix(values: values, dimension: 3)
    }
}

/// An input's modality and enough of its content to tell the test inputs apart.
private func label(_ input: EmbeddingInput) -> String {
    switch input {
    case .text(let s): "text:" + s
    case .image(let i): "image:\(i.width)x\(i.height)"
    case .audio(let a): "audio:\(a.samples.count)"
    case .video(let v): "video:\(v.frameCount)"
    case .depth(let m): "depth:\(m.width)x\(m.height)"
    case .thermal(let m): "thermal:\(m.width)x\(m.height)"
    case .imu(let s): "imu:\(s.length)"
    }
}

@Suite struct EmbeddingCacheTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("embedding-cache-\(UUID().uuidString)")
    }

    private let inputs: [EmbeddingInput] = [
        .text("a cat"),
        .image(Image(width: 2, height: 1, format: .rgb, samples: .uint8([1, 2, 3, 4, 5, 6]))),
        .audio(AudioBuffer(sampleRate: 16_000, channelCount: 1, samples: [0.5, -0.5, 0.25])),
        .video(
            VideoClip(width: 1, height: 1, frameCount: 1, frameRate: .init(1)) { _ throws(MediaDecodingError) in
                Image(width: 1, height: 1, format: .gray, samples: .uint16([65_535]))
            }
        ),
    ]

    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256Vectors() {
        #expect(
            hex(SHA256.hash(Array("abc".utf8)).bytes)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(hex(SHA256.hash([]).bytes) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(
            hex(SHA256.hash(Array(twoBlocks.utf8)).bytes)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        var million = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        #expect(hex(million.finalize().bytes) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("keys separate spaces, modalities and content; equal content gives equal keys")
    func keys() throws {
        let a = EmbeddingSpace(modelID: "m", revision: "1", dimension: 3, normalization: .none)
        let b = EmbeddingSpace(modelID: "m", revision: "2", dimension: 3, normalization: .none)
        let keys = Set(try inputs.map { try EmbeddingCacheKey(space: a, input: $0) })
        #expect(keys.count == 4)
        #expect(try EmbeddingCacheKey(space: a, input: .text("x")) == EmbeddingCacheKey(space: a, input: .text("x")))
        #expect(try EmbeddingCacheKey(space: a, input: .text("x")) != EmbeddingCacheKey(space: b, input: .text("x")))
        let gray8 = Image(width: 1, height: 1, format: .gray, samples: .uint8([7]))
        let gray16 = Image(width: 1, height: 1, format: .gray, samples: .uint16([7]))
        #expect(
            try EmbeddingCacheKey(space: a, input: .image(gray8)) != EmbeddingCacheKey(space: a, input: .image(gray16))
        )
        #expect(try EmbeddingCacheKey(space: a, input: .text("x")).description.count == 64)
    }

    @Test("the second embed of the same inputs computes nothing; duplicates in a batch are computed once")
    func secondEmbedIsFree() async throws {
        let base = CountingEmbedder()
        let cached = CachingEmbedder(base, cache: try EmbeddingCache())
        let first = try await cached.embed(inputs + [inputs[0]])
        #expect(base.calls.count == 1 && base.calls[0].count == 4)
        let direct = try await base.embed(inputs + [inputs[0]])
        #expect(first.rows == direct.rows)
        let callsBefore = base.calls.count
        let second = try await cached.embed(inputs.reversed())
        #expect(base.calls.count == callsBefore)
        #expect(second.rows == first.rows.prefix(4).reversed())
        // Only the new input is computed in a mixed batch.
        _ = try await cached.embed([inputs[1], .text("new")])
        #expect(base.calls.last == ["text:new"])
    }

    @Test("a different space misses; capacity evicts the least recently used")
    func spacesAndEviction() async throws {
        let cache = try EmbeddingCache(capacity: 2)
        let one = CountingEmbedder(modelID: "one")
        let two = CountingEmbedder(modelID: "two")
        _ = try await CachingEmbedder(one, cache: cache).embed([.text("a")])
        _ = try await CachingEmbedder(two, cache: cache).embed([.text("a")])
        #expect(one.calls.count == 1 && two.calls.count == 1)
        let cachedOne = CachingEmbedder(one, cache: cache)
        _ = try await cachedOne.embed([.text("b")])  // evicts one/"a" (two/"a" is more recent)
        #expect(cache.count == 2)
        _ = try await cachedOne.embed([.text("a")])
        #expect(one.calls.count == 3 && one.calls.last == ["text:a"])
        _ = try await CachingEmbedder(two, cache: cache).embed([.text("a")])
        #expect(two.calls.count == 2)  // two/"a" was evicted by one/"a"
    }

    @Test("vectors survive on disk; a corrupt file is recomputed and rewritten")
    func diskRoundTripAndCorruption() async throws {
        let folder = scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = CountingEmbedder()
        let first = try await CachingEmbedder(base, cache: EmbeddingCache(directory: folder)).embed(inputs)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".embedding")
        }
        #expect(files.count == 4)

        let cache = try EmbeddingCache(directory: folder)  // a new process: nothing in memory
        #expect(cache.count == 0)
        let again = try await CachingEmbedder(base, cache: cache).embed(inputs)
        #expect(again == first && base.calls.count == 1)

        let key = try EmbeddingCacheKey(space: base.space, input: inputs[2])
        let url = try #require(cache.fileURL(for: key))
        let good = try Data(contentsOf: url)
        for damaged in [Data(good.prefix(good.count - 1)), Data(good.map { $0 == 0 ? 1 : $0 }), Data("junk".utf8)] {
            try damaged.write(to: url)
            let fresh = try EmbeddingCache(directory: folder)
            #expect(fresh.vector(for: key, dimension: 3) == nil)
            let recomputed = try await CachingEmbedder(base, cache: fresh).embed([inputs[2]])
            #expect(recomputed.rows == [Array(first[2])] && base.calls.last == [label(inputs[2])])
            #expect(try Data(contentsOf: url) == good)
        }
        #expect(cache.vector(for: key, dimension: 4) == nil)  // wrong dimension: a miss, never a wrong vector
    }

    @Test("cacheConcurrency: tasks sharing a small cache and a folder all get the right vectors")
    func cacheConcurrency() async throws {
        let folder = scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = CountingEmbedder()
        let cached = CachingEmbedder(base, cache: try EmbeddingCache(capacity: 5, directory: folder))
        let texts = (0..<20).map { EmbeddingInput.text(String(repeating: "x", count: $0)) }
        let expected = try await base.embed(texts)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<5 {
                        let order = (0..<20).map { (($0 * 7) + task + round) % 20 }
                        let out = try await cached.embed(order.map { texts[$0] })
                        for (row, index) in order.enumerated() where Array(out[row]) != Array(expected[index]) {
                            Issue.record("task \(task) round \(round): wrong vector for text \(index)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("unsupported modalities are refused before any lookup")
    func modalities() async throws {
        struct TextOnly: Embedder {
            let space = EmbeddingSpace(modelID: "t", dimension: 1, normalization: .none)
            let modalities: Set<Modality> = [.text]
            func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
                try EmbeddingMatrix(values: ContiguousArray(repeating: 1, count: inputs.count), dimension: 1)
            }
        }
        let cached = CachingEmbedder(TextOnly(), cache: try EmbeddingCache())
        #expect(cached.modalities == [.text])
        await expectEmbeddingError(.unsupportedModality) { _ = try await cached.embed([inputs[1]]) }
    }
}
