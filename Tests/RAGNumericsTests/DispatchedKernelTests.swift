// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

/// Every dispatched (C) kernel against the Swift kernels and a Float64 computation, at every instruction level
/// this machine supports, on edge shapes: 1…2× the tile in each dimension, unaligned pointers, leading
/// dimensions wider than a row, and zero rows.
///
/// Tolerance: the rigorous bound for any summation order, `n·u·Σ|aᵢbᵢ|` with `u = 2⁻²⁴`, doubled. Fused
/// multiply-adds round once where the Swift kernels round twice, so the two paths agree only to within it.
/// The levels are passed to each kernel explicitly, never through the process-wide setting, so suites running
/// in parallel keep theirs. `.ci/run asan` runs this suite under AddressSanitizer, which turns any read or
/// write past the stated lengths into a failure.
@Suite struct DispatchedKernelTests {
    static let lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 384, 768, 1539]

    /// `n·u·Σ|terms|` doubled, plus a floor for sums of zero.
    private func tolerance(_ terms: Int, _ magnitude: Double) -> Double {
        2 * Double(max(terms, 1)) * 0x1p-24 * magnitude + 1e-30
    }

    @Test("the probe reports a level, the forced level is validated, the current one is supported")
    func levels() {
        let widest = InstructionLevel.widestSupported
        #expect(InstructionLevel.supported.first == .baseline)
        #expect(InstructionLevel.supported.last == widest)
        #expect(InstructionLevel.current <= widest)
        #if !arch(x86_64)
        #expect(widest == .baseline)
        #endif
        for level in InstructionLevel.allCases where level > widest {
            #expect(InstructionLevel.force(level) == false)
            #expect(InstructionLevel.current <= widest)
        }
        #expect(MatrixProduct.supportedTiles.contains(MatrixProduct.preferredTile))
    }

    #if arch(x86_64)
    @Test("dot and squared L2 match Float64 at every level, unaligned", arguments: lengths)
    func dotAndSquaredL2(length n: Int) {
        var rng = SeededGenerator(seed: UInt64(n) &+ 11)
        // One extra float in front: the kernels see pointers 4 bytes past a 16-byte boundary.
        let a = rng.floats(n + 1)
        let b = rng.floats(n + 1)
        var exactDot = 0.0
        var exactL2 = 0.0
        var dotMagnitude = 0.0
        for i in 1..<(n + 1) {
            let (x, y) = (Double(a[i]), Double(b[i]))
            exactDot += x * y
            exactL2 += (x - y) * (x - y)
            dotMagnitude += abs(x * y)
        }
        for level in InstructionLevel.supported {
            let (dot, l2) = unsafe a.withUnsafeBufferPointer { pa in
                unsafe b.withUnsafeBufferPointer { pb in
                    n == 0
                        ? (Float(0), Float(0))
                        : unsafe (
                            Kernels._dotWide(pa.baseAddress! + 1, pb.baseAddress! + 1, n, level: level),
                            Kernels._squaredL2Wide(pa.baseAddress! + 1, pb.baseAddress! + 1, n, level: level)
                        )
                }
            }
            #expect(abs(Double(dot) - exactDot) <= tolerance(n, dotMagnitude), "dot, \(level.name), n = \(n)")
            #expect(abs(Double(l2) - exactL2) <= tolerance(n, exactL2), "squared L2, \(level.name), n = \(n)")
        }
    }

    @Test("many-row dots, squared distances and cosines write one score per row", arguments: [0, 1, 2, 5, 33])
    func manyRows(rows count: Int) {
        for d in [1, 3, 8, 17, 64, 129] {
            var rng = SeededGenerator(seed: UInt64(count * 1000 + d))
            let query = rng.floats(d + 1)
            let rows = rng.floats(count * d + 1)
            for level in InstructionLevel.supported {
                for mode in ["dot", "L2", "cosine"] {
                    // Scores land one float past the start; a sentinel on each side must survive.
                    var out = [Float](repeating: .infinity, count: count + 2)
                    unsafe query.withUnsafeBufferPointer { q in
                        unsafe rows.withUnsafeBufferPointer { r in
                            unsafe out.withUnsafeMutableBufferPointer { o in
                                let scores = unsafe UnsafeMutableBufferPointer(rebasing: o[1..<(count + 1)])
                                let (q, r) = unsafe (q.baseAddress! + 1, r.baseAddress! + 1)
                                switch mode {
                                case "L2": unsafe Kernels._squaredL2sWide(q, r, d, scores, level: level)
                                case "dot": unsafe Kernels._dotsWide(q, r, d, scores, level: level)
                                default:
                                    let norm = Kernels.norm(query.span.extracting(1...))
                                    unsafe Kernels._cosinesWide(q, queryNorm: norm, r, d, scores, level: level)
                                }
                            }
                        }
                    }
                    #expect(out[0] == .infinity && out[count + 1] == .infinity, "sentinels, \(level.name)")
                    for i in 0..<count {
                        var exact = 0.0
                        var magnitude = 0.0
                        var (queryNorm, rowNorm) = (0.0, 0.0)
                        for p in 0..<d {
                            let (x, y) = (Double(query[1 + p]), Double(rows[1 + i * d + p]))
                            let term = mode == "L2" ? (x - y) * (x - y) : x * y
                            exact += term
                            magnitude += abs(term)
                            queryNorm += x * x
                            rowNorm += y * y
                        }
                        if mode == "cosine" {
                            // Three length-d sums and a division: relative to the magnitudes, 4× the bound.
                            let scale = (queryNorm * rowNorm).squareRoot()
                            exact /= scale
                            magnitude = 4 * magnitude / scale + 4
                        }
                        #expect(
                            abs(Double(out[i + 1]) - exact) <= tolerance(d, magnitude),
                            "row \(i), d = \(d), \(mode), \(level.name)"
                        )
                    }
                }
            }
        }
    }

    @Test("product-quantiser tables match Float64 at every level", arguments: [1, 8, 15, 16, 17, 33, 256])
    func productQuantizerTable(centroids ksub: Int) {
        for (m, dsub) in [(1, 1), (3, 5), (4, 8), (2, 16)] {
            var rng = SeededGenerator(seed: UInt64(ksub * 100 + m * 10 + dsub))
            let x = rng.floats(m * dsub + 1)
            let centroids = rng.floats(m * dsub * ksub + 1)
            for level in InstructionLevel.supported where level != .baseline {
                var table = [Float](repeating: .infinity, count: m * ksub + 2)
                let done = unsafe x.withUnsafeBufferPointer { px in
                    unsafe centroids.withUnsafeBufferPointer { pc in
                        unsafe table.withUnsafeMutableBufferPointer { pt in
                            unsafe Kernels._productQuantizerTable(
                                px.baseAddress! + 1,
                                centroids: UnsafeBufferPointer(rebasing: pc[1...]),
                                subquantizers: m,
                                subdimension: dsub,
                                centroidCount: ksub,
                                scale: -2,
                                into: pt.baseAddress! + 1,
                                level: level
                            )
                        }
                    }
                }
                #expect(done)
                #expect(table[0] == .infinity && table[m * ksub + 1] == .infinity, "sentinels, \(level.name)")
                for q in 0..<m {
                    for c in 0..<ksub {
                        var exact = 0.0
                        var magnitude = 0.0
                        for j in 0..<dsub {
                            let term = Double(x[1 + q * dsub + j]) * Double(centroids[1 + (q * dsub + j) * ksub + c])
                            exact += term
                            magnitude += abs(term)
                        }
                        #expect(
                            abs(Double(table[1 + q * ksub + c]) + 2 * exact) <= 2 * tolerance(dsub, magnitude),
                            "m \(q), c \(c), \(level.name)"
                        )
                    }
                }
            }
        }
    }

    @Test("nearest short centroid: the minimum within rounding, lowest index on ties", arguments: [1, 2, 8, 16])
    func nearestShort(dimension d: Int) {
        for k in [1, 16, 20, 256] {
            var rng = SeededGenerator(seed: UInt64(d * 1000 + k))
            let padded = (k + 15) / 16 * 16
            // Centroid 0 is repeated as the last centroid: a point nearest to it must get label 0.
            var centroids = rng.floats(k * d)
            if k > 1 { for j in 0..<d { centroids[(k - 1) * d + j] = centroids[j] } }
            var transposed = [Float](repeating: 0, count: d * padded)
            var halfNorms = [Float](repeating: .infinity, count: padded)
            for c in 0..<k {
                var norm: Float = 0
                for j in 0..<d {
                    transposed[j * padded + c] = centroids[c * d + j]
                    norm += centroids[c * d + j] * centroids[c * d + j]
                }
                halfNorms[c] = 0.5 * norm
            }
            let (count, stride) = (37, d + 1)
            var points = rng.floats(count * stride)
            for j in 0..<d { points[5 * stride + j] = centroids[j] }  // exactly on centroid 0 (and k − 1)
            for level in InstructionLevel.supported where level != .baseline {
                var labels = [Int32](repeating: -1, count: count + 1)
                let done = unsafe points.withUnsafeBufferPointer { p in
                    unsafe transposed.withUnsafeBufferPointer { t in
                        unsafe halfNorms.withUnsafeBufferPointer { h in
                            unsafe labels.withUnsafeMutableBufferPointer { l in
                                unsafe Kernels._nearestShort(
                                    UnsafeBufferPointer(rebasing: p[0..<((count - 1) * stride + d)]),
                                    count: count,
                                    stride: stride,
                                    dimension: d,
                                    transposed: t,
                                    halfNorms: h,
                                    padded: padded,
                                    labels: UnsafeMutableBufferPointer(rebasing: l[0..<count]),
                                    level: level
                                )
                            }
                        }
                    }
                }
                #expect(done)
                #expect(labels[count] == -1, "wrote past the labels, \(level.name)")
                for i in 0..<count {
                    let values = (0..<k).map { c -> Double in
                        var dot = 0.0
                        for j in 0..<d { dot += Double(points[i * stride + j]) * Double(centroids[c * d + j]) }
                        return Double(halfNorms[c]) - dot
                    }
                    let label = Int(labels[i])
                    #expect((0..<k).contains(label), "label \(label) of point \(i), \(level.name)")
                    guard (0..<k).contains(label) else { continue }
                    let minimum = values.min()!
                    #expect(values[label] - minimum <= tolerance(2 * d, 4 + Double(d)), "point \(i), \(level.name)")
                }
                #expect(labels[5] == 0, "duplicates resolve to the lowest index, \(level.name)")
            }
        }
    }

    @Test("half-precision widening is exact for every non-NaN bit pattern, at any offset and length")
    func widenHalves() {
        // Every pattern except NaNs (the hardware quiets them; stored vectors are finite).
        let patterns = (0...UInt16.max).filter { $0 & 0x7C00 != 0x7C00 || $0 & 0x03FF == 0 }
        let expected = patterns.map { bits -> Float in
            let sign: Float = bits & 0x8000 != 0 ? -1 : 1
            let exponent = Int(bits >> 10 & 0x1F)
            let mantissa = Float(bits & 0x3FF)
            if exponent == 0x1F { return sign * .infinity }
            if exponent == 0 { return sign * mantissa * 0x1p-24 }
            return sign * (1024 + mantissa) * Float(sign: .plus, exponent: exponent - 25, significand: 1)
        }
        for level in InstructionLevel.supported where level != .baseline {
            for (start, count) in [(0, patterns.count), (1, 7), (3, 8), (5, 17), (9, 0)] {
                var out = [Float](repeating: .nan, count: count + 1)
                let done = unsafe patterns.withUnsafeBufferPointer { p in
                    unsafe out.withUnsafeMutableBufferPointer { o in
                        unsafe Kernels._widenHalves(
                            p.baseAddress! + start,
                            count: count,
                            into: o.baseAddress!,
                            level: level
                        )
                    }
                }
                #expect(done)
                #expect(Array(out[0..<count]) == Array(expected[start..<(start + count)]), "\(level.name)")
                #expect(out[count].isNaN, "wrote past the end, \(level.name)")
            }
        }
    }

    @Test("the inlinable entry points agree with the portable Swift kernels")
    func entryPoints() {
        var rng = SeededGenerator(seed: 5)
        let a = rng.floats(300)
        let b = rng.floats(300)
        for n in [5, 8, 300] {
            let dot = Kernels.dot(a.span.extracting(0..<n), b.span.extracting(0..<n))
            let l2 = Kernels.squaredL2(a.span.extracting(0..<n), b.span.extracting(0..<n))
            var magnitude: Float = 0
            for i in 0..<n { magnitude += abs(a[i] * b[i]) }
            let portableDot = unsafe Kernels._dotPortable(a, b, n)
            let portableL2 = unsafe Kernels._squaredL2Portable(a, b, n)
            #expect(Double(abs(dot - portableDot)) <= 2 * tolerance(n, Double(magnitude)))
            #expect(Double(abs(l2 - portableL2)) <= 2 * tolerance(n, Double(portableL2)))
        }
    }
    #endif

    struct Shape: Sendable, CustomTestStringConvertible {
        let m: Int
        let n: Int
        let k: Int
        var testDescription: String { "\(m)x\(n)x\(k)" }
    }

    /// Rows 1…13 (two 6-row tiles and one more), columns 1…65 (two 32-column tiles and one more), depths
    /// across the 256-deep panel, and zero rows/columns.
    static let shapes: [Shape] = {
        var shapes: [Shape] = []
        for m in [0, 1, 2, 4, 5, 6, 7, 11, 12, 13] {
            for n in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65] {
                for k in [1, 9, 257] where (m * 7 + n * 3 + k) % 3 == 0 || m <= 1 || n <= 1 {
                    shapes.append(Shape(m: m, n: n, k: k))
                }
            }
        }
        return shapes
    }()

    @Test("every supported tile matches Float64 with strided, unaligned operands", arguments: shapes)
    func tiles(shape s: Shape) {
        var rng = SeededGenerator(seed: UInt64(s.m * 10_000 + s.n * 100 + s.k))
        let (lda, ldc) = (s.k + 3, s.n + 5)
        let a = rng.floats(1 + max(0, s.m * lda))
        for layout in [RightOperandLayout.transposed, .normal] {
            let ldb = (layout == .transposed ? s.k : s.n) + 2
            let b = rng.floats(1 + max(0, (layout == .transposed ? s.n : s.k) * ldb))
            let initial = rng.floats(1 + s.m * ldc)
            var expected = [Double](repeating: 0, count: s.m * s.n)
            var magnitude = [Double](repeating: 0, count: s.m * s.n)
            for i in 0..<s.m {
                for j in 0..<s.n {
                    for p in 0..<s.k {
                        let bv = layout == .transposed ? b[1 + j * ldb + p] : b[1 + p * ldb + j]
                        let term = Double(a[1 + i * lda + p]) * Double(bv)
                        expected[i * s.n + j] += term
                        magnitude[i * s.n + j] += abs(term)
                    }
                }
            }
            for tile in MatrixProduct.supportedTiles {
                for accumulate in [false, true] {
                    var c = initial
                    unsafe a.withUnsafeBufferPointer { pa in
                        unsafe b.withUnsafeBufferPointer { pb in
                            unsafe c.withUnsafeMutableBufferPointer { pc in
                                unsafe MatrixProduct.multiply(
                                    m: s.m,
                                    n: s.n,
                                    k: s.k,
                                    a: pa.baseAddress! + 1,
                                    lda: lda,
                                    b: pb.baseAddress! + 1,
                                    ldb: ldb,
                                    layout: layout,
                                    c: pc.baseAddress! + 1,
                                    ldc: ldc,
                                    accumulate: accumulate,
                                    tile: tile
                                )
                            }
                        }
                    }
                    #expect(c[0] == initial[0], "\(tile) wrote before C")
                    for i in 0..<s.m {
                        for j in 0..<ldc where i * ldc + j < s.m * ldc {
                            let index = 1 + i * ldc + j
                            guard j < s.n else {
                                #expect(c[index] == initial[index], "\(tile) wrote past a row of C")
                                continue
                            }
                            let base = accumulate ? Double(initial[index]) : 0
                            let error = abs(Double(c[index]) - base - expected[i * s.n + j])
                            #expect(
                                error <= tolerance(s.k + 1, magnitude[i * s.n + j] + abs(base)),
                                "\(tile) \(layout) (\(i), \(j)), accumulate \(accumulate)"
                            )
                        }
                    }
                }
            }
        }
    }

    @Test("a row's product does not depend on the other rows (full tiles and edge tiles agree bit for bit)")
    func rowsIndependent() {
        let (n, k) = (100, 300)
        var rng = SeededGenerator(seed: 21)
        let a = rng.floats(13 * k)
        let weight = rng.floats(n * k)
        let bias = rng.floats(n)
        for tile in MatrixProduct.supportedTiles {
            let packed = PackedMatrix(weight, columns: n, depth: k, layout: .transposed, tile: tile)
            var results: [[Float]] = []
            for m in [1, 5, 6, 13] {
                var c = (0..<m).flatMap { _ in bias }
                unsafe a.withUnsafeBufferPointer { pa in
                    unsafe c.withUnsafeMutableBufferPointer { pc in
                        unsafe MatrixProduct.multiply(
                            m: m,
                            a: pa.baseAddress!,
                            lda: k,
                            b: packed,
                            c: pc.baseAddress!,
                            ldc: n,
                            accumulate: true
                        )
                    }
                }
                results.append(Array(c[0..<n]))
            }
            #expect(results.allSatisfy { $0 == results[0] }, "\(tile)")
            // Unpacked operands, both layouts; depth extended with zero terms; more columns.
            for layout in [RightOperandLayout.transposed, .normal] {
                var rows: [[Float]] = []
                for (m, extra, columns) in [(1, 0, 50), (7, 0, 50), (13, 27, 77), (2, 5, 64)] {
                    let depth = 50 + extra
                    var lhs = [Float](repeating: 0, count: m * depth)
                    for i in 0..<m { for p in 0..<50 { lhs[i * depth + p] = a[i * k + p] } }
                    let ldb = layout == .transposed ? depth : columns
                    var rhs = [Float](repeating: 0, count: (layout == .transposed ? columns : depth) * ldb)
                    for j in 0..<columns {
                        for p in 0..<depth {
                            let value = weight[(j % n) * k + p]
                            if layout == .transposed { rhs[j * ldb + p] = value } else { rhs[p * ldb + j] = value }
                        }
                    }
                    var c = [Float](repeating: 0, count: m * columns)
                    unsafe lhs.withUnsafeBufferPointer { pa in
                        unsafe rhs.withUnsafeBufferPointer { pb in
                            unsafe c.withUnsafeMutableBufferPointer { pc in
                                unsafe MatrixProduct.multiply(
                                    m: m,
                                    n: columns,
                                    k: depth,
                                    a: pa.baseAddress!,
                                    lda: depth,
                                    b: pb.baseAddress!,
                                    ldb: ldb,
                                    layout: layout,
                                    c: pc.baseAddress!,
                                    ldc: columns,
                                    tile: tile
                                )
                            }
                        }
                    }
                    rows.append(Array(c[0..<50]))
                }
                #expect(rows.allSatisfy { $0 == rows[0] }, "\(tile) \(layout)")
            }
        }
    }

    @Test("a prepacked operand gives the unpacked product on every tile, with two threads")
    func packedOperand() {
        let (m, n, k) = (9, 1030, 300)
        var rng = SeededGenerator(seed: 77)
        let a = rng.floats(m * k)
        let weight = rng.floats(n * k)
        for tile in MatrixProduct.supportedTiles {
            let packed = PackedMatrix(weight, columns: n, depth: k, layout: .transposed, tile: tile)
            var direct = [Float](repeating: .nan, count: m * n)
            var viaPacked = [Float](repeating: .nan, count: m * n)
            unsafe a.withUnsafeBufferPointer { pa in
                unsafe weight.withUnsafeBufferPointer { pb in
                    unsafe direct.withUnsafeMutableBufferPointer { pc in
                        unsafe MatrixProduct.multiply(
                            m: m,
                            n: n,
                            k: k,
                            a: pa.baseAddress!,
                            lda: k,
                            b: pb.baseAddress!,
                            ldb: k,
                            layout: .transposed,
                            c: pc.baseAddress!,
                            ldc: n,
                            threads: 2,
                            tile: tile
                        )
                    }
                    unsafe viaPacked.withUnsafeMutableBufferPointer { pc in
                        unsafe MatrixProduct.multiply(
                            m: m,
                            a: pa.baseAddress!,
                            lda: k,
                            b: packed,
                            c: pc.baseAddress!,
                            ldc: n,
                            threads: 2
                        )
                    }
                }
            }
            #expect(direct == viaPacked, "\(tile)")
            #expect(packed.unpacked() == ContiguousArray(weight), "\(tile)")
        }
    }
}
