// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// A compressed approximate index: an inverted file over k-means lists with product-quantised residuals
/// (IVF-PQ), the recipe FAISS's `IndexIVFPQ` uses.
///
/// Each vector is assigned to its nearest of ``IVFPQConfiguration/listCount`` coarse centroids and stored as
/// ``IVFPQConfiguration/subquantizerCount`` one-byte codes of its residual (vector − centroid): 384 floats
/// (1,536 bytes) become, for example, 48 bytes plus an 8-byte id. A search scans only the
/// ``IVFPQSearchParameters/probeCount`` lists nearest the query, scoring codes with per-query lookup tables,
/// and can re-rank the best candidates exactly from stored full vectors.
///
/// ```swift
/// let index = try IVFPQIndex(
///     dimension: 384,
///     metric: .cosine,
///     configuration: IVFPQConfiguration(listCount: 256, subquantizerCount: 48, storedVectors: .float16)
/// )
/// try index.train(sample)               // k-means on a representative sample
/// try index.add(vectors, ids: ids)
/// let hits = try index.search(query, k: 10, parameters: IVFPQSearchParameters(probeCount: 16, refineFactor: 4))
/// ```
///
/// ## Concurrency
/// The index is `Sendable`. Mutations encode outside the lock and take it only to splice codes into the
/// lists; searches take it only to snapshot the lists (copy-on-write), as ``FlatIndex`` does.
public final class IVFPQIndex: TrainableVectorIndex {
    /// The length of every stored vector.
    public let dimension: Int
    /// How vectors are compared.
    ///
    /// Cosine indexes store and search unit-length vectors by inner product.
    public let metric: Metric
    /// The partitioning and compression settings.
    public let configuration: IVFPQConfiguration

    let state: Locked<IVFPQState>

    /// Creates an empty, untrained index.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when the configuration does not fit the dimension
    ///   (for example a dimension that `subquantizerCount` does not divide); the message says what to change.
    public init(dimension: Int, metric: Metric, configuration: IVFPQConfiguration) throws(VectorIndexError) {
        try configuration.validate(dimension: dimension)
        self.dimension = dimension
        self.metric = metric
        self.configuration = configuration
        state = Locked(IVFPQState())
    }

    init(dimension: Int, metric: Metric, configuration: IVFPQConfiguration, state: IVFPQState) {
        self.dimension = dimension
        self.metric = metric
        self.configuration = configuration
        self.state = Locked(state)
    }

    /// Whether ``train(_:threads:)`` has run; vectors can only be added to a trained index.
    public var isTrained: Bool { state.withLock { $0.contents.model != nil } }

    /// The fewest vectors ``train(_:threads:)`` accepts: one per list and one per sub-quantizer centroid
    /// (`max(listCount, 2^bitsPerCode)`).
    public var minimumTrainingCount: Int { max(configuration.listCount, 1 << configuration.bitsPerCode) }

    /// The number of stored vectors.
    public var count: Int { state.withLock { $0.locations.count } }

    /// Whether a vector is stored under `id`.
    public func contains(_ id: UInt64) -> Bool {
        state.withLock { $0.locations.location(of: id, in: $0.contents.lists) != nil }
    }

    /// The ids of all stored vectors, list after list.
    public var ids: [UInt64] {
        snapshot().lists.flatMap { list in list.ids.joined() }
    }

    /// The vector stored under `id`, or `nil`.
    ///
    /// With ``IVFPQConfiguration/StoredVectors/float32`` this is the stored vector (unit length for cosine);
    /// with ``IVFPQConfiguration/StoredVectors/float16`` the stored vector rounded to half precision and back;
    /// with ``IVFPQConfiguration/StoredVectors/scalarQuantized8`` the decoded codes (each component within half a
    /// 255th of its trained range of the stored one, unless it was clamped to that range).
    /// Without stored vectors it is the reconstruction from the codes, the list's centroid plus the decoded
    /// residual: an approximation whose error is what the product quantizer loses.
    public func vector(for id: UInt64) -> [Float]? {
        let d = dimension
        return state.withLock { state -> [Float]? in
            guard let model = state.contents.model,
                let location = state.locations.location(of: id, in: state.contents.lists)
            else { return nil }
            let listIndex = Int(location >> 32)
            let offset = Int(location & 0xFFFF_FFFF)
            let list = state.contents.lists[listIndex]
            switch configuration.storedVectors {
            case .float32, .float16, .scalarQuantized8:
                let (c, r) = list.vectors.position(ofRow: offset)
                let width = list.vectors.width
                return list.vectors.withChunk(c) { bytes in
                    StoredVectorCoding.decode(
                        bytes.extracting(r * width..<(r + 1) * width),
                        as: configuration.storedVectors,
                        quantizer: model.vectorQuantizer
                    )
                }
            case .none:
                let pq = model.quantizer
                let code = list.codes.row(offset)
                var vector = Array(model.coarseCentroids[listIndex * d..<(listIndex + 1) * d])
                for (m, c) in code.enumerated() {
                    let centroid = (m * pq.centroidCount + Int(c)) * pq.subdimension
                    for j in 0..<pq.subdimension { vector[m * pq.subdimension + j] += pq.centroids[centroid + j] }
                }
                return vector
            }
        }
    }

