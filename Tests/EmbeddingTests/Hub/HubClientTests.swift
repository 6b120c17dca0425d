// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Synchronization
import Testing
import _RAGHTTP
import _RAGTestSupport

/// Records the waits a client asks for instead of sleeping.
final class DelayRecorder: Sendable {
    private let storage = Mutex<[Duration]>([])
    func record(_ delay: Duration) { storage.withLock { $0.append(delay) } }
    var delays: [Duration] { storage.withLock { $0 } }
}

/// ``HubClient`` against a fake hub on loopback sockets; the real network and the real cache are never touched.
@Suite final class HubClientTests {
    let cache: URL

    init() throws {
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: cache) }

    /// A client for `hub`, with short timeouts and recorded (not slept) retry delays.
    func client(
        _ hub: FakeHub,
        token: String? = nil,
        offline: Bool = false,
        policy: HubConfiguration.CachePolicy = .preferCache,
        timeout: Duration = .seconds(5),
        attempts: Int = 3,
        slept: DelayRecorder? = nil
    ) -> HubClient {
        let configuration = HubConfiguration(
            endpoint: hub.endpoint,
            cacheDirectory: cache,
            token: token,
            offline: offline,
            cachePolicy: policy,
            requestTimeout: timeout,
            maxAttempts: attempts
        )
        return HubClient(configuration: configuration, transport: URLSessionTransport()) { delay in
            slept?.record(delay)
        }
    }

    var repoFolder: URL { cache.appendingPathComponent("models--tiny-org--tiny-model") }

    private func contents(_ url: URL) throws -> [UInt8] { try [UInt8](Data(contentsOf: url)) }

    private func exists(_ url: URL) -> Bool { (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil }

    @Test func modelInfoListsFilesAndCommit() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let info = try await client(hub).modelInfo(HubRepoID("tiny-org/tiny-model"))
        #expect(info.id == "tiny-org/tiny-model")
        #expect(info.sha == hub.commit)
        #expect(info.siblings.map(\.path) == hub.files.map(\.path))
    }

    @Test func snapshotUsesTheHuggingFaceCacheLayout() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let reports = Mutex<[HubProgress]>([])
        let folder = try await client(hub).snapshot("tiny-org/tiny-model") { p in reports.withLock { $0.append(p) } }
        #expect(
            folder.standardizedFileURL
                == repoFolder.appendingPathComponent("snapshots/\(hub.commit)").standardizedFileURL
        )
        let ref = try String(contentsOf: repoFolder.appendingPathComponent("refs/main"), encoding: .utf8)
        #expect(ref == hub.commit)
        for file in hub.files {
            let blob = repoFolder.appendingPathComponent("blobs/\(file.etag)")
            #expect(try contents(blob) == file.bytes)
            let link = folder.appendingPathComponent(file.path)
            let depth = file.path.split(separator: "/").count - 1
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: link.path)
            #expect(target == String(repeating: "../", count: depth + 2) + "blobs/\(file.etag)")
            #expect(try contents(link) == file.bytes)
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: repoFolder.appendingPathComponent("blobs").path)
        #expect(blobs.sorted() == hub.files.map(\.etag).sorted())  // no .incomplete left behind
        let weights = hub.file("model.safetensors")
        #expect(
            reports.withLock { $0 }.contains { $0.file == weights.path && $0.completedBytes == weights.bytes.count }
        )
        // The LFS file came from the storage host through the redirect, the others from the hub.
        #expect(hub.storage.requests.map(\.path) == ["/lfs/\(weights.etag)"])
        #expect(hub.hub.requests.contains { $0.path.hasPrefix("/api/resolve-cache/models/tiny-org/tiny-model/") })
        #expect(hub.hub.requests.first?.path == "/api/models/tiny-org/tiny-model/revision/main")
        #expect(
            hub.hub.requests.contains {
                $0.method == "HEAD" && $0.path.hasSuffix("/resolve/\(hub.commit)/model.safetensors")
            }
        )
    }

    @Test func secondLoadIsServedFromTheCacheWithoutRequests() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let first = try await client(hub).snapshot("tiny-org/tiny-model")
        hub.hub.clearRequests()
        hub.storage.clearRequests()
        let second = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.json", "*.safetensors"])
        #expect(second == first)
        #expect(hub.hub.requests.isEmpty && hub.storage.requests.isEmpty)
        // A pattern that matches nothing in the repository is known to be satisfied, too.
        _ = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.json", "*.bin"])
        #expect(hub.hub.requests.isEmpty)

        // Revalidating asks the model API once and downloads nothing.
        let third = try await client(hub, policy: .revalidate).snapshot("tiny-org/tiny-model")
        #expect(third == first)
        #expect(hub.hub.requests.map(\.method) == ["GET"])
        #expect(hub.storage.requests.isEmpty)
    }

    @Test func patternsSelectFiles() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let folder = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.json", "*.txt"])
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.contains(".") }
            .sorted()
        #expect(files == ["config.json", "tokenizer/vocab.txt"])
        #expect(hub.storage.requests.isEmpty)
        // A pattern the cached snapshot does not cover goes back to the hub.
        _ = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        #expect(exists(folder.appendingPathComponent("model.safetensors")))
        #expect(hub.storage.requests.count == 1)
    }

    @Test func unusableRevisionsAreTheCallersInputAndSendNothing() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let repo = try HubRepoID("tiny-org/tiny-model")
        for revision in ["..", "", "/main", "a/../b"] {
            await expectEmbeddingError(.invalidInput, mentioning: "revision") {
                _ = try await client(hub).snapshot(of: repo, revision: revision)
            }
            await expectEmbeddingError(.invalidInput, mentioning: "revision") {
                _ = try await client(hub).file("config.json", in: repo, revision: revision)
            }
        }
        #expect(hub.hub.requests.isEmpty && hub.storage.requests.isEmpty)
    }

    @Test func singleFileDownload() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let url = try await client(hub).file("tokenizer/vocab.txt", in: HubRepoID("tiny-org/tiny-model"))
        #expect(try contents(url) == hub.file("tokenizer/vocab.txt").bytes)
        #expect(try String(contentsOf: repoFolder.appendingPathComponent("refs/main"), encoding: .utf8) == hub.commit)
    }

    @Test func interruptedDownloadResumesWithRange() async throws {
        let hub = FakeHub.tiny(faults: .init(cutFirstDownloadAt: 70_000))
        try hub.start()
        defer { hub.stop() }
        let folder = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        let weights = hub.file("model.safetensors")
        #expect(try contents(folder.appendingPathComponent("model.safetensors")) == weights.bytes)
        let gets = hub.storage.requests
        #expect(gets.count == 2)
        #expect(gets.first?.header("Range") == nil)
        let range = try #require(gets.last?.byteRange)
        #expect(range.start > 0 && range.start <= 70_000 && range.end == nil)
    }

    @Test func partialFileFromAnEarlierRunIsResumed() async throws {
        let hub = FakeHub.tiny(faults: .init(cutFirstDownloadAt: 50_000))
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let failure = await #expect(throws: EmbeddingError.self) {
            try await client(hub, attempts: 1).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        }
        #expect(failure?.code == .network)
        let partial = repoFolder.appendingPathComponent("blobs/\(weights.etag).incomplete")
        let kept = try contents(partial)
        #expect(!kept.isEmpty && kept == Array(weights.bytes.prefix(kept.count)))
        #expect(!exists(repoFolder.appendingPathComponent("refs/main")))

        let folder = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        #expect(try contents(folder.appendingPathComponent("model.safetensors")) == weights.bytes)
        #expect(hub.storage.requests.last?.header("Range") == "bytes=\(kept.count)-")
        #expect(!exists(partial))
    }

    @Test func cancellingKeepsThePartialFileForLater() async throws {
        let hub = FakeHub.tiny(faults: .init(stallDownloadsAt: 60_000))
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let received = Mutex<Int64>(0)
        // A long timeout: on a loaded machine the stalled request must not time out and be resumed (which would
        // append a second stretch to the partial file) before the test gets round to cancelling it.
        let client = client(hub, timeout: .seconds(600))
        let task = Task {
            try await client.snapshot("tiny-org/tiny-model", matching: ["*.safetensors"]) { progress in
                received.withLock { $0 = max($0, progress.completedBytes) }
            }
        }
        // Generous: CPU-bound suites running in parallel can starve the cooperative pool for a long time (a full
        // parallel run at load 10 once left this download at 0 bytes for 300 s). Kept below the client's 600 s
        // timeout, after which the stalled request would be resumed.
        let deadline = ContinuousClock.now + .seconds(570)
        while received.withLock({ $0 }) < 60_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(received.withLock { $0 } == 60_000, "the download never reached the stall point")
        task.cancel()
        let error = await #expect(throws: EmbeddingError.self) { try await task.value }
        #expect(error?.code == .cancelled)
        let partial = try contents(repoFolder.appendingPathComponent("blobs/\(weights.etag).incomplete"))
        #expect(partial == Array(weights.bytes.prefix(60_000)))
        #expect(!exists(repoFolder.appendingPathComponent("snapshots/\(hub.commit)/model.safetensors")))
    }

    @Test func serverIgnoringRangeRestartsFromTheBeginning() async throws {
        let hub = FakeHub.tiny(faults: .init(ignoreRange: true))
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let blobs = repoFolder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try Data(repeating: 0xAB, count: 1000).write(to: blobs.appendingPathComponent("\(weights.etag).incomplete"))
        let folder = try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        #expect(try contents(folder.appendingPathComponent("model.safetensors")) == weights.bytes)
        #expect(hub.storage.requests.map { $0.header("Range") } == ["bytes=1000-"])
    }

    @Test func checksumMismatchKeepsNothing() async throws {
        let hub = FakeHub.tiny(faults: .init(corrupt: true))
        try hub.start()
        defer { hub.stop() }
        let weights = hub.file("model.safetensors")
        let error = await #expect(throws: EmbeddingError.self) {
            try await client(hub).snapshot("tiny-org/tiny-model", matching: ["*.safetensors"])
        }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("tiny-org/tiny-model/model.safetensors") == true)
        let snapshot = repoFolder.appendingPathComponent("snapshots/\(hub.commit)")
        #expect(!exists(snapshot.appendingPathComponent("model.safetensors")))
        #expect(!exists(repoFolder.appendingPathComponent("blobs/\(weights.etag)")))
        #expect(!exists(repoFolder.appendingPathComponent("blobs/\(weights.etag).incomplete")))
        #expect(!exists(repoFolder.appendingPathComponent("refs/main")))
    }

    @Test func offlineUsesAWarmCacheAndRejectsAColdOne() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        let cold = await #expect(throws: EmbeddingError.self) {
            try await client(hub, offline: true).snapshot("tiny-org/tiny-model")
        }
        #expect(cold?.code == .offlineMissing)
        #expect(hub.hub.requests.isEmpty)
        let online = try await client(hub).snapshot("tiny-org/tiny-model")
        hub.stop()

        let environment = [
            "HF_HUB_CACHE": cache.path, "HF_HUB_OFFLINE": "1", "HF_ENDPOINT": hub.endpoint.absoluteString,
        ]
        let offline = HubClient(configuration: .fromEnvironment(environment))
        #expect(try await offline.snapshot("tiny-org/tiny-model", matching: ["*.json"]) == online)
        let file = try await offline.file("config.json", in: HubRepoID("tiny-org/tiny-model"))
        #expect(try contents(file) == hub.file("config.json").bytes)
        let other = await #expect(throws: EmbeddingError.self) { try await offline.snapshot("tiny-org/other") }
        #expect(other?.code == .offlineMissing)
    }

    @Test func unreachableHubFallsBackToTheCache() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        let online = try await client(hub).snapshot("tiny-org/tiny-model")
        hub.stop()
        let fallback = try await client(hub, policy: .revalidate, attempts: 1).snapshot("tiny-org/tiny-model")
        #expect(fallback == online)
    }

    @Test func tokenGoesToTheHubButNotToTheStorageHost() async throws {
        let hub = FakeHub.tiny(faults: .init(requiredToken: "hf_secret123"))
        try hub.start()
        defer { hub.stop() }
        let refused = await #expect(throws: EmbeddingError.self) {
            try await client(hub).snapshot("tiny-org/tiny-model")
        }
        #expect(refused?.code == .unauthorized)
        let wrong = await #expect(throws: EmbeddingError.self) {
            try await client(hub, token: "hf_wrong").snapshot("tiny-org/tiny-model")
        }
        #expect(wrong.map { !$0.description.contains("hf_wrong") } == true)
        hub.hub.clearRequests()

        _ = try await client(hub, token: "hf_secret123").snapshot("tiny-org/tiny-model")
        #expect(!hub.hub.requests.isEmpty)
        #expect(hub.hub.requests.allSatisfy { $0.header("Authorization") == "Bearer hf_secret123" })
        #expect(hub.storage.requests.count == 1)
        #expect(hub.storage.requests.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test func tokenFromTheTokenFileIsSentToTheHub() async throws {
        let hub = FakeHub.tiny(faults: .init(requiredToken: "hf_file_token"))
        try hub.start()
        defer { hub.stop() }
        let hfHome = cache.appendingPathComponent("hf-home")
        try FileManager.default.createDirectory(at: hfHome, withIntermediateDirectories: true)
        try Data("hf_file_token\n".utf8).write(to: hfHome.appendingPathComponent("token"))
        let environment = [
            "HF_HOME": hfHome.path, "HF_HUB_CACHE": cache.path, "HF_ENDPOINT": hub.endpoint.absoluteString,
        ]
        let client = HubClient(configuration: .fromEnvironment(environment), transport: URLSessionTransport())
        _ = try await client.snapshot("tiny-org/tiny-model", matching: ["*.json"])
        #expect(!hub.hub.requests.isEmpty)
        #expect(hub.hub.requests.allSatisfy { $0.header("Authorization") == "Bearer hf_file_token" })
    }

    @Test func retryAfterIsHonoured() async throws {
        let busy = LoopbackHTTPResponse(status: 429, headers: [("Retry-After", "1")])
        let hub = FakeHub.tiny(faults: .init(apiScript: [busy]))
        try hub.start()
        defer { hub.stop() }
        let slept = DelayRecorder()
        let info = try await client(hub, slept: slept).modelInfo(HubRepoID("tiny-org/tiny-model"))
        #expect(info.sha == hub.commit)
        #expect(slept.delays == [.seconds(1)])
        #expect(hub.hub.requests.count == 2)
    }

    @Test func repeatedServerErrorsFailAfterMaxAttempts() async throws {
        let hub = FakeHub.tiny(faults: .init(apiOverride: .text("down", status: 500)))
        try hub.start()
        defer { hub.stop() }
        let slept = DelayRecorder()
        let error = await #expect(throws: EmbeddingError.self) {
            try await client(hub, attempts: 3, slept: slept).snapshot("tiny-org/tiny-model")
        }
        #expect(error?.code == .network)
        #expect(hub.hub.requests.count == 3)
        #expect(slept.delays.count == 2)
    }

    @Test func unreachableStorageHostFailsAfterMaxAttempts() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        hub.storage.stop()
        let slept = DelayRecorder()
        let error = await #expect(throws: EmbeddingError.self) {
            try await client(hub, attempts: 3, slept: slept).snapshot(
                "tiny-org/tiny-model",
                matching: ["*.safetensors"]
            )
        }
        #expect(error?.code == .network)
        #expect(slept.delays.count == 2)  // attempts are not multiplied by the resume loop
    }

    @Test func silentHubTimesOut() async throws {
        let hub = FakeHub.tiny(faults: .init(apiOverride: .hang))
        try hub.start()
        defer { hub.stop() }
        let start = ContinuousClock.now
        let error = await #expect(throws: EmbeddingError.self) {
            try await client(hub, timeout: .milliseconds(300), attempts: 1).snapshot("tiny-org/tiny-model")
        }
        #expect(error?.code == .timeout)
        // the server would hang for an hour; loose because parallel CPU-bound suites can starve the cooperative pool
        #expect(ContinuousClock.now - start < .seconds(600))
    }

    @Test func missingRepositoryAndRevisionAreNotFound() async throws {
        let hub = FakeHub.tiny()
        try hub.start()
        defer { hub.stop() }
        let repo = await #expect(throws: EmbeddingError.self) { try await client(hub).snapshot("tiny-org/absent") }
        #expect(repo?.code == .notFound)
        let revision = await #expect(throws: EmbeddingError.self) {
            try await client(hub).snapshot("tiny-org/tiny-model", revision: "v9")
        }
        #expect(revision?.code == .notFound)
        let file = await #expect(throws: EmbeddingError.self) {
            try await client(hub).file("absent.bin", in: HubRepoID("tiny-org/tiny-model"))
        }
        #expect(file?.code == .notFound)
    }

    @Test func localDirectoriesAreReturnedAsTheyAre() async throws {
        let hub = FakeHub.tiny()
        let local = try await client(hub).snapshot(cache.path)
        #expect(local.standardizedFileURL.path == cache.standardizedFileURL.path)
        let missing = await #expect(throws: EmbeddingError.self) {
            try await client(hub).snapshot("./no-such-model-dir")
        }
        #expect(missing?.code == .notFound)
        let invalid = await #expect(throws: EmbeddingError.self) { try await client(hub).snapshot("a/b/c") }
        #expect(invalid?.code == .invalidRepoID)
    }
}
