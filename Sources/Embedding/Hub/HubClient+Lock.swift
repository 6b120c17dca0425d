// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Serialising the download of one blob across tasks and processes with the `huggingface_hub` lock file.
extension HubClient {
    /// Runs `body` while holding the lock of blob `metadata.etag`, `<cache>/.locks/models--namespace--name/<etag>.lock`.
    ///
    /// The lock is polled with `LOCK_NB`, sleeping between attempts (10 ms, doubling up to 250 ms), so a waiting
    /// task never blocks a thread. While another holder's partial file `blobs/<etag>.incomplete` keeps growing (or
    /// has reached the announced size, or the blob is in place at that size, which means the holder is verifying
    /// or about to release it), the wait goes on; after
    /// ``HubConfiguration/requestTimeout`` without either, it ends with ``EmbeddingError/Code/timeout``, as a silent
    /// server would. A file system without `flock` support runs `body` without a lock, as `huggingface_hub` does.
    /// - Throws: ``EmbeddingError/Code/timeout`` or ``EmbeddingError/Code/cancelled`` while waiting,
    ///   ``EmbeddingError/Code/fileSystem`` when the lock file can not be created, and what `body` throws.
    func withBlobLock<Result>(
        _ metadata: FileMetadata,
        cache: HubCache,
        _ body: () async throws(EmbeddingError) -> Result
    ) async throws(EmbeddingError) -> Result {
        let url = cache.lock(metadata.etag)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
        } catch {
            throw EmbeddingError(
                .fileSystem,
                "cannot create \(url.deletingLastPathComponent().path)",
                underlying: error
            )
        }
        let lock = try HubFileLock(path: url.path)
        let clock = ContinuousClock()
        let timeout = configuration.requestTimeout
        var deadline = clock.now + timeout
        var seen = Self.partialSize(cache.incomplete(metadata.etag))
        var pause = Duration.milliseconds(10)
        let cancelled = EmbeddingError(
            .cancelled,
            "waiting for the lock of \(metadata.name) (blob \(metadata.etag)) was cancelled"
        )
        while try lock.tryLock() == .busy {
            if Task.isCancelled { throw cancelled }
            let size = Self.partialSize(cache.incomplete(metadata.etag))
            // A complete partial file or blob means the holder has the bytes and is finishing: only its release
            // is missing, so that does not count as a stall however long the holder takes to get to it.
            let finishing =
                metadata.size != nil
                && (size == metadata.size || Self.partialSize(cache.blob(metadata.etag)) == metadata.size)
            if size != seen || finishing {
                seen = size
                deadline = clock.now + timeout
            }
            guard clock.now < deadline else {
                throw EmbeddingError(
                    .timeout,
                    "another download of \(metadata.name) (blob \(metadata.etag)) held \(lock.path) for \(timeout) "
                        + "without progress"
                )
            }
            do {
                try await Task.sleep(for: pause)
            } catch {
                throw cancelled
            }
            pause = min(pause * 2, .milliseconds(250))
        }
        return try await body()
    }

    /// The size of a partial download, or `nil` when there is none.
    private static func partialSize(_ url: URL) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)).flatMap { ($0[.size] as? NSNumber)?.int64Value }
    }
}
