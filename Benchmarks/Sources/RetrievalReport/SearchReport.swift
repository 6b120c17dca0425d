// SPDX-License-Identifier: Apache-2.0

// `retrieval-report --search`: the query kinds of issue 12 on one flat collection, in the units of
// Benchmarks/Scripts/retrieval_search_peers.py (LanceDB): near-vector top-10 without a filter, with a 1 %-selective
// equality filter (bucket = q mod 100), keyword (BM25 over the summary) top-10 and hybrid top-10, each
// one query per call through the public API, CPU and wall p50 / p99 over 3 passes of the 1,000 real queries.

import BenchmarkSupport
import Foundation
import Retrieval
import VectorIndex

/// One query kind's latencies (ms) and, where a ground truth exists, recall@10.
struct KindLatency {
    var wallP50 = 0.0
    var wallP99 = 0.0
    var cpuP50 = 0.0
    var cpuP99 = 0.0
    var recall: Double?

    var line: String {
        "p50 \(format(wallP50)) ms, p99 \(format(wallP99)) ms (CPU p50 \(format(cpuP50)) ms, p99 \(format(cpuP99)) ms)"
            + (recall.map { ", recall@10 \(format($0))" } ?? "")
    }

    var json: [String: Any] {
        var out: [String: Any] = ["p50_ms": wallP50, "p99_ms": wallP99, "cpu_p50_ms": cpuP50, "cpu_p99_ms": cpuP99]
        if let recall { out["recall10"] = recall }
        return out
    }
}

/// Runs `search` for every query `passes` times after 20 warm-up calls; `search` returns the result rows.
func timeKind(
    queries: Int,
    passes: Int,
    truth: ((Int) -> [Int])? = nil,
    _ search: (Int) async throws -> [Int]
) async throws -> KindLatency {
    for q in 0..<min(20, queries) { _ = try await search(q) }
    var rows: [[Double]] = []
    var hits = 0
    for pass in 0..<passes {
        var wall: [Double] = []
        var cpu: [Double] = []
        for q in 0..<queries {
            let cpuStart = processCPUSeconds()
            let start = now()
            let found = try await search(q)
            wall.append(seconds(since: start) * 1e3)
            cpu.append((processCPUSeconds() - cpuStart) * 1e3)
            if pass == 0, let truth { hits += Set(found.prefix(10)).intersection(truth(q)).count }
        }
        rows.append([percentile(wall, 50), percentile(wall, 99), percentile(cpu, 50), percentile(cpu, 99)])
    }
    return KindLatency(
        wallP50: median(rows.map { $0[0] }),
        wallP99: median(rows.map { $0[1] }),
        cpuP50: median(rows.map { $0[2] }),
        cpuP99: median(rows.map { $0[3] }),
        recall: truth.map { _ in Double(hits) / Double(queries * 10) }
    )
}

/// The search report: ingest once (commits without `fsync`; ingest is not what is measured here), then each
/// query kind.
func searchReport(dataFolder: String, work: String, count: Int, passes: Int) async throws {
    let data = try BenchData(folder: dataFolder, count: count)
    let textData = try Data(contentsOf: URL(fileURLWithPath: "\(dataFolder)/retrieval.query.texts.json"))
    let texts = (try JSONSerialization.jsonObject(with: textData) as! [[String: Any]]).map { $0["summary"] as! String }
    precondition(texts.count == data.queryCount, "one text per query")
    let folder = "\(work)/ours-search"
    try? FileManager.default.removeItem(atPath: folder)
    let collection = try await MultimodalCollection.create(
        at: folder,
        schema: try benchSchema(index: .flat),
        options: LocalVectorStore.Options(syncOnCommit: false)
    )
    let start = now()
    for batch in data.batches(of: 1_000) { try await collection.insert(batch) }
    say("search-report: \(count) objects in \(format(seconds(since: start), 1)) s (load \(loadAverage()))")

    // Exact filtered top-10 (inner product over the bucket's rows), the filtered query's ground truth.
    func filteredTruth(_ q: Int) -> [Int] {
        let query = data.query(q)
        let rows = stride(from: q % 100, to: count, by: 100)
        return rows.map { row in (row, dot(query, data.vector(row))) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10).map(\.0)
    }
    var results: [String: Any] = ["n": count, "load_at_start": loadAverage()]
    let summary = [KeywordProperty("summary")]
    let truth = { (q: Int) in Array(data.truth[q * data.truthWidth..<q * data.truthWidth + 10]) }
    let flat = try await timeKind(queries: data.queryCount, passes: passes, truth: truth) { q in
        try await collection.near(vector: data.query(q), limit: 10).map { rowNumber($0.object.id) }
    }
    say("near-vector top-10: \(flat.line) (load \(loadAverage()))")
    results["flat"] = flat.json
    let filtered = try await timeKind(queries: data.queryCount, passes: passes, truth: filteredTruth) { q in
        var query = NearQuery(target: .init(.vector(data.query(q))))
        query.filter = .equal("bucket", .integer(Int64(q % 100)))
        return try await collection.search(query).map { rowNumber($0.object.id) }
    }
    say("near-vector top-10, bucket = q mod 100 (1 %): \(filtered.line) (load \(loadAverage()))")
    results["filtered"] = filtered.json
    let keyword = try await timeKind(queries: data.queryCount, passes: passes) { q in
        try await collection.bm25(texts[q], properties: summary, limit: 10).map { rowNumber($0.object.id) }
    }
    say("BM25 top-10 (summary): \(keyword.line) (load \(loadAverage()))")
    results["bm25"] = keyword.json
    let hybrid = try await timeKind(queries: data.queryCount, passes: passes) { q in
        var query = HybridQuery(texts[q], vector: .init(.vector(data.query(q))))
        query.properties = summary
        query.limit = 10
        return try await collection.search(query).map { rowNumber($0.object.id) }
    }
    say("hybrid top-10 (relative score, alpha 0.75): \(hybrid.line) (load \(loadAverage()))")
    results["hybrid"] = hybrid.json
    let ranked = try await timeKind(queries: data.queryCount, passes: passes) { q in
        var query = HybridQuery(texts[q], vector: .init(.vector(data.query(q))))
        query.properties = summary
        query.fusion = .ranked
        query.alpha = 0.5
        return try await collection.search(query).map { rowNumber($0.object.id) }
    }
    say("hybrid top-10 (ranked fusion, alpha 0.5): \(ranked.line) (load \(loadAverage()))")
    results["hybrid_ranked"] = ranked.json
    let json = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
    say("RESULT " + String(decoding: json, as: UTF8.self))
}
