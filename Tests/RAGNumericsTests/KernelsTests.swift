// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

/// Float64 ground truth for the kernels.
private enum Exact {
    static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    static func squaredL2(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
    }
    static func norm(_ a: ArraySlice<Float>) -> Double { dot(a, a).squareRoot() }
}

@Suite struct KernelsTests {
    static let dimensions = [1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 127, 128, 129, 384, 512, 768, 1023, 1536]
    /// Offsets (in floats) that move the vectors off 16-, 32- and 64-byte alignment.
    static let offsets = [0, 1, 3]

    @Test("dot, squaredL2 and norm match Float64 within 1e-5", arguments: dimensions, offsets)
    func pairKernels(dimension: Int, offset: Int) {
        var rng = SeededGenerator(seed: UInt64(dimension * 10 + offset))
        let storage = ContiguousArray(rng.floats(2 * dimension + 2 * offset + 1))
        let a = Array(storage)[offset..<offset + dimension]
        let b = Array(storage)[(dimension + 2 * offset)..<(2 * dimension + 2 * offset)]
        let spanA = storage.span.extracting(offset..<offset + dimension)
        let spanB = storage.span.extracting((dimension + 2 * offset)..<(2 * dimension + 2 * offset))
        // The dot product can cancel; measure its error against the magnitude of the summed terms.
        let scale = Exact.norm(a) * Exact.norm(b)
        expectApproximatelyEqual(Kernels.dot(spanA, spanB), Exact.dot(a, b), relativeTolerance: 1e-5, scale: scale)
        expectApproximatelyEqual(
            Kernels._dotReference(spanA, spanB),
            Exact.dot(a, b),
            relativeTolerance: 1e-5,
            scale: scale
        )
        expectApproximatelyEqual(Kernels.squaredL2(spanA, spanB), Exact.squaredL2(a, b), relativeTolerance: 1e-5)
        expectApproximatelyEqual(
            Kernels._squaredL2Reference(spanA, spanB),
            Exact.squaredL2(a, b),
            relativeTolerance: 1e-5
        )
        expectApproximatelyEqual(Kernels.squaredNorm(spanA), Exact.dot(a, a), relativeTolerance: 1e-5)
        expectApproximatelyEqual(Kernels.norm(spanA), Exact.norm(a), relativeTolerance: 1e-5)
    }

    @Test("known values: dot of 1…n with itself is n(n+1)(2n+1)/6")
    func knownValues() {
        let v = ContiguousArray((1...100).map(Float.init))
        #expect(Kernels.dot(v.span, v.span) == 338_350)
        #expect(Kernels.squaredL2(v.span, v.span) == 0)
        let zeros = ContiguousArray<Float>(repeating: 0, count: 100)
        #expect(Kernels.squaredL2(v.span, zeros.span) == 338_350)
    }

    @Test("one query against many rows matches Float64 and the scalar twin", arguments: dimensions, [0, 1])
    func manyRows(dimension: Int, offset: Int) {
        let rowCount = 37
        var rng = SeededGenerator(seed: UInt64(dimension &* 31 &+ offset))
        let storage = ContiguousArray(rng.floats(offset + dimension * (rowCount + 1)))
        let values = Array(storage)
        let query = storage.span.extracting(offset..<offset + dimension)
        let rows = storage.span.extracting(offset + dimension..<storage.count)
        var dots = ContiguousArray<Float>(repeating: .nan, count: rowCount)
        var l2s = dots
        var cosines = dots
        do {
            var out = dots.mutableSpan
            Kernels.dots(query: query, rows: rows, dimension: dimension, into: &out)
        }
        do {
            var out = l2s.mutableSpan
            Kernels.squaredL2s(query: query, rows: rows, dimension: dimension, into: &out)
        }
        do {
            var out = cosines.mutableSpan
            Kernels.cosines(query: query, rows: rows, dimension: dimension, into: &out)
        }
        let q = values[offset..<offset + dimension]
        for i in 0..<rowCount {
            let start = offset + dimension * (i + 1)
            let r = values[start..<start + dimension]
            let scale = Exact.norm(q) * Exact.norm(r)
            expectApproximatelyEqual(dots[i], Exact.dot(q, r), relativeTolerance: 1e-5, scale: scale)
            expectApproximatelyEqual(l2s[i], Exact.squaredL2(q, r), relativeTolerance: 1e-5)
            expectApproximatelyEqual(cosines[i], Exact.dot(q, r) / scale, relativeTolerance: 1e-5, scale: 1)
        }
        expectApproximatelyEqual(
            Kernels._dotsReference(query: query, rows: rows, dimension: dimension),
            Array(dots),
            relativeTolerance: 1e-5,
            absoluteTolerance: 1e-5 * Double(dimension).squareRoot()
        )
        expectApproximatelyEqual(
            Kernels._squaredL2sReference(query: query, rows: rows, dimension: dimension),
            Array(l2s),
            relativeTolerance: 1e-5
        )
        expectApproximatelyEqual(
            Kernels._cosinesReference(query: query, rows: rows, dimension: dimension),
            Array(cosines),
            relativeTolerance: 1e-5,
            absoluteTolerance: 1e-5
        )
    }

    @Test("squared distances from inner products match Float64 distances, clamped at 0", arguments: [1, 7, 16, 385])
    func distancesFromProducts(dimension: Int) {
        var rng = SeededGenerator(seed: UInt64(dimension))
        let queries = (0..<3).map { _ in rng.floats(dimension) }
        var rows = (0..<5).map { _ in rng.floats(dimension) }
        rows[2] = queries[1]  // an exact match: the distance must come out as 0, not a tiny negative number
        var products = ContiguousArray(queries.flatMap { q in rows.map { r in Float(Exact.dot(q[...], r[...])) } })
        let queryNorms = ContiguousArray(queries.map { Float(Exact.dot($0[...], $0[...])) })
        let rowNorms = ContiguousArray(rows.map { Float(Exact.dot($0[...], $0[...])) })
        var span = products.mutableSpan
        Kernels.squaredL2sFromProducts(&span, querySquaredNorms: queryNorms.span, rowSquaredNorms: rowNorms.span)
        for (i, q) in queries.enumerated() {
            for (j, r) in rows.enumerated() {
                let scale = Double(queryNorms[i] + rowNorms[j])
                expectApproximatelyEqual(
                    products[i * rows.count + j],
                    Exact.squaredL2(q[...], r[...]),
                    relativeTolerance: 1e-5,
                    scale: scale
                )
                #expect(products[i * rows.count + j] >= 0)
            }
        }
    }

    @Test("cosine of a zero vector is 0, not NaN")
    func zeroCosine() {
        let query = ContiguousArray<Float>([1, 2, 3])
        let rows = ContiguousArray<Float>([0, 0, 0, 2, 4, 6])
        var out = ContiguousArray<Float>(repeating: .nan, count: 2)
        var span = out.mutableSpan
        Kernels.cosines(query: query.span, rows: rows.span, dimension: 3, into: &span)
        #expect(out[0] == 0)
        expectApproximatelyEqual(out[1], 1.0, relativeTolerance: 1e-6)
    }

    @Test("mismatched lengths trap (caller contract)")
    func lengthMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            let a = ContiguousArray<Float>([1, 2, 3])
            let b = ContiguousArray<Float>([1, 2])
            _ = Kernels.dot(a.span, b.span)
        }
    }
}
