// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGHTTP
import _RAGTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file, standing in for another process that downloads the blob.
///
/// `flock` locks belong to open file descriptions, so this lock and the one ``HubClient`` opens exclude each other
/// within one process exactly as they would across two.
final class HeldLock {
    private var fd: Int32

    init(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        fd = unsafe open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0, "cannot open \(url.path)")
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0, "cannot lock \(url.path)")
    }

    func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// The blob lock: `<cache>/.locks/models--namespace--name/<etag>.lock`, held while a blob downloads.
@Suite final class HubClientLockTests {
    let cache: URL

    init() throws {
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-hublock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: cache) }

    func client(_ hub: FakeHub, timeout: Duration = .seconds(10)) -> HubClient {
        HubClient(
            configuration: HubConfiguration(endpoint: hub.endpoint, cacheDirectory: cache, requestTimeout: timeout),
            transport: URLSessionTransport()
        )
    }

    var repoFolder: URL { cache.appendingPathComponent("models--tiny-org--tiny-model") }

    func lockFile(_ etag: String) -> URL {
        cache.appendingPathComponent(".locks/models--tiny-org--tiny-model/\(etag).lock")
    }

    /// Waits (up to a generous bound, for loaded machines) until the hub has seen a `HEAD` for `path`.
    func waitForHead(of path: String, on hub: FakeHub) async throws {
        // In a full parallel run the debug-build model suites can hold the runtime's threads for minutes.
        let deadline = ContinuousClock.now + .seconds(600)
        while !hub.hub.requests.contains(where: { $0.method == "HEAD" && $0.path.hasSuffix("/" + path) }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(hub.hub.requests.contains { $0.method == "HEAD" && $0.path.hasSuffix("/" + path) })
    }

    @Test func concurrentClientsDownloadEachBlobOnce() async throws {
        let hub = FakeHub.tiny(faults: .init(storageDelay: .milliseconds(800)))
        try hub.start()
        defer { hub.stop() }
        let (one, two) = (client(hub), client(hub))
        async let first = one.snapshot("tiny-org/tiny-model")
        async let second = two.snapshot("tiny-org/tiny-model")
        let (a, b) = try await (first, second)
        #expect(a == b)

        let weights = hub.file("model.safetensors")
        #expect(hub.storage.requests.filter { $0.method == "GET" }.map(\.path) == ["/lfs/\(weights.etag)"])
        for file in hub.files where !file.isLFS {
            let gets = hub.hub.requests.filter {
                $0.method == "GET" && $0.path.hasSuffix("/\(hub.commit)/\(file.path)")
            }
            #expect(gets.count == 1, "\(file.path) was downloaded \(gets.count) times")
        }
        for file in hub.files {
            #expect(try [UInt8](Data(contentsOf: a.appendingPathComponent(file.path))) == file.bytes, "\(file.path)")
            #expect(FileManager.default.fileExists(atPath: lockFile(file.etag).path), "\(file.path)")
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: repoFolder.appendingPathComponent("blobs").path)
        #expect(blobs.sorted() == hub.files.map(\.etag).sorted())  // no .incomplete left behind
    }

    @Test func aBlobFinishedWhileWaitingIsNotDownloadedAgain() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let other = try HeldLock(lockFile(weights.etag))
        let client = client(hub)
        let task = Task { try await client.snapshot("tiny-org/tiny-model", matching: ["*.safetensors"]) }
        try await waitForHead(of: "model.safetensors", on: hub)
        try await Task.sleep(for: .milliseconds(300))  // let the client reach the lock

        // The "other process" finishes the blob, then releases the lock.
        let blobs = repoFolder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try Data(weights.bytes).write(to: blobs.appendingPathComponent(weights.etag))
        other.release()

        let folder = try await task.value
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("model.safetensors"))) == weights.bytes)
        #expect(hub.storage.requests.isEmpty)
    }

    @Test func aLockHeldWithoutProgressTimesOut() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let other = try HeldLock(lockFile(weights.etag))
        defer { other.release() }
        let client = client(hub, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = await #expect(throws: EmbeddingError.self) {
            try await client.snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains(weights.etag) == true)
        #expect(error?.message.contains("tiny-org/tiny-model/model.safetensors") == true)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        #expect(hub.storage.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: repoFolder.appendingPathComponent("refs/main").path))
    }

    @Test func aGrowingPartialFileKeepsTheWaitGoing() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let other = try HeldLock(lockFile(weights.etag))
        let timeout = Duration.seconds(1)
        let client = client(hub, timeout: timeout)
        let start = ContinuousClock.now
        let task = Task { try await client.snapshot("tiny-org/tiny-model", matching: ["*.safetensors"]) }

        // The "other process" writes its partial file in steps, slower than the timeout overall but never pausing
        // for that long, then moves it into place and releases the lock. It runs on its own thread and starts as
        // soon as the client has asked for the file, so a busy cooperative pool can neither delay its start past
        // the client's timeout nor stretch its pauses.
        let blobs = repoFolder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        let partial = blobs.appendingPathComponent("\(weights.etag).incomplete")
        let blob = blobs.appendingPathComponent(weights.etag)
        let bytes = weights.bytes
        let path = "model.safetensors"
        let written: Bool = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let deadline = Date().addingTimeInterval(600)
                    while !hub.hub.requests.contains(where: { $0.method == "HEAD" && $0.path.hasSuffix("/" + path) }),
                        Date() < deadline
                    {
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                    for step in 1...6 {
                        try Data(bytes.prefix(step * bytes.count / 6)).write(to: partial)
                        Thread.sleep(forTimeInterval: 0.25)
                    }
                    try FileManager.default.moveItem(at: partial, to: blob)
                    continuation.resume(returning: true)
                } catch {
                    continuation.resume(returning: false)
                }
            }
        }
        try #require(written)
        other.release()

        let folder = try await task.value
        #expect(ContinuousClock.now - start > timeout)
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("model.safetensors"))) == weights.bytes)
        #expect(hub.storage.requests.isEmpty)
    }

    @Test func cancellingWhileWaitingForTheLock() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let other = try HeldLock(lockFile(weights.etag))
        defer { other.release() }
        let client = client(hub, timeout: .seconds(600))
        let task = Task { try await client.snapshot("tiny-org/tiny-model", matching: ["*.safetensors"]) }
        try await waitForHead(of: "model.safetensors", on: hub)
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        task.cancel()
        let error = await #expect(throws: EmbeddingError.self) { try await task.value }
        #expect(error?.code == .cancelled)
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(hub.storage.requests.isEmpty)
    }
}
