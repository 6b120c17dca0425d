// SPDX-License-Identifier: Apache-2.0

import Embedding
public import VectorIndex

import struct Foundation.UUID

/// What a store needs to know about one named vector to index it: its name, dimension, metric and index kind.
public struct VectorLayout: Sendable, Hashable {
    /// The named vector's name.
    public var name: String
    /// The length of every vector.
    public var dimension: Int
    /// How the index compares vectors.
    public var metric: Metric
    /// The metric distances are reported in (cosine for an `.l2`-normalised space indexed by inner product).
    public var reportedMetric: Metric
    /// How the vectors are indexed.
    public var index: VectorIndexKind

    /// Creates a layout.
    public init(name: String, dimension: Int, metric: Metric, reportedMetric: Metric, index: VectorIndexKind) {
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.reportedMetric = reportedMetric
        self.index = index
    }
}

extension VectorLayout {
    /// Checks a vector that object `id` brings for this named vector: the layout's dimension, finite values, and
    /// not all zeros where the metric is cosine (a zero vector has no direction).
    func check(_ vector: [Float], object id: UUID) throws(RetrievalError) {
        guard vector.count == dimension else {
            throw RetrievalError(
                .dimensionMismatch,
                "object \(id): vector \"\(name)\" has \(vector.count) values, the space has \(dimension)"
            )
        }
        guard Self.isFinite(vector) else {
            throw RetrievalError(.invalidObject, "object \(id): vector \"\(name)\" is not finite")
        }
        if metric == .cosine && vector.allSatisfy({ $0 == 0 }) {
            throw RetrievalError(.invalidObject, "object \(id): vector \"\(name)\" is all zeros")
        }
    }

    /// Whether every value is finite: no NaN or infinity (their exponent bits are all set).
    ///
    /// One pass with no early exit, which the compiler turns into vector instructions (`allSatisfy` stops at the
    /// first failure and so checks one value at a time); this runs on every vector a commit stores.
    static func isFinite(_ values: [Float]) -> Bool {
        var nonFinite: UInt32 = 0
        for value in values { nonFinite |= value.bitPattern & 0x7F80_0000 == 0x7F80_0000 ? 1 : 0 }
        return nonFinite == 0
    }
}

extension NamedVector {
    /// The layout a store indexes this named vector with.
    public var layout: VectorLayout {
        let metric = effectiveMetric
        let reported: Metric = (self.metric == nil && space.normalization == .l2) ? .cosine : metric
        return VectorLayout(
            name: name,
            dimension: space.dimension,
            metric: metric,
            reportedMetric: reported,
            index: index
        )
    }
}

extension CollectionSchema {
    /// The layouts of every named vector, in declaration order.
    public var layout: [VectorLayout] { vectors.map(\.layout) }
}

extension VectorIndexKind {
    /// How many vectors must be stored before an approximate index is trained (`nil` for flat).
    var trainingThreshold: Int? {
        switch self {
        case .flat: nil
        case .ivfpq(let configuration, _): max(configuration.listCount, 1 << configuration.bitsPerCode) * 39
        case .automatic(let threshold, let configuration, _):
            max(threshold, configuration.listCount, 1 << configuration.bitsPerCode)
        }
    }

    var approximate: (IVFPQConfiguration, IVFPQSearchParameters)? {
        switch self {
        case .flat: nil
        case .ivfpq(let configuration, let search), .automatic(_, let configuration, let search):
            (configuration, search)
        }
    }
}
