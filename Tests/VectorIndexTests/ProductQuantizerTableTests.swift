// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

@testable import VectorIndex

/// The batched product-quantiser query tables at every instruction level this machine runs, against the table
/// computed in double precision from the centroids as trained (not transposed): every shape edge (one centroid
/// vector or fewer per row, a sub-dimension of 1, query counts around the 4- and 8-query passes), queries that
/// start off a vector boundary, and nothing written past the last table.
@Suite struct ProductQuantizerTableTests {
    @Test("batched tables match a double-precision reference", arguments: InstructionLevel.supported)
    func batchedTables(level: InstructionLevel) {
        var random = SeededGenerator(seed: 11)
        for (m, dsub, bits) in [(1, 1, 1), (3, 2, 4), (2, 3, 5), (5, 1, 8), (4, 8, 6), (48, 8, 8), (7, 3, 3)] {
            let d = m * dsub
            let ksub = 1 << bits
            let centroids = ContiguousArray(random.floats(d * ksub))
            let pq = ProductQuantizer(dimension: d, subquantizerCount: m, bitsPerCode: bits, centroids: centroids)
            for count in [1, 2, 3, 4, 5, 7, 8, 9, 17] {
                // One extra float in front: the queries start off any vector boundary.
                let buffer = ContiguousArray(random.floats(count * d + 1))
                let queries = buffer.span.extracting(1...)
                let tableSize = m * ksub
                var tables = ContiguousArray<Float>(repeating: .nan, count: count * tableSize + 3)
                var out = tables.mutableSpan
                pq.innerProductTables(queries, count: count, scale: -2, into: &out, level: level)
                for i in 0..<count {
                    for sub in 0..<m {
                        for c in 0..<ksub {
                            var sum = 0.0
                            var magnitude = 0.0
                            for j in 0..<dsub {
                                let x = Double(buffer[1 + i * d + sub * dsub + j])
                                let y = Double(centroids[(sub * ksub + c) * dsub + j])
                                sum += x * y
                                magnitude += abs(x * y)
                            }
                            let got = tables[i * tableSize + sub * ksub + c]
                            #expect(
                                abs(Double(got) + 2 * sum) <= 1e-5 * magnitude + 1e-7,
                                "\(level) M \(m) dsub \(dsub) ksub \(ksub) count \(count): query \(i) [\(sub), \(c)]"
                            )
                        }
                    }
                }
                let untouched = tables[(count * tableSize)...].allSatisfy { $0.isNaN }
                #expect(untouched, "wrote past the last table")
            }
        }
    }

    @Test("every sub-quantizer trains from the same initial training vectors: equal sub-spaces give equal codebooks")
    func subquantizersShareInitialPoints() {
        // Every training vector repeats one 4-float piece M times, so with the same initial points (and the same
        // split choices) every sub-quantizer's k-means runs the same steps on the same data.
        var random = SeededGenerator(seed: 14)
        let (m, dsub, count) = (6, 4, 600)
        let pieces = random.floats(count * dsub)
        var vectors = ContiguousArray<Float>()
        for i in 0..<count {
            for _ in 0..<m { vectors.append(contentsOf: pieces[i * dsub..<(i + 1) * dsub]) }
        }
        let (pq, _) = ProductQuantizer.train(
            vectors.span,
            count: count,
            dimension: m * dsub,
            subquantizerCount: m,
            bitsPerCode: 5,
            iterations: 8,
            seed: 99,
            threads: 2
        )
        let size = 32 * dsub
        let first = Array(pq.centroids[0..<size])
        for sub in 1..<m {
            #expect(Array(pq.centroids[sub * size..<(sub + 1) * size]) == first, "sub-quantizer \(sub)")
        }
    }

    @Test("encoding on the kept transposed codebooks gives the codes of assigning against the codebooks as trained")
    func encodeMatchesAssignment() {
        var random = SeededGenerator(seed: 13)
        for (m, dsub, bits) in [(48, 8, 8), (24, 16, 8), (4, 8, 4), (2, 3, 5), (3, 33, 4)] {
            let d = m * dsub
            let ksub = 1 << bits
            let centroids = ContiguousArray(random.floats(d * ksub))
            let pq = ProductQuantizer(dimension: d, subquantizerCount: m, bitsPerCode: bits, centroids: centroids)
            for count in [1, 2, 5, 1_100] {
                let vectors = ContiguousArray(random.floats(count * d))
                var codes = ContiguousArray<UInt8>(repeating: 0, count: count * m)
                var out = codes.mutableSpan
                pq.encode(vectors.span, count: count, into: &out, threads: 2)
                var labels = ContiguousArray<Int32>(repeating: -1, count: count)
                for sub in 0..<m {
                    var l = labels.mutableSpan
                    KMeans.assign(
                        vectors.span.extracting((sub * dsub)...),
                        count: count,
                        stride: d,
                        dimension: dsub,
                        centroids: centroids.span.extracting(sub * ksub * dsub..<(sub + 1) * ksub * dsub),
                        centroidCount: ksub,
                        innerProduct: false,
                        threads: 1,
                        labels: &l
                    )
                    let mismatch = (0..<count).first { Int(codes[$0 * m + sub]) != Int(labels[$0]) }
                    #expect(mismatch == nil, "M \(m) dsub \(dsub) ksub \(ksub) count \(count): sub-quantizer \(sub)")
                }
            }
        }
    }

    @Test("the four-point assignment kernel gives the one-point kernel's labels, ties to the lowest index")
    func fourPointAssignment() {
        guard InstructionLevel.supported.contains(.avx512) else { return }
        var random = SeededGenerator(seed: 12)
        for (d, k) in [(1, 8), (3, 20), (8, 256), (8, 64), (2, 100), (16, 17)] {
            // Every third centroid repeats the one before it: equal values, where the lower index must win.
            var centroids = random.floats(k * d)
            for c in Swift.stride(from: 2, to: k, by: 3) {
                for j in 0..<d { centroids[c * d + j] = centroids[(c - 1) * d + j] }
            }
            for count in [1, 2, 3, 4, 5, 7, 9, 1030] {
                let stride = d + 1
                let points = random.floats(count * stride)
                func labels(_ level: InstructionLevel) -> [Int32] {
                    var out = [Int32](repeating: -1, count: count)
                    unsafe points.withUnsafeBufferPointer { p in
                        unsafe centroids.withUnsafeBufferPointer { c in
                            unsafe out.withUnsafeMutableBufferPointer { labels in
                                unsafe KMeans.assignShort(
                                    p.baseAddress!,
                                    count: count,
                                    stride: stride,
                                    dimension: d,
                                    centroids: c.baseAddress!,
                                    centroidCount: k,
                                    threads: 1,
                                    labels: labels.baseAddress!,
                                    level: level
                                )
                            }
                        }
                    }
                    return out
                }
                // AVX-512 runs the four-point kernel, AVX2 the one-point kernel: the same fused sums per centroid.
                let four = labels(.avx512)
                let one = labels(.avx2)
                #expect(four == one, "d \(d) k \(k) count \(count)")
                // A repeated centroid is never chosen over the one it repeats.
                let repeats = four.filter { $0 >= 2 && $0 % 3 == 2 }
                #expect(repeats.isEmpty, "d \(d) k \(k) count \(count)")
            }
        }
    }
}
