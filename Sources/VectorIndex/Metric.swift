// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// How two vectors are compared.
///
/// The raw value is what index files store.
///
/// ## Choosing a metric for embeddings
/// For vectors that are already unit length (an embedding space normalised with `.l2`, as CLIP and most
/// sentence models are), use ``innerProduct``: on unit vectors it ranks and scores exactly as cosine
/// similarity, and the index stores and scans the vectors as given, without normalising them a second time
/// (which would change their last bits). Use ``cosine`` for vectors that may not be unit length; the index
/// then normalises on insert and on search, with the same Float32 normaliser an embedder uses, which leaves
/// rows that are already unit length bit for bit as they are. ``squaredL2`` ranks unit vectors in the same order
/// too (‖a − b‖² = 2 − 2a·b) but scores them as distances, and its batch form adds a norm pass per call.
///
/// The rule a collection follows for a named vector without an explicit metric: an `.l2`-normalised space is
/// indexed with ``innerProduct`` (and its distances reported as cosine, `1 − a·b`); any other space with
/// ``cosine``.
public enum Metric: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Squared Euclidean distance; smaller is closer.
    case squaredL2 = 1
    /// Inner product; larger is closer.
    case innerProduct = 2
    /// Cosine similarity; larger is closer. Indexes normalise vectors on insert and queries on search, then rank
    /// by inner product, so a stored vector's score is exactly the cosine similarity.
    case cosine = 3

    /// Whether a larger score means a closer match (`false` for ``squaredL2``).
    public var higherIsBetter: Bool { self != .squaredL2 }

    /// A stable name: `squaredL2`, `innerProduct` or `cosine`.
    public var description: String {
        switch self {
        case .squaredL2: "squaredL2"
        case .innerProduct: "innerProduct"
        case .cosine: "cosine"
        }
    }

    /// The score of `b` against `a` under this metric (a cosine with a zero vector is 0).
    ///
    /// - Precondition: `a.count == b.count`.
    public func score(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "score: vectors have different lengths")
        switch self {
        case .squaredL2: return Kernels.squaredL2(a, b)
        case .innerProduct: return Kernels.dot(a, b)
        case .cosine:
            let denominator = (Kernels.squaredNorm(a) * Kernels.squaredNorm(b)).squareRoot()
            return denominator > 0 ? Kernels.dot(a, b) / denominator : 0
        }
    }

    /// The score of `b` against `a` under this metric.
    ///
    /// - Precondition: `a.count == b.count`.
    public func score(_ a: [Float], _ b: [Float]) -> Float {
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *) { return score(a.span, b.span) }
        // Older Apple systems have no `Array.span`; a ContiguousArray's span back-deploys (one copy each).
        return score(ContiguousArray(a).span, ContiguousArray(b).span)
    }

    /// Writes the score of `query` against every row of `rows`.
    ///
    /// This is the single-query scan the flat index runs (SIMD, one pass over memory).
    ///
    /// - Parameters:
    ///   - query: A vector of `rows.dimension` floats.
    ///   - rows: The vectors to score.
    ///   - scores: Receives `rows.count` scores.
    /// - Precondition: `query.count == rows.dimension` and `scores.count == rows.count`.
    public func scores(query: Span<Float>, rows: VectorMatrix, into scores: inout MutableSpan<Float>) {
        precondition(scores.count == rows.count, "scores must have one slot per row")
        let values = rows.values
        switch self {
        case .squaredL2: Kernels.squaredL2s(query: query, rows: values.span, dimension: rows.dimension, into: &scores)
        case .innerProduct: Kernels.dots(query: query, rows: values.span, dimension: rows.dimension, into: &scores)
        case .cosine: Kernels.cosines(query: query, rows: values.span, dimension: rows.dimension, into: &scores)
        }
    }

    /// The score of every query against every row, as a `queries.count × rows.count` matrix.
    ///
    /// Runs as a blocked matrix product on up to `threads` threads. Squared L2 uses
    /// ‖q‖² + ‖r‖² − 2 q·r (clamped at 0), so it can differ from ``score(_:_:)-(Span<Float>,_)`` by rounding.
    ///
    /// - Precondition: `queries.dimension == rows.dimension`, `rows` is not empty (each result row has
    ///   `rows.count` columns) and `threads >= 1`.
    public func scores(queries: VectorMatrix, rows: VectorMatrix, threads: Int = 1) -> VectorMatrix {
        precondition(queries.dimension == rows.dimension, "queries and rows have different dimensions")
        precondition(!rows.isEmpty, "rows must not be empty")
        precondition(threads >= 1, "threads must be at least 1")
        var out = ContiguousArray<Float>(repeating: 0, count: queries.count * rows.count)
        let d = queries.dimension
        var products = out.mutableSpan
        MatrixProduct.multiply(
            m: queries.count,
            n: rows.count,
            k: d,
            a: queries.values.span,
            lda: d,
            b: rows.values.span,
            ldb: d,
            layout: .transposed,
            c: &products,
            ldc: rows.count,
            threads: threads
        )
        switch self {
        case .innerProduct:
            break
        case .squaredL2:
            var products = out.mutableSpan
            Kernels.squaredL2sFromProducts(
                &products,
                querySquaredNorms: queries.squaredNorms().span,
                rowSquaredNorms: rows.squaredNorms().span
            )
        case .cosine:
            let qn = queries.squaredNorms()
            let rn = rows.squaredNorms()
            for i in 0..<queries.count {
                for j in 0..<rows.count {
                    let denominator = (qn[i] * rn[j]).squareRoot()
                    out[i * rows.count + j] = denominator > 0 ? out[i * rows.count + j] / denominator : 0
                }
            }
        }
        return VectorMatrix(uncheckedValues: out, dimension: rows.count)
    }
}
