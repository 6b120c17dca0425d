// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag info`: what a collection holds and how it is stored.
enum InfoCommand {
    static let spec = CommandSpec(
        name: "info",
        abstract: "Show a collection's schema, named vectors, counts, index state and disk use.",
        options: [.value("collection", "DIR", "The collection folder.")],
        synopsis: "--collection DIR"
    )

    static func run(_ arguments: ParsedArguments, console: Console) async throws(ToolError) {
        let folder = try arguments.required("collection", "DIR")
        let collection = try await CollectionAccess.open(folder)
        var counts: [String: Int] = [:]
        var total = 0
        do {
            var cursor: UUID?
            while true {
                let page = try await collection.objects(after: cursor, limit: 1000)
                for object in page { counts[object.properties[IndexSchema.modality]?.text ?? "other", default: 0] += 1 }
                total += page.count
                guard let last = page.last else { break }
                cursor = last.id
            }
        } catch {
            throw .failure("cannot read the collection", underlying: error)
        }
        let byKind = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        console.print("collection  \(folder)")
        console.print("disk use    \(String(format: "%.2f", Double(diskUse(folder)) / 1e6)) MB")
        console.print("objects     \(total)\(byKind.isEmpty ? "" : " (\(byKind))")")
        console.print(
            "properties  " + collection.schema.properties.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")
        )
        let local = collection.store as? LocalVectorStore
        for vector in collection.schema.vectors {
            let state =
                switch vector.index {
                case .flat: "flat (exact search)"
                case .ivfpq, .automatic:
                    local?.approximateIndexes[vector.name] == true
                        ? "IVF-PQ (trained, approximate search)" : "IVF-PQ (not trained yet, exact search)"
                }
            console.print(
                "vector      \(vector.name): \(vector.space), metric \(vector.layout.reportedMetric), index \(state), "
                    + "sources " + vector.sources.map(\.property).joined(separator: ", ")
            )
        }
        if let local, local.truncatedLogBytes > 0 {
            console.print("note        opening cut off \(local.truncatedLogBytes) bytes of an unfinished last write")
        }
    }

    /// The bytes of every file under `folder`.
    static func diskUse(_ folder: String) -> Int {
        let url = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) else {
            return 0
        }
        var bytes = 0
        for case let file as URL in walker {
            bytes += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0
        }
        return bytes
    }
}
