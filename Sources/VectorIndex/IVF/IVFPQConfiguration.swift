// SPDX-License-Identifier: Apache-2.0

/// How an ``IVFPQIndex`` partitions and compresses vectors.
///
/// Fixed when the index is created.
///
/// In FAISS terms: `listCount` is `nlist`, `subquantizerCount` is `M`, `bitsPerCode` is `nbits`. The
/// "Choosing IVF-PQ parameters" article gives sizes for a memory budget.
public struct IVFPQConfiguration: Sendable, Hashable {
    /// The number of inverted lists (coarse k-means centroids).
    ///
    /// About √n to 4√n for n vectors.
    public var listCount: Int
    /// The number of sub-vectors each vector is split into; each becomes one code byte.
    ///
    /// Must divide the dimension.
    public var subquantizerCount: Int
    /// Bits per code, 1 to 8: each sub-quantizer has `2^bitsPerCode` centroids.
    ///
    /// Codes take one byte each whatever this is; fewer bits make tables smaller and search faster at a cost
    /// in recall.
    public var bitsPerCode: Int
    /// Whether full vectors are kept beside the codes, for exact re-ranking (``IVFPQSearchParameters/refineFactor``).
    public var storedVectors: StoredVectors
    /// Lloyd iterations of the coarse k-means that places the lists (FAISS uses 10).
    public var coarseIterations: Int
    /// Lloyd iterations of each sub-quantizer's k-means (25, as FAISS's product quantizer).
    ///
    /// On 20,000 vectors 10 iterations gave the same recall, but on 100,000 MiniLM vectors at 1,024 lists
    /// recall@1 was 0.013–0.017 below FAISS's from `nprobe` 4 to 64 with 10 and equal to it with 25. Fewer
    /// iterations train proportionally faster.
    public var codebookIterations: Int
    /// Seeds every random choice in training, so a seed and a training set fix the trained index.
    public var seed: UInt64

    /// The precision of the full vectors an index keeps for re-ranking.
    public enum StoredVectors: Sendable, Hashable {
        /// Keep codes only.
        case none
        /// Keep each vector as Float32 (4 bytes per component).
        case float32
        /// Keep each vector as IEEE half precision (2 bytes per component, about 3 significant digits).
        case float16
        /// Keep each vector as 8-bit scalar-quantised codes (1 byte per component), FAISS's `SQ8`: training learns
        /// each component's minimum and range (see ``VectorStorage/scalarQuantized8``), later components outside
        /// them are clamped, and re-ranking scores the codes without decoding them. Re-ranked scores are then
        /// approximate to within a 255th of each component's range.
        case scalarQuantized8
    }

    /// Creates a configuration.
    public init(
        listCount: Int,
        subquantizerCount: Int,
        bitsPerCode: Int = 8,
        storedVectors: StoredVectors = .none,
        coarseIterations: Int = 10,
        codebookIterations: Int = 25,
        seed: UInt64 = 1234
    ) {
        self.listCount = listCount
        self.subquantizerCount = subquantizerCount
        self.bitsPerCode = bitsPerCode
        self.storedVectors = storedVectors
        self.coarseIterations = coarseIterations
        self.codebookIterations = codebookIterations
        self.seed = seed
    }

    /// Checks the configuration against a dimension.
    func validate(dimension: Int) throws(VectorIndexError) {
        guard dimension >= 1 else {
            throw VectorIndexError(.invalidArgument, "dimension must be at least 1, got \(dimension)")
        }
        guard listCount >= 1 else {
            throw VectorIndexError(.invalidArgument, "listCount must be at least 1, got \(listCount)")
        }
        guard listCount <= 1 << 24 else {
            throw VectorIndexError(.invalidArgument, "listCount \(listCount) is above the limit of 16,777,216")
        }
        guard subquantizerCount >= 1 else {
            throw VectorIndexError(.invalidArgument, "subquantizerCount must be at least 1, got \(subquantizerCount)")
        }
        guard dimension % subquantizerCount == 0 else {
            let divisors = (1...dimension).filter { dimension % $0 == 0 && $0 <= 128 }.suffix(4)
            throw VectorIndexError(
                .invalidArgument,
                "dimension \(dimension) is not a multiple of subquantizerCount \(subquantizerCount); "
                    + "choose one that divides it, such as \(divisors.map(String.init).joined(separator: ", "))"
            )
        }
        guard (1...8).contains(bitsPerCode) else {
            throw VectorIndexError(.invalidArgument, "bitsPerCode must be 1 to 8, got \(bitsPerCode)")
        }
        guard coarseIterations >= 1, codebookIterations >= 1 else {
            throw VectorIndexError(
                .invalidArgument,
                "coarseIterations and codebookIterations must be at least 1, got \(coarseIterations) and "
                    + "\(codebookIterations)"
            )
        }
    }
}

/// How an ``IVFPQIndex`` search trades speed for recall.
public struct IVFPQSearchParameters: Sendable, Hashable {
    /// How many inverted lists to scan (FAISS's `nprobe`).
    ///
    /// The lists whose centroids are closest to the query are scanned. More lists find more true neighbours
    /// and cost proportionally more time.
    public var probeCount: Int
    /// How many candidates per result to re-rank exactly; 1 turns re-ranking off.
    ///
    /// The best `k × refineFactor` candidates are re-scored with exact distances from the stored full vectors.
    /// Needs an index created with ``IVFPQConfiguration/storedVectors`` other than `.none`.
    public var refineFactor: Int

    /// Creates search parameters.
    public init(probeCount: Int = 8, refineFactor: Int = 1) {
        self.probeCount = probeCount
        self.refineFactor = refineFactor
    }
}

/// What ``IVFPQIndex/train(_:threads:)`` did, including conditions worth knowing about that do not stop training.
public struct IVFPQTrainingReport: Sendable, Hashable {
    /// The number of vectors passed to `train`.
    public var vectorCount: Int
    /// The points the coarse k-means iterated on (at most 256 per list).
    public var coarseTrainingPointCount: Int
    /// The points each sub-quantizer's k-means iterated on (at most 256 per centroid).
    public var codebookTrainingPointCount: Int
    /// How often an empty cluster was split off a populated one, over all k-means runs.
    public var emptyClusterSplits: Int
    /// Conditions that lower quality, in words (for example fewer than 39 training vectors per list).
    public var warnings: [String]
}

extension IVFPQConfiguration.StoredVectors {
    /// The bytes one stored component takes (0 without stored vectors).
    var componentBytes: Int {
        switch self {
        case .none: 0
        case .float32: 4
        case .float16: 2
        case .scalarQuantized8: 1
        }
    }

    /// The kind's code in index and collection files.
    var fileCode: UInt8 {
        switch self {
        case .none: 0
        case .float32: 1
        case .float16: 2
        case .scalarQuantized8: 3
        }
    }

    /// The kind a file code names, or `nil` for an unknown code.
    init?(fileCode: UInt8) {
        switch fileCode {
        case 0: self = .none
        case 1: self = .float32
        case 2: self = .float16
        case 3: self = .scalarQuantized8
        default: return nil
        }
    }
}