    /// The parameters `search(_:k:filter:)` (one query) uses.
    ///
    /// Start with `probeCount` 8–16 and raise it for recall.
    public var searchParameters: IVFPQSearchParameters {
        get { state.withLock { $0.parameters } }
        set { state.withLock { $0.parameters = newValue } }
    }

    /// The bytes the index holds: codes, ids, stored vectors, list overhead, the id map, centroids (as trained
    /// and packed for matrix products) and tables.
    ///
    /// The per-vector part is `subquantizerCount` code bytes and 8 id bytes (plus 1, 2 or 4 bytes per component
    /// with stored vectors), as in FAISS, plus the id → location map that makes removal by id O(1) (4 bytes a
    /// slot while list offsets fit, 5.3–8 bytes a vector); the count includes every buffer's header and any
    /// growth slack.
    ///
    /// Slack: an `add` of at least `listCount` vectors sizes every list it grows exactly, as does one that
    /// adds at least a quarter to the entries in a list's last chunk (of 256 entries), so such batches, and an
    /// index read back from a file, hold none. Smaller adds grow a list's last chunk geometrically, by a
    /// quarter, so an index filled by small adds holds up to a quarter more entries' room in each list's last
    /// chunk (about a tenth more bytes on average) until ``compact()`` gives the slack back.
    public var memoryFootprint: Int {
        state.withLock { state in
            var bytes = MemoryLayout<InvertedList>.stride * state.contents.lists.capacity
            for list in state.contents.lists { bytes += list.memoryFootprint }
            if let model = state.contents.model {
                bytes += model.coarseCentroids.capacity * 4 + model.precomputedTable.capacity * 4
                bytes += (model.vectorQuantizer?.dimension ?? 0) * 8 + model.packedCentroids.byteCount
                bytes += model.coarseSquaredNorms.capacity * 4
                bytes += (model.quantizer.centroids.count * 2 + model.quantizer.squaredNorms.count) * 4
            }
            return bytes + state.locations.memoryFootprint
        }
    }

    func snapshot() -> IVFPQContents { state.withLock { $0.contents } }

    // MARK: - Training

