// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// Indexes the files of a folder into a collection: decodes them, embeds them in batches, commits each batch.
///
/// A batch is committed in one durable write, so an interrupted run keeps every batch it finished; a file whose
/// SHA-256 is already stored (with a vector in the named vector) is skipped, so a rerun continues where the last
/// one stopped. Files that cannot be indexed are skipped and counted by reason.
struct Indexer {
    /// What a run did.
    struct Summary: Sendable {
        /// Files looked at.
        var files = 0
        /// Objects inserted.
        var added: [String: Int] = [:]
        /// Files whose content was already in the collection.
        var alreadyIndexed = 0
        /// Files whose content appeared earlier in this run: (file, the earlier file).
        var duplicates: [(name: String, original: String)] = []
        /// Files decoded despite damage, recovered as the reference decoder recovers: (file, first warning's code).
        ///
        /// They are indexed.
        var recovered: [(name: String, detail: String)] = []
        /// Files skipped, by reason: (file, detail).
        var skipped: [MediaFile.SkipReason: [(name: String, detail: String)]] = [:]
        /// Whether the run stopped early; what was committed is kept.
        var interrupted = false
        /// Batches committed.
        var batches = 0
        /// Wall time of the run, and the parts spent reading and decoding, embedding and committing.
        var seconds = 0.0
        var decodeSeconds = 0.0
        var embedSeconds = 0.0
        var commitSeconds = 0.0

        /// Objects inserted in all.
        var addedCount: Int { added.values.reduce(0, +) }
        /// Files skipped for a reason (not counting already indexed and duplicates).
        var skippedCount: Int { skipped.values.map(\.count).reduce(0, +) }
    }

    let console: Console
    let embedder: any Embedder
    let collection: MultimodalCollection
    /// The named vector to fill.
    let vector: String
    /// Files per embedding call and per commit.
    var batchSize = 16
    /// Larger files are skipped.
    var maxBytes = 512 << 20
    /// A folder not to index (the collection's own, when it lies inside the indexed folder).
    var excluded: URL?
    /// Tests: stop as if interrupted once this many batches are committed.
    var stopAfterBatches: Int?

    private struct Pending {
        var file: MediaFile
        var hash: String
        var input: EmbeddingInput
        var text: String?
    }

    /// Indexes every file under `folder`.
    func run(folder: URL) async throws(ToolError) -> Summary {
        let clock = ContinuousClock()
        let start = clock.now
        let files = try MediaFile.list(folder, excluding: excluded)
        var known = try await indexedHashes()
        var summary = Summary()
        summary.files = files.count
        let decoder = MediaDecoder()
        let bar = ProgressBar(console: console, label: "index", unit: .items("files"))
        defer { bar.finish() }
        var pending: [Pending] = []
        var seenNow: [String: String] = [:]
        for (done, file) in files.enumerated() {
            if Task.isCancelled {
                summary.interrupted = true
                break
            }
            bar.update(completed: Int64(done), total: Int64(files.count), detail: "\(summary.addedCount) added")
            guard file.size <= maxBytes else {
                summary.skipped[.tooLarge, default: []].append((file.name, "\(file.size) bytes > \(maxBytes)"))
                continue
            }
            let decodeStart = clock.now
            let bytes: [UInt8]
            do { bytes = [UInt8](try Data(contentsOf: file.url)) } catch {
                summary.skipped[.unreadable, default: []].append((file.name, "\(error.localizedDescription)"))
                continue
            }
            let hash = BlobReference(hashing: bytes).key
            if let original = seenNow[hash] {
                summary.duplicates.append((file.name, original))
                continue
            }
            if known[hash] != nil {
                summary.alreadyIndexed += 1
                summary.decodeSeconds += Self.seconds(clock.now - decodeStart)
                continue
            }
            let decoded = MediaFile.decode(bytes, name: file.name, with: decoder)
            summary.decodeSeconds += Self.seconds(clock.now - decodeStart)
            switch decoded {
            case .failure(let skip):
                summary.skipped[skip.reason, default: []].append((file.name, skip.detail))
            case .success(let decoded):
                guard embedder.modalities.contains(decoded.input.modality) else {
                    summary.skipped[.modality, default: []].append((file.name, "\(decoded.input.modality.rawValue)"))
                    continue
                }
                seenNow[hash] = file.name
                if let first = decoded.warnings.first {
                    summary.recovered.append((file.name, "\(first.code)" + (decoded.warnings.count > 1 ? ", …" : "")))
                }
                pending.append(Pending(file: file, hash: hash, input: decoded.input, text: decoded.text))
            }
            if pending.count >= batchSize {
                try await commit(&pending, into: &summary, known: &known, clock: clock)
                if summary.interrupted { break }
            }
        }
        if !summary.interrupted, !pending.isEmpty {
            try await commit(&pending, into: &summary, known: &known, clock: clock)
        }
        if !summary.interrupted {
            bar.update(
                completed: Int64(files.count),
                total: Int64(files.count),
                detail: "\(summary.addedCount) added",
                force: true
            )
        }
        summary.seconds = Self.seconds(clock.now - start)
        return summary
    }

