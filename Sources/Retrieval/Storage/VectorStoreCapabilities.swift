// SPDX-License-Identifier: Apache-2.0

/// Which query kinds and filter operators a ``VectorStore`` answers, so that a collection can say what it supports
/// before a query fails with ``RetrievalError/Code/unsupported``.
///
/// ```swift
/// if collection.capabilities.queryKinds.contains(.keyword) {
///     hits = try await collection.bm25("harbour at dusk")
/// }
/// ```
///
/// A store that declares nothing gets ``standard``: vector search and filters with every operator, no keyword
/// search (what the protocol's default ``VectorStore/keywordSearch(_:)`` matches).
public struct VectorStoreCapabilities: Sendable, Hashable {
    /// A kind of query.
    public enum QueryKind: String, Sendable, Hashable, CaseIterable {
        /// Nearest-neighbour search over named vectors (`near…` queries).
        case vector
        /// Filters on properties, id and timestamps (filtered search and filtered reads).
        case filter
        /// Keyword (BM25F) search.
        case keyword
        /// Hybrid search, fusing keyword and vector results (needs ``keyword``).
        case hybrid
    }

    /// The query kinds answered.
    public var queryKinds: Set<QueryKind>
    /// The filter operators answered (when ``queryKinds`` has ``QueryKind/filter``); a query with another one
    /// throws ``RetrievalError/Code/unsupported`` naming it.
    public var filterOperators: Set<FilterCondition.Operator>

    /// Creates a report.
    public init(queryKinds: Set<QueryKind>, filterOperators: Set<FilterCondition.Operator>) {
        self.queryKinds = queryKinds
        self.filterOperators = filterOperators
    }

    /// Vector search and every filter operator, without keyword or hybrid search.
    public static let standard = VectorStoreCapabilities(
        queryKinds: [.vector, .filter],
        filterOperators: Set(FilterCondition.Operator.allCases)
    )

    /// Every query kind and filter operator.
    public static let all = VectorStoreCapabilities(
        queryKinds: Set(QueryKind.allCases),
        filterOperators: Set(FilterCondition.Operator.allCases)
    )
}

extension VectorStore {
    /// ``VectorStoreCapabilities/standard``, for stores that do not declare their own.
    public var capabilities: VectorStoreCapabilities { .standard }
}

extension LocalVectorStore {
    /// Everything, with keyword and hybrid search when the store has a keyword index.
    public var capabilities: VectorStoreCapabilities { keyword == nil ? .standard : .all }
}

extension MultimodalCollection {
    /// What the collection's store answers (see ``VectorStoreCapabilities``).
    public var capabilities: VectorStoreCapabilities { store.capabilities }
}
