// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// Lloyd's k-means, as the IVF coarse quantizer and the product quantizer train it.
///
/// - Initialisation: `k` distinct training points drawn with a seeded generator. Random selection is what
///   FAISS does too; k-means++ would cost `k` sequential passes over the data for a gain that 20 Lloyd
///   iterations on a 256-points-per-centroid sample wash out.
/// - Training set: at most `maximumPointsPerCluster × k` points, a seeded random sample of the input.
/// - Empty clusters are split off a populated cluster chosen with probability proportional to its size, and the
///   two halves are nudged apart by a relative 1/1024 in alternating directions.
/// - Spherical mode (inner product) assigns by the largest inner product and scales centroids to unit length.
///
/// Every step is deterministic for a seed: assignments do not depend on the thread count (each point's choice
/// is independent; ties go to the lower centroid) and centroid sums are accumulated in point order.
struct KMeans {
    struct Parameters: Sendable {
        var clusterCount: Int
        var iterations: Int
        var seed: UInt64
        var spherical: Bool
        var threads: Int
        var maximumPointsPerCluster = 256
        var minimumPointsPerCluster = 39
    }

    struct Result: Sendable {
        /// `clusterCount × dimension` centroids, row-major.
        var centroids: ContiguousArray<Float>
        /// How many points the iterations ran on (after subsampling).
        var trainingPointCount: Int
        /// How many times an empty cluster was split off another one.
        var emptyClusterSplits: Int
    }

    /// Trains `parameters.clusterCount` centroids on `count` points of `dimension` floats.
    ///
    /// - Precondition: `count >= clusterCount >= 1`.
    static func train(
        _ points: Span<Float>,
        count: Int,
        dimension: Int,
        parameters: Parameters
    ) -> Result {
        let k = parameters.clusterCount
        precondition(k >= 1 && count >= k, "k-means needs at least as many points as clusters")
        precondition(points.count == count * dimension, "k-means: points and count differ")
        var random = SplitMix64(seed: parameters.seed)
        let d = dimension

        // Subsample to at most maximumPointsPerCluster points per centroid.
        let limit = k * parameters.maximumPointsPerCluster
        var sample = ContiguousArray<Float>()
        let n: Int
        if count > limit {
            n = limit
            let chosen = random.sample(limit, from: count).sorted()
            sample.reserveCapacity(n * d)
            for i in chosen {
                for j in i * d..<(i + 1) * d { sample.append(points[j]) }
            }
        } else {
            n = count
            sample.reserveCapacity(n * d)
            for j in 0..<count * d { sample.append(points[j]) }
        }

        // Initial centroids: k distinct points.
        var centroids = ContiguousArray<Float>(repeating: 0, count: k * d)
        for (c, i) in random.sample(k, from: n).enumerated() {
            for j in 0..<d { centroids[c * d + j] = sample[i * d + j] }
        }

        var labels = ContiguousArray<Int32>(repeating: 0, count: n)
        var splits = 0
        let x = sample.span
        for _ in 0..<max(1, parameters.iterations) {
            var l = labels.mutableSpan
            assign(
                x,
                count: n,
                stride: d,
                dimension: d,
                centroids: centroids.span,
                centroidCount: k,
                innerProduct: parameters.spherical,
                threads: parameters.threads,
                labels: &l
            )
            var sizes = updateCentroids(&centroids, points: x, labels: labels, dimension: d, k: k)
            splits += splitEmptyClusters(&centroids, sizes: &sizes, dimension: d, random: &random)
            if parameters.spherical {
                var rows = RowMajorMatrix(unchecked: centroids, dimension: d)
                centroids = []
                rows.normalize(squaredNorms: rows.squaredNorms())
                centroids = rows.values
            }
        }
        return Result(centroids: centroids, trainingPointCount: n, emptyClusterSplits: splits)
    }

    /// Sets every centroid to the mean of its points (empty clusters keep their old centroid) and returns the
    /// cluster sizes.
    private static func updateCentroids(
        _ centroids: inout ContiguousArray<Float>,
        points: Span<Float>,
        labels: ContiguousArray<Int32>,
        dimension d: Int,
        k: Int
    ) -> [Int] {
        let (sums, sizes) = clusterSums(points, labels: labels.span, dimension: d, k: k)
        for c in 0..<k where sizes[c] > 0 {
            let scale = 1 / Float(sizes[c])
            for j in 0..<d { centroids[c * d + j] = sums[c * d + j] * scale }
        }
        return sizes
    }

    /// Gives every empty cluster half of a populated one; returns how many clusters were split.
    private static func splitEmptyClusters(
        _ centroids: inout ContiguousArray<Float>,
        sizes: inout [Int],
        dimension d: Int,
        random: inout SplitMix64
    ) -> Int {
        let k = sizes.count
        var splits = 0
        let epsilon: Float = 1.0 / 1024
        for empty in 0..<k where sizes[empty] == 0 {
            // Choose a donor with probability proportional to (size − 1): singletons cannot be split.
            let weight = sizes.reduce(0) { $0 + max(0, $1 - 1) }
            guard weight > 0 else { break }
            var ticket = random.next(below: weight)
            var donor = 0
            while ticket >= max(0, sizes[donor] - 1) {
                ticket -= max(0, sizes[donor] - 1)
                donor += 1
            }
            for j in 0..<d {
                let value = centroids[donor * d + j]
                let sign: Float = j % 2 == 0 ? 1 : -1
                centroids[empty * d + j] = value * (1 + sign * epsilon)
                centroids[donor * d + j] = value * (1 - sign * epsilon)
            }
            sizes[empty] = sizes[donor] / 2
            sizes[donor] -= sizes[empty]
            splits += 1
        }
        return splits
    }

    /// The nearest centroid of every row of `rows` (see
    /// ``assign(_:count:stride:dimension:centroids:centroidCount:packed:innerProduct:threads:labels:)-(Span<Float>,_,_,_,_,_,_,_,_,_)``)
    /// and each row minus its centroid: how IVF assigns vectors to lists and what its product quantizer encodes.
    ///
    /// - Precondition: `centroids` holds whole rows of `rows.dimension` floats, at least one.
    static func residuals(
        of rows: VectorMatrix,
        centroids: ContiguousArray<Float>,
        packed: PackedMatrix? = nil,
        innerProduct: Bool,
        threads: Int
    ) -> (labels: ContiguousArray<Int32>, residuals: ContiguousArray<Float>) {
        let (n, d) = (rows.count, rows.dimension)
        var labels = ContiguousArray<Int32>(repeating: 0, count: n)
        var residuals = rows.values
        guard n > 0 else { return (labels, residuals) }
        var out = labels.mutableSpan
        assign(
            rows.values.span,
            count: n,
            stride: d,
            dimension: d,
            centroids: centroids.span,
            centroidCount: centroids.count / d,
            packed: packed,
            innerProduct: innerProduct,
            threads: threads,
            labels: &out
        )
        for i in 0..<n {
            let c = Int(labels[i]) * d
            for j in 0..<d { residuals[i * d + j] -= centroids[c + j] }
        }
        return (labels, residuals)
    }
}
