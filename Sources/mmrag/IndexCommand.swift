// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag index`: embeds the files of a folder into a collection, in committed batches, skipping what is there.
enum IndexCommand {
    static let spec = CommandSpec(
        name: "index",
        abstract: "Index the images, sounds, videos and text files of a folder into a collection.",
        arguments: [("FOLDER", "The folder to index (sub-folders too; hidden files are left out).")],
        options: [
            .value("collection", "DIR", "The collection folder; created when it does not hold one yet."),
            .value(
                "model",
                "ID_OR_PATH",
                "A hub model id or a local checkpoint folder (default \(ModelLoader.defaultModel))."
            ),
            .value("vector", "NAME", "The named vector to fill (default '\(IndexSchema.defaultVector)')."),
            .value("batch-size", "N", "Files per embedding call and per commit (default 16)."),
            .value("max-bytes", "N", "Skip files larger than this (default 536870912)."),
        ],
        synopsis: "FOLDER --collection DIR [--model ID_OR_PATH] [--vector NAME] [--batch-size N] [--max-bytes N]",
        discussion: """
            Each batch is committed before the next starts, so an interrupted run keeps what it finished; a rerun skips
            files whose content (SHA-256) is already in the collection.
            """
    )

    /// Test hook: stop as if interrupted after this many committed batches.
    static func run(
        _ arguments: ParsedArguments,
        console: Console,
        stopAfterBatches: Int? = nil
    ) async throws(ToolError) {
        let folder = URL(fileURLWithPath: arguments.positionals[0])
        let collectionFolder = try arguments.required("collection", "DIR")
        let vector = arguments.values["vector"] ?? IndexSchema.defaultVector
        let batchSize = try arguments.integer("batch-size", default: 16, in: 1...4096)
        let maxBytes = try arguments.integer("max-bytes", default: 512 << 20, in: 1...(1 << 40))
        let embedder = try await ModelLoader(console: console).load(
            arguments.values["model"] ?? ModelLoader.defaultModel
        )
        let collection = try await CollectionAccess.openOrCreate(collectionFolder, vector: vector, embedder: embedder)
        var indexer = Indexer(console: console, embedder: embedder, collection: collection, vector: vector)
        indexer.batchSize = batchSize
        indexer.maxBytes = maxBytes
        indexer.stopAfterBatches = stopAfterBatches
        indexer.excluded = URL(fileURLWithPath: collectionFolder)
        let summary = try await indexer.run(folder: folder)
        let total: Int
        do { total = try await collection.count() } catch {
            throw .failure("cannot count the collection", underlying: error)
        }
        // Moves this run's writes from the log into a snapshot, so the next search opens it quickly.
        do { try await collection.close() } catch {
            throw .failure("cannot close the collection", underlying: error)
        }
        for line in report(summary, collection: collectionFolder, total: total) { console.print(line) }
        if summary.interrupted {
            throw ToolError(
                .interrupted,
                "interrupted; the \(summary.addedCount) files committed are kept, run the same command again to index the rest"
            )
        }
    }

    /// The summary lines: what was added, how fast, and what was skipped and why.
    static func report(_ summary: Indexer.Summary, collection: String, total: Int) -> [String] {
        let added = summary.added.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let rate = summary.seconds > 0 ? Double(summary.files) / summary.seconds : 0
        var lines = [
            "indexed \(summary.addedCount) of \(summary.files) files\(added.isEmpty ? "" : " (\(added))") into \(collection) "
                + "in \(String(format: "%.2f", summary.seconds)) s, \(String(format: "%.1f", rate)) files/s "
                + "(decode \(String(format: "%.2f", summary.decodeSeconds)) s, embed \(String(format: "%.2f", summary.embedSeconds)) s, "
                + "commit \(String(format: "%.2f", summary.commitSeconds)) s); the collection holds \(total) objects"
        ]
        if !summary.recovered.isEmpty {
            let n = summary.recovered.count
            lines.append(
                "recovered \(n) damaged file\(n == 1 ? "" : "s") (indexed as far as \(n == 1 ? "it decodes" : "they decode"), "
                    + "as libjpeg does): " + examples(summary.recovered.map { "\($0.name) (\($0.detail))" })
            )
        }
        let skipped = summary.alreadyIndexed + summary.duplicates.count + summary.skippedCount
        if skipped > 0 { lines.append("skipped \(skipped) files:") }
        if summary.alreadyIndexed > 0 { lines.append("  \(summary.alreadyIndexed) already indexed (same content)") }
        if !summary.duplicates.isEmpty {
            lines.append(
                "  \(summary.duplicates.count) duplicate content in this run: "
                    + examples(summary.duplicates.map { "\($0.name) = \($0.original)" })
            )
        }
        for reason in summary.skipped.keys.sorted() {
            let files = summary.skipped[reason]!
            lines.append(
                "  \(files.count) \(reason.rawValue): "
                    + examples(files.map { $0.detail.isEmpty ? $0.name : "\($0.name) (\($0.detail))" })
            )
        }
        return lines
    }

    private static func examples(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: ", ")
        return items.count > 5 ? shown + ", and \(items.count - 5) more" : shown
    }
}
