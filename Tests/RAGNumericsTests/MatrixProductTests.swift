// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

@Suite struct MatrixProductTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let m: Int
        let n: Int
        let k: Int
        var testDescription: String { "\(m)x\(n)x\(k)" }
    }

    /// Edges on every blocking boundary: tiles of 4 × 8, panels of 256 (depth), 96 (rows), 512 (columns).
    static let shapes = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 3, n: 5, k: 7), Shape(m: 4, n: 8, k: 16), Shape(m: 5, n: 9, k: 17),
        Shape(m: 64, n: 300, k: 384), Shape(m: 97, n: 513, k: 257), Shape(m: 13, n: 1030, k: 3),
        Shape(m: 7, n: 40, k: 600),
    ]

    private func exact(_ s: Shape, _ a: [Float], _ b: [Float], transposed: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: s.m * s.n)
        for i in 0..<s.m {
            for j in 0..<s.n {
                var sum = 0.0
                for p in 0..<s.k {
                    sum += Double(a[i * s.k + p]) * Double(transposed ? b[j * s.k + p] : b[p * s.n + j])
                }
                c[i * s.n + j] = sum
            }
        }
        return c
    }

    private func run(
        _ s: Shape,
        _ a: [Float],
        _ b: [Float],
        layout: RightOperandLayout,
        threads: Int,
        initial: [Float]? = nil,
        tile: MatrixProduct.Tile = MatrixProduct.preferredTile
    ) -> [Float] {
        var c = initial ?? [Float](repeating: .nan, count: s.m * s.n)
        let ldb = layout == .transposed ? s.k : s.n
        unsafe a.withUnsafeBufferPointer { pa in
            unsafe b.withUnsafeBufferPointer { pb in
                unsafe c.withUnsafeMutableBufferPointer { pc in
                    unsafe MatrixProduct.multiply(
                        m: s.m,
                        n: s.n,
                        k: s.k,
                        a: pa.baseAddress!,
                        lda: s.k,
                        b: pb.baseAddress!,
                        ldb: ldb,
                        layout: layout,
                        c: pc.baseAddress!,
                        ldc: s.n,
                        accumulate: initial != nil,
                        threads: threads,
                        tile: tile
                    )
                }
            }
        }
        return c
    }

    @Test("A·Bᵀ and A·B match Float64 within 1e-5 of the term magnitude", arguments: shapes)
    func matchesExact(shape s: Shape) {
        var rng = SeededGenerator(seed: UInt64(s.m * 1000 + s.n * 10 + s.k))
        let a = rng.floats(s.m * s.k)
        let b = rng.floats(s.n * s.k)
        // |a|,|b| < 1, so |Σ a·b| <= k: tolerance relative to sqrt(k) (typical magnitude of the sum of terms).
        let tolerance = 1e-5 * max(1, Double(s.k).squareRoot())
        for layout in [RightOperandLayout.transposed, .normal] {
            let expected = exact(s, a, b, transposed: layout == .transposed)
            for threads in [1, 2] {
                let c = run(s, a, b, layout: layout, threads: threads)
                let worst = zip(c, expected).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= tolerance, "layout \(layout), threads \(threads): max error \(worst)")
            }
        }
    }

    @Test("both micro-kernel tiles match Float64 and each other bit for bit", arguments: shapes)
    func tilesAgree(shape s: Shape) {
        var rng = SeededGenerator(seed: UInt64(s.m * 7 + s.n * 3 + s.k))
        let a = rng.floats(s.m * s.k)
        let b = rng.floats(s.n * s.k)
        let tolerance = 1e-5 * max(1, Double(s.k).squareRoot())
        for layout in [RightOperandLayout.transposed, .normal] {
            let expected = exact(s, a, b, transposed: layout == .transposed)
            let narrow = run(s, a, b, layout: layout, threads: 1, tile: .narrow)
            let wide = run(s, a, b, layout: layout, threads: 2, tile: .wide)
            #expect(narrow == wide, "layout \(layout): the tiles disagree")
            let worst = zip(wide, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= tolerance, "layout \(layout): max error \(worst)")
        }
    }

    @Test("results are bit-identical across thread counts and equal the scalar twin's order of summation")
    func deterministic() {
        let s = Shape(m: 33, n: 2000, k: 300)
        var rng = SeededGenerator(seed: 9)
        let a = rng.floats(s.m * s.k)
        let b = rng.floats(s.n * s.k)
        let one = run(s, a, b, layout: .transposed, threads: 1)
        let two = run(s, a, b, layout: .transposed, threads: 2)
        #expect(one == two)
        let reference = MatrixProduct._multiplyReference(
            m: s.m,
            n: s.n,
            k: s.k,
            a: ContiguousArray(a).span,
            lda: s.k,
            b: ContiguousArray(b).span,
            ldb: s.k,
            layout: .transposed
        )
        // The micro-kernel sums each element sequentially along k, like the twin, but in panels of 256.
        let worst = zip(one, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4)
    }

    @Test("accumulate adds to C; k == 0 writes zeros or leaves C alone")
    func accumulateAndEmpty() {
        let s = Shape(m: 5, n: 11, k: 9)
        var rng = SeededGenerator(seed: 4)
        let a = rng.floats(s.m * s.k)
        let b = rng.floats(s.n * s.k)
        let plain = run(s, a, b, layout: .transposed, threads: 1)
        let added = run(s, a, b, layout: .transposed, threads: 1, initial: [Float](repeating: 1, count: s.m * s.n))
        for i in plain.indices { expectApproximatelyEqual(added[i], plain[i] + 1, relativeTolerance: 1e-6, scale: 1) }
        let empty = Shape(m: 2, n: 3, k: 0)
        #expect(run(empty, [], [], layout: .transposed, threads: 1) == [0, 0, 0, 0, 0, 0])
        #expect(run(empty, [], [], layout: .normal, threads: 1, initial: [1, 2, 3, 4, 5, 6]) == [1, 2, 3, 4, 5, 6])
    }

    private func runPacked(
        _ s: Shape,
        _ a: [Float],
        _ packed: PackedMatrix,
        threads: Int,
        initial: [Float]? = nil
    ) -> [Float] {
        var c = initial ?? [Float](repeating: .nan, count: s.m * s.n)
        unsafe a.withUnsafeBufferPointer { pa in
            unsafe c.withUnsafeMutableBufferPointer { pc in
                unsafe MatrixProduct.multiply(
                    m: s.m,
                    a: pa.baseAddress!,
                    lda: s.k,
                    b: packed,
                    c: pc.baseAddress!,
                    ldc: s.n,
                    accumulate: initial != nil,
                    threads: threads
                )
            }
        }
        return c
    }

    /// Our kernels give the packed product bit for bit; Accelerate sums in its own order, so there the two
    /// products only agree to rounding.
    private func expectSameProduct(_ x: [Float], _ y: [Float], k: Int, _ comment: Comment) {
        #if canImport(Accelerate)
        let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        #expect(Double(worst) <= 2e-5 * max(1, Double(k).squareRoot()), comment)
        #else
        #expect(x == y, comment)
        #endif
    }

    @Test("a right operand packed ahead of time gives the unpacked product bit for bit", arguments: shapes)
    func packedOperandAgrees(shape s: Shape) {
        var rng = SeededGenerator(seed: UInt64(s.m * 13 + s.n * 5 + s.k))
        let a = rng.floats(s.m * s.k)
        let b = rng.floats(s.n * s.k)
        for tile in MatrixProduct.supportedTiles {
            for layout in [RightOperandLayout.transposed, .normal] {
                let packed = PackedMatrix(b, columns: s.n, depth: s.k, layout: layout, tile: tile)
                let expected = run(s, a, b, layout: layout, threads: 1, tile: tile)
                for threads in [1, 2] {
                    expectSameProduct(runPacked(s, a, packed, threads: threads), expected, k: s.k, "\(tile) \(layout)")
                }
                let ones = [Float](repeating: 1, count: s.m * s.n)
                let added = run(s, a, b, layout: layout, threads: 1, initial: ones, tile: tile)
                expectSameProduct(runPacked(s, a, packed, threads: 2, initial: ones), added, k: s.k, "accumulate")
            }
            // Unpacking gives back the PyTorch layout exactly, from either source layout.
            let transposedB = (0..<(s.n * s.k)).map { b[($0 % s.k) * s.n + $0 / s.k] }
            let fromRows = PackedMatrix(b, columns: s.n, depth: s.k, layout: .transposed, tile: tile)
            let fromColumns = PackedMatrix(b, columns: s.n, depth: s.k, layout: .normal, tile: tile)
            #expect(fromRows.unpacked() == ContiguousArray(b))
            #expect(fromColumns.unpacked() == ContiguousArray(transposedB))
        }
    }

    @Test("a half-precision packed operand gives the product of the rounded values bit for bit", arguments: shapes)
    func halfPrecisionOperandAgrees(shape s: Shape) {
        var rng = SeededGenerator(seed: UInt64(s.m * 7 + s.n * 3 + s.k))
        let a = rng.floats(s.m * s.k)
        // Values spread over many binades, so that the rounding to half precision matters.
        let b = rng.floats(s.n * s.k).enumerated().map { $0.element * Float(1 << ($0.offset % 9)) / 16 }
        let rounded = b.map { HalfBits.widen(HalfBits.narrow($0)) }
        #expect(zip(rounded, b).allSatisfy { Float(Float16($1)) == $0 }, "rounds as Float16 does")
        for tile in MatrixProduct.supportedTiles {
            for layout in [RightOperandLayout.transposed, .normal] {
                let half = PackedMatrix(b, columns: s.n, depth: s.k, layout: layout, tile: tile, precision: .float16)
                let full = PackedMatrix(rounded, columns: s.n, depth: s.k, layout: layout, tile: tile)
                #expect(half.byteCount * 2 == full.byteCount)
                #expect(half.unpacked() == full.unpacked())
                let expected = runPacked(s, a, full, threads: 1)
                for threads in [1, 2] {
                    expectSameProduct(runPacked(s, a, half, threads: threads), expected, k: s.k, "\(tile) \(layout)")
                }
                let ones = [Float](repeating: 1, count: s.m * s.n)
                expectSameProduct(
                    runPacked(s, a, half, threads: 2, initial: ones),
                    runPacked(s, a, full, threads: 1, initial: ones),
                    k: s.k,
                    "accumulate"
                )
            }
        }
    }

    @Test("a row's result does not depend on its place in a tile, on the batch around it or on the threads")
    func rowsAreIndependent() {
        // Models promise that a sentence embedded alone equals its row in a batch, bit for bit; that holds only if
        // every row of every tile (full or edge) rounds the same way, for every tile this machine runs.
        var random = SplitMix64(seed: 7)
        for (m, n, k) in [(13, 50, 300), (7, 96, 64), (20, 1536, 384), (9, 384, 1536)] {
            let a = (0..<(m * k)).map { _ in Float(Int(random.next() % 2001) - 1000) / 997 }
            let b = (0..<(n * k)).map { _ in Float(Int(random.next() % 2001) - 1000) / 991 }
            for tile in MatrixProduct.supportedTiles {
                let packed = PackedMatrix(b, columns: n, depth: k, layout: .transposed, tile: tile)
                func product(rows: Range<Int>, threads: Int) -> [Float] {
                    var c = [Float](repeating: 0.5, count: rows.count * n)
                    let slice = Array(a[(rows.lowerBound * k)..<(rows.upperBound * k)])
                    unsafe slice.withUnsafeBufferPointer { a in
                        unsafe c.withUnsafeMutableBufferPointer { c in
                            unsafe MatrixProduct.multiply(
                                m: rows.count,
                                a: a.baseAddress!,
                                lda: k,
                                b: packed,
                                c: c.baseAddress!,
                                ldc: n,
                                accumulate: true,
                                threads: threads
                            )
                        }
                    }
                    return c
                }
                let whole = product(rows: 0..<m, threads: 1)
                #expect(product(rows: 0..<m, threads: 2) == whole, "\(tile) \(m)×\(n)×\(k), two threads")
                for row in 0..<m {
                    #expect(
                        product(rows: row..<(row + 1), threads: 1) == Array(whole[(row * n)..<((row + 1) * n)]),
                        "\(tile) \(m)×\(n)×\(k), row \(row) alone"
                    )
                }
            }
        }
    }
}
