// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// Ranked query results as a readable table or as JSON lines.
struct ResultTable {
    /// One result.
    struct Row: Sendable, Codable, Equatable {
        var rank: Int
        var score: Float
        var distance: Float?
        var keywordScore: Float?
        var modality: String
        var name: String
        var id: String
        var path: String
    }

    var rows: [Row]

    /// The results, ranked from 1, optionally keeping only one modality.
    init(_ results: [QueryResult], modality: String? = nil, limit: Int = .max) {
        var rows: [Row] = []
        for result in results {
            let properties = result.object.properties
            let kind = properties[IndexSchema.modality]?.text ?? "?"
            if let modality, kind != modality { continue }
            guard rows.count < limit else { break }
            rows.append(
                Row(
                    rank: rows.count + 1,
                    score: result.score,
                    distance: result.distance,
                    keywordScore: result.keywordScore,
                    modality: kind,
                    name: properties[IndexSchema.name]?.text ?? result.object.id.uuidString,
                    id: result.object.id.uuidString,
                    path: properties[IndexSchema.path]?.text ?? ""
                )
            )
        }
        self.rows = rows
    }

    /// The table's lines, indented by `indent` spaces.
    func lines(indent: Int = 2) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard !rows.isEmpty else { return [pad + "(no results)"] }
        var lines = [pad + "rank    score  modality  name"]
        for row in rows {
            let rank = String(row.rank)
            let score = String(format: "%.4f", row.score)
            lines.append(
                pad + String(repeating: " ", count: max(0, 4 - rank.count)) + rank + "  "
                    + String(repeating: " ", count: max(0, 7 - score.count)) + score + "  "
                    + row.modality.padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + row.name
            )
        }
        return lines
    }

    /// One JSON object per result: rank, score, distance and keyword score (when known), modality, name, id, path.
    func jsonLines() -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return rows.compactMap { row in (try? encoder.encode(row)).flatMap { String(data: $0, encoding: .utf8) } }
    }
}
