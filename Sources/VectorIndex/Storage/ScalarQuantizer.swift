// SPDX-License-Identifier: Apache-2.0

/// The trained bounds of 8-bit scalar quantisation, FAISS's `ScalarQuantizer` with `QT_8bit` (per-component
/// minimum and range, `RS_minmax`).
///
/// Training keeps, per component j, `minimums[j]` = the smallest sample value and `ranges[j]` = the largest minus
/// the smallest. Encoding stores `⌊255 · clamp((x − min) / range, 0, 1)⌋` (0 when the range is 0); decoding reads
/// `min + ((code + 0.5) / 255) · range`, the same Float32 operations in the same order as FAISS's scalar code.
struct ScalarQuantizer: Sendable, Equatable {
    /// The smallest training value of each component.
    let minimums: ContiguousArray<Float>
    /// The largest minus the smallest training value of each component (0 for a constant component).
    let ranges: ContiguousArray<Float>

    var dimension: Int { minimums.count }

    init(minimums: ContiguousArray<Float>, ranges: ContiguousArray<Float>) {
        precondition(minimums.count == ranges.count && !minimums.isEmpty)
        self.minimums = minimums
        self.ranges = ranges
    }

    /// Per-component minimum and range of `samples` (at least one row, all finite).
    init(training samples: VectorMatrix) {
        precondition(!samples.isEmpty)
        let d = samples.dimension
        let values = samples.values
        var low = ContiguousArray(values[0..<d])
        var high = low
        for r in 1..<samples.count {
            let base = r * d
            for j in 0..<d {
                let x = values[base + j]
                if x < low[j] { low[j] = x }
                if x > high[j] { high[j] = x }
            }
        }
        for j in 0..<d { high[j] -= low[j] }
        self.init(minimums: low, ranges: high)
    }

    /// The number of components whose range is zero (they decode to a constant).
    var constantComponentCount: Int { ranges.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }

    /// The code of one component.
    @inline(__always)
    func encode(_ x: Float, component j: Int) -> UInt8 {
        let range = ranges[j]
        guard range != 0 else { return 0 }
        var unit = (x - minimums[j]) / range
        if unit < 0 { unit = 0 }
        if unit > 1 { unit = 1 }
        return UInt8(truncatingIfNeeded: Int32(255 * unit))
    }

    /// Appends the codes of every row of `vectors` (of this dimension) to `codes`.
    func encode(_ vectors: VectorMatrix, appendingTo codes: inout ContiguousArray<UInt8>) {
        let d = dimension
        let values = vectors.values
        codes.reserveCapacity(codes.count + values.count)
        for r in 0..<vectors.count {
            let base = r * d
            for j in 0..<d { codes.append(encode(values[base + j], component: j)) }
        }
    }

    /// The reconstruction of one component.
    @inline(__always)
    func decode(_ code: UInt8, component j: Int) -> Float {
        let unit = (Float(code) + 0.5) / 255
        return minimums[j] + unit * ranges[j]
    }

    /// The reconstruction of one row of codes.
    func decode(_ codes: some Collection<UInt8>) -> [Float] {
        precondition(codes.count == dimension)
        return codes.enumerated().map { decode($0.element, component: $0.offset) }
    }

    /// Writes the reconstruction of the rows in `codes` (a multiple of ``dimension`` bytes) to the start of `out`.
    func decode(_ codes: Span<UInt8>, into out: inout MutableSpan<Float>) {
        let d = dimension
        precondition(codes.count <= out.count && codes.count % d == 0)
        for r in 0..<codes.count / d {
            let base = r * d
            for j in 0..<d { out[base + j] = decode(codes[base + j], component: j) }
        }
    }

    /// The squared norm of each decoded row in `codes` (a multiple of ``dimension`` bytes), summed in Float64.
    func squaredNorms(of codes: Span<UInt8>) -> ContiguousArray<Float> {
        let d = dimension
        precondition(codes.count % d == 0)
        return ContiguousArray(
            (0..<codes.count / d).map { r in
                var sum = 0.0
                for j in 0..<d {
                    let x = Double(decode(codes[r * d + j], component: j))
                    sum += x * x
                }
                return Float(sum)
            }
        )
    }

    // MARK: - Query forms for the kernels

    /// The inner product of `query` with a decoded row is `bias + Σ weights[j] · code[j]`.
    ///
    /// From `x_j = (min_j + ½ s_j) + s_j · code_j` with `s_j = range_j / 255`.
    func dotForm(_ query: Span<Float>) -> (weights: ContiguousArray<Float>, bias: Float) {
        precondition(query.count == dimension)
        var weights = ContiguousArray<Float>(repeating: 0, count: dimension)
        var bias = 0.0
        for j in 0..<dimension {
            let step = ranges[j] / 255
            weights[j] = query[j] * step
            bias += Double(query[j]) * (Double(minimums[j]) + 0.5 * Double(step))
        }
        return (weights, Float(bias))
    }

    /// The squared distance of `query` to a decoded row is `Σ (offsets[j] − scales[j] · code[j])²`.
    func squaredL2Form(_ query: Span<Float>) -> (offsets: ContiguousArray<Float>, scales: ContiguousArray<Float>) {
        precondition(query.count == dimension)
        var offsets = ContiguousArray<Float>(repeating: 0, count: dimension)
        var scales = ContiguousArray<Float>(repeating: 0, count: dimension)
        for j in 0..<dimension {
            let step = ranges[j] / 255
            scales[j] = step
            offsets[j] = Float(Double(query[j]) - (Double(minimums[j]) + 0.5 * Double(step)))
        }
        return (offsets, scales)
    }
}
