// SPDX-License-Identifier: Apache-2.0

/// The checks every index applies to vectors and queries before it stores or scans them.
enum VectorValidation {
    /// Validates a batch for insertion and returns it ready to store (unit length for cosine).
    ///
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch``, ``VectorIndexError/Code/invalidVector`` (NaN,
    ///   infinity, or a zero vector in a cosine index), ``VectorIndexError/Code/invalidArgument`` when the counts
    ///   differ, ``VectorIndexError/Code/duplicateID`` when an id repeats in `ids`.
    static func prepare(
        _ vectors: VectorMatrix,
        ids: [UInt64],
        dimension: Int,
        metric: Metric
    ) throws(VectorIndexError) -> VectorMatrix {
        guard vectors.dimension == dimension else {
            throw VectorIndexError(
                .dimensionMismatch,
                "vectors have dimension \(vectors.dimension), the index has \(dimension)"
            )
        }
        guard vectors.count == ids.count else {
            throw VectorIndexError(.invalidArgument, "\(vectors.count) vectors but \(ids.count) ids")
        }
        if let row = vectors.firstNonFiniteRow() {
            throw VectorIndexError(.invalidVector, "vector \(row) (id \(ids[row])) has a NaN or infinite component")
        }
        var seen = Set<UInt64>(minimumCapacity: ids.count)
        for id in ids where !seen.insert(id).inserted {
            throw VectorIndexError(.duplicateID, "id \(id) appears more than once in one call")
        }
        guard metric == .cosine else { return vectors }
        return try unitLength(vectors) { "vector \($0) (id \(ids[$0]))" }
    }

    /// Validates a batch of queries and returns it ready to scan (unit length for cosine).
    static func prepareQueries(
        _ queries: VectorMatrix,
        k: Int,
        dimension: Int,
        metric: Metric
    ) throws(VectorIndexError) -> VectorMatrix {
        guard queries.dimension == dimension else {
            throw VectorIndexError(
                .dimensionMismatch,
                "queries have dimension \(queries.dimension), the index has \(dimension)"
            )
        }
        guard k >= 0 else { throw VectorIndexError(.invalidArgument, "k must not be negative, got \(k)") }
        if let row = queries.firstNonFiniteRow() {
            throw VectorIndexError(.invalidVector, "query \(row) has a NaN or infinite component")
        }
        return metric == .cosine ? try unitLength(queries) { "query \($0)" } : queries
    }

    /// Validates one query and returns it ready to scan (unit length for cosine).
    static func prepareQuery(
        _ query: [Float],
        k: Int,
        dimension: Int,
        metric: Metric
    ) throws(VectorIndexError) -> ContiguousArray<Float> {
        guard !query.isEmpty else { throw VectorIndexError(.invalidVector, "the query is empty") }
        guard query.count == dimension else {
            throw VectorIndexError(.dimensionMismatch, "query has \(query.count) values, the index has \(dimension)")
        }
        guard query.allSatisfy(\.isFinite) else {
            throw VectorIndexError(.invalidVector, "the query has a NaN or infinite component")
        }
        guard k >= 0 else { throw VectorIndexError(.invalidArgument, "k must not be negative, got \(k)") }
        let q = VectorMatrix(uncheckedValues: ContiguousArray(query), dimension: dimension)
        return metric == .cosine ? try unitLength(q) { _ in "the query" }.values : q.values
    }

    /// Scales every row to unit length for cosine similarity.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidVector`` naming (through `describe`) the first row whose length
    ///   is zero or overflows Float32, for which the cosine is undefined.
    static func unitLength(
        _ rows: VectorMatrix,
        describe: (Int) -> String
    ) throws(VectorIndexError) -> VectorMatrix {
        let norms = rows.squaredNorms()
        if let bad = norms.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            let problem = norms[bad] == 0 ? "zero length" : "a length too large for Float32"
            throw VectorIndexError(.invalidVector, "\(describe(bad)) has \(problem); cosine similarity is undefined")
        }
        return rows.normalized(squaredNorms: norms)
    }
}
