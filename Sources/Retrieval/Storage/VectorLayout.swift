// SPDX-License-Identifier: Apache-2.0

import Embedding
public import VectorIndex

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
