// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGHTTP
import _RAGInternals

/// Streaming a blob into `blobs/<etag>.incomplete`, resuming it with `Range`, verifying it and moving it into place.
extension HubClient {
    private enum Outcome {
        /// The body arrived to its end.
        case received
        /// The server sent another range than asked for, or refused it; the partial file was emptied.
        case restart
        /// The connection broke or went quiet mid-body; what arrived is on disk.
        case interrupted(EmbeddingError)
    }

    /// Downloads `metadata.location` into `blobs/<etag>`.
    ///
    /// An interrupted transfer (connection lost, timeout) is resumed from the bytes already on disk, up to
    /// ``HubConfiguration/maxAttempts`` times. Afterwards the size must equal the announced size and, for an LFS
    /// file (64-digit ETag), the SHA-256 must equal the ETag; otherwise the partial file is deleted and
    /// ``EmbeddingError/Code/checksumMismatch`` is thrown.
    func download(
        _ metadata: FileMetadata,
        into cache: HubCache,
        report: @Sendable (Int64, Int64?) -> Void
    ) async throws(EmbeddingError) {
        let partial = cache.incomplete(metadata.etag)
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: cache.blobs, withIntermediateDirectories: true)
            if !manager.fileExists(atPath: partial.path) {
                guard manager.createFile(atPath: partial.path, contents: nil) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
        } catch {
            throw EmbeddingError(.fileSystem, "cannot create \(partial.path)", underlying: error)
        }
        var attempt = 0
        attempts: while true {
            attempt += 1
            var offset = try Self.size(of: partial)
            if let size = metadata.size, offset > size {
                try Self.truncate(partial)
                offset = 0
            }
            if let size = metadata.size, size > 0, offset == size { break attempts }
            var request = HTTPRequest(
                url: metadata.location,
                headers: headers(for: metadata.location),
                timeout: configuration.requestTimeout
            )
            request.headers["Accept-Encoding"] = "identity"
            if offset > 0 { request.headers["Range"] = "bytes=\(offset)-" }
            let outcome = try await receive(
                request,
                offset: offset,
                into: partial,
                total: metadata.size,
                name: metadata.name,
                report: report
            )
            if Task.isCancelled {  // keep the partial file for the next call to resume
                throw EmbeddingError(.cancelled, "download of \(metadata.name) (blob \(metadata.etag)) was cancelled")
            }
            let done = try Self.size(of: partial)
            let short = metadata.size.map { done < $0 } ?? false
            switch outcome {
            case .interrupted(let error):
                guard attempt < configuration.maxAttempts else { throw error }
                await http.sleep(
                    http.retryPolicy.delay(afterAttempt: attempt, head: nil, now: http.now(), random: http.random())
                )
                continue
            case .restart, .received:
                let again = if case .restart = outcome { true } else { short }
                guard again, attempt < configuration.maxAttempts else { break attempts }
            }
        }
        try verify(partial, metadata: metadata)
        // The download is synced before it takes the blob's name, and the name is synced after, so after a power
        // cut a blob is either complete or absent (the partial file is resumed or verified again).
        let blob = cache.blob(metadata.etag).path
        do throws(FileError) {
            if Files.exists(blob) {
                try Files.remove(partial.path)
            } else {
                try OpenFile(partial.path, mode: .read).sync()
                try Files.rename(partial.path, to: blob)
            }
        } catch {
            throw EmbeddingError.file(error, "cannot move the download into \(blob)")
        }
    }

    private func receive(
        _ request: HTTPRequest,
        offset: Int64,
        into partial: URL,
        total: Int64?,
        name: String,
        report: @Sendable (Int64, Int64?) -> Void
    ) async throws(EmbeddingError) -> Outcome {
        let response: HTTPStreamingResponse
        do {
            response = try await http.stream(request, redirects: .follow)
        } catch {
            throw Self.error(error, context: "downloading \(name)")
        }
        var position = offset
        switch response.head.status {
        case 206:
            let range = response.head.headers["Content-Range"] ?? ""
            guard Self.rangeStart(range) == offset else {
                try Self.truncate(partial)  // the server sent another range: start over
                return .restart
            }
        case 200:
            if offset > 0 { try Self.truncate(partial) }  // Range ignored: the full body follows
            position = 0
        case 416:
            try Self.truncate(partial)
            return .restart
        default:
            throw Self.error(for: response.head, what: HTTPRequest.redacted(request.url))
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: partial)
            try handle.seekToEnd()
        } catch {
            throw EmbeddingError(.fileSystem, "cannot open \(partial.path)", underlying: error)
        }
        defer { try? handle.close() }
        report(position, total)
        var iterator = response.body.makeAsyncIterator()
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try await iterator.next()
            } catch  where error.isTransient {
                return .interrupted(Self.error(error, context: "downloading \(name)"))
            } catch {
                throw Self.error(error, context: "downloading \(name)")
            }
            guard let chunk else { break }
            do {
                try handle.write(contentsOf: Data(chunk))
            } catch {
                throw EmbeddingError(.fileSystem, "cannot write \(partial.path)", underlying: error)
            }
            position += Int64(chunk.count)
            report(position, total)
        }
        return .received
    }

    private func verify(_ partial: URL, metadata: FileMetadata) throws(EmbeddingError) {
        let size = try Self.size(of: partial)
        if let expected = metadata.size, size != expected {
            try? FileManager.default.removeItem(at: partial)
            throw EmbeddingError(
                .checksumMismatch,
                "downloaded \(size) bytes for \(metadata.name) (blob \(metadata.etag)), expected \(expected)"
            )
        }
        guard HubCache.isSHA256(metadata.etag) else { return }
        let digest = try Self.sha256(of: partial)
        guard digest == metadata.etag else {
            try? FileManager.default.removeItem(at: partial)
            throw EmbeddingError(
                .checksumMismatch,
                "SHA-256 of the download of \(metadata.name) is \(digest), expected \(metadata.etag)"
            )
        }
    }

    /// The SHA-256 of a file as 64 hexadecimal digits.
    static func sha256(of url: URL) throws(EmbeddingError) -> String {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { hasher.update(data) }
            return hasher.finalize().hexString
        } catch {
            throw EmbeddingError(.fileSystem, "cannot read \(url.path)", underlying: error)
        }
    }

    /// The first byte of a `Content-Range: bytes START-END/TOTAL` value.
    static func rangeStart(_ value: String) -> Int64? {
        guard value.hasPrefix("bytes ") else { return nil }
        return value.dropFirst(6).split(separator: "-").first.flatMap { Int64($0) }
    }

    private static func size(of url: URL) throws(EmbeddingError) -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw EmbeddingError(.fileSystem, "cannot read the size of \(url.path)", underlying: error)
        }
    }

    private static func truncate(_ url: URL) throws(EmbeddingError) {
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
        } catch {
            throw EmbeddingError(.fileSystem, "cannot truncate \(url.path)", underlying: error)
        }
    }
}