    /// Embeds and inserts the pending files as one batch.
    private func commit(
        _ pending: inout [Pending],
        into summary: inout Summary,
        known: inout [String: String],
        clock: ContinuousClock
    ) async throws(ToolError) {
        let embedStart = clock.now
        var rows: [[Float]?]
        do {
            let matrix = try await embedder.embed(pending.map(\.input))
            rows = (0..<matrix.count).map { Array(matrix[$0]) }
        } catch {
            if Task.isCancelled || (error as? EmbeddingError)?.code == .cancelled {
                summary.interrupted = true
                pending.removeAll()
                return
            }
            // Find the inputs that fail on their own; the others are kept.
            rows = []
            for item in pending {
                do { rows.append(try await embedder.embed(item.input)) } catch {
                    summary.skipped[.embeddingFailed, default: []].append((item.file.name, "\(error)"))
                    rows.append(nil)
                }
            }
        }
        summary.embedSeconds += Self.seconds(clock.now - embedStart)
        var inputs: [ObjectInput] = []
        var modalities: [String] = []
        for (item, row) in zip(pending, rows) {
            guard let row else { continue }
            var properties: [String: PropertyValue] = [
                IndexSchema.name: .text(item.file.name),
                IndexSchema.path: .text(item.file.url.path),
                IndexSchema.modality: .text(item.input.modality.rawValue),
                IndexSchema.sha256: .text(item.hash),
                IndexSchema.byteCount: .integer(Int64(item.file.size)),
            ]
            if let text = item.text { properties[IndexSchema.text] = .text(text) }
            inputs.append(ObjectInput(properties: properties, vectors: [vector: row]))
            modalities.append(item.input.modality.rawValue)
        }
        let commitStart = clock.now
        do {
            try await collection.insert(inputs)
        } catch {
            throw .failure("cannot commit a batch of \(inputs.count) files", underlying: error)
        }
        summary.commitSeconds += Self.seconds(clock.now - commitStart)
        for (item, row) in zip(pending, rows) where row != nil { known[item.hash] = item.file.name }
        for modality in modalities { summary.added[modality, default: 0] += 1 }
        summary.batches += 1
        pending.removeAll()
        if let stop = stopAfterBatches, summary.batches >= stop { summary.interrupted = true }
    }

    /// The content hashes of the objects that have a vector in ``vector``, with their names.
    func indexedHashes() async throws(ToolError) -> [String: String] {
        var hashes: [String: String] = [:]
        var cursor: UUID?
        do {
            while true {
                let page = try await collection.objects(after: cursor, limit: 1000)
                for object in page where object.vectors[vector] != nil {
                    if let hash = object.properties[IndexSchema.sha256]?.text {
                        hashes[hash] = object.properties[IndexSchema.name]?.text ?? ""
                    }
                }
                guard let last = page.last else { break }
                cursor = last.id
            }
        } catch {
            throw .failure("cannot read the collection", underlying: error)
        }
        return hashes
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