    /// Trains the coarse quantizer and the product quantizer on `vectors`.
    ///
    /// Use a sample that looks like the data to be added (it may be that data). Both k-means runs are seeded by
    /// ``IVFPQConfiguration/seed``: the same vectors give the same index. The coarse k-means iterates on at most
    /// 256 vectors per list, each sub-quantizer on at most 256 per centroid; inner-product and cosine indexes
    /// use spherical k-means (unit-length centroids) for the lists. With
    /// ``IVFPQConfiguration/StoredVectors/scalarQuantized8`` stored vectors, training also learns each component's
    /// minimum and range over all of `vectors` (normalised for cosine), as ``FlatIndex/train(_:threads:)`` does.
    ///
    /// - Parameters:
    ///   - vectors: The training sample.
    ///   - threads: The most threads the k-means assignment steps use; `nil` uses every processor.
    /// - Returns: What training did, with warnings such as too few vectors per list (fewer than 39).
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch``, ``VectorIndexError/Code/invalidVector`` for a
    ///   NaN, infinite or (cosine) zero vector, ``VectorIndexError/Code/invalidArgument`` when there are fewer
    ///   vectors than lists or than `2^bitsPerCode`, or when the index already holds vectors.
    @discardableResult
    public func train(_ vectors: VectorMatrix, threads: Int? = nil) throws(VectorIndexError) -> IVFPQTrainingReport {
        guard vectors.dimension == dimension else {
            throw VectorIndexError(
                .dimensionMismatch,
                "training vectors have dimension \(vectors.dimension), the index has \(dimension)"
            )
        }
        if let row = vectors.firstNonFiniteRow() {
            throw VectorIndexError(.invalidVector, "training vector \(row) has a NaN or infinite component")
        }
        let data = metric == .cosine ? try VectorValidation.unitLength(vectors) { "training vector \($0)" } : vectors
        let n = data.count
        let ksub = 1 << configuration.bitsPerCode
        let needed = minimumTrainingCount
        guard n >= needed else {
            throw VectorIndexError(
                .invalidArgument,
                "training needs at least \(needed) vectors (listCount \(configuration.listCount), "
                    + "2^bitsPerCode = \(ksub) centroids per sub-quantizer), got \(n); "
                    + "train on more vectors or lower listCount / bitsPerCode"
            )
        }
        let stored = count
        guard stored == 0 else {
            throw VectorIndexError(
                .invalidArgument,
                "the index already holds \(stored) vectors; train a new index (or remove them first)"
            )
        }
        let threadCount = max(1, threads ?? Parallel.processorCount)
        let (model, report) = Self.trainModel(data, metric: metric, configuration: configuration, threads: threadCount)
        try state.withLock { (state: inout IVFPQState) throws(VectorIndexError) in
            guard state.locations.count == 0 else {
                throw VectorIndexError(.invalidArgument, "vectors were added while the index was training")
            }
            state.contents = IVFPQContents(model: model, lists: emptyLists())
            state.generation += 1
        }
        return report
    }

    static func trainModel(
        _ data: VectorMatrix,
        metric: Metric,
        configuration: IVFPQConfiguration,
        threads: Int
    ) -> (IVFPQModel, IVFPQTrainingReport) {
        let n = data.count
        let d = data.dimension
        let ksub = 1 << configuration.bitsPerCode
        let innerProduct = metric != .squaredL2
        let values = data.values
        let coarse = KMeans.train(
            values.span,
            count: n,
            dimension: d,
            parameters: KMeans.Parameters(
                clusterCount: configuration.listCount,
                iterations: configuration.coarseIterations,
                seed: configuration.seed,
                spherical: innerProduct,
                threads: threads
            )
        )
        // Residuals of (a sample of) the training vectors train the product quantizer.
        let pqCount = min(n, ksub * 256)
        var sample = data
        if pqCount < n {
            var random = SplitMix64(seed: configuration.seed ^ 0x5051_5051_5051_5051)
            var values = ContiguousArray<Float>()
            values.reserveCapacity(pqCount * d)
            for i in random.sample(pqCount, from: n).sorted() { values.append(contentsOf: data[i]) }
            sample = VectorMatrix(uncheckedValues: values, dimension: d)
        }
        let residuals = KMeans.residuals(
            of: sample,
            centroids: coarse.centroids,
            innerProduct: innerProduct,
            threads: threads
        ).residuals
        let (quantizer, pqSplits) = ProductQuantizer.train(
            residuals.span,
            count: pqCount,
            dimension: d,
            subquantizerCount: configuration.subquantizerCount,
            bitsPerCode: configuration.bitsPerCode,
            iterations: configuration.codebookIterations,
            seed: configuration.seed &+ 1,
            threads: threads
        )
        let model = IVFPQModel(
            dimension: d,
            innerProduct: innerProduct,
            coarseCentroids: coarse.centroids,
            quantizer: quantizer,
            vectorQuantizer: configuration.storedVectors == .scalarQuantized8 ? ScalarQuantizer(training: data) : nil
        )
        var warnings: [String] = []
        if n < configuration.listCount * 39 {
            warnings.append(
                "\(n) training vectors for \(configuration.listCount) lists is fewer than 39 per list; "
                    + "centroids may be poorly placed (train on more vectors or use fewer lists)"
            )
        }
        if pqCount < ksub * 39 {
            warnings.append(
                "\(pqCount) training vectors for \(ksub) centroids per sub-quantizer is fewer than 39 per centroid; "
                    + "codes may be coarse (train on more vectors or lower bitsPerCode)"
            )
        }
        let report = IVFPQTrainingReport(
            vectorCount: n,
            coarseTrainingPointCount: coarse.trainingPointCount,
            codebookTrainingPointCount: pqCount,
            emptyClusterSplits: coarse.emptyClusterSplits + pqSplits,
            warnings: warnings
        )
        return (model, report)
    }
}
