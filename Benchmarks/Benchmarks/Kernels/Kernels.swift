// SPDX-License-Identifier: Apache-2.0

import Benchmark
import BenchmarkSupport
import VectorIndex

let benchmarks: @Sendable () -> Void = {
    #if DEBUG
    fatalError("build with -c release")
    #endif
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    for d in [128, 384, 512, 768, 1536] {
        for (metric, name) in [(Metric.innerProduct, "dot"), (.squaredL2, "l2"), (.cosine, "cosine")] {
            for rows in [1000, 100_000] {
                let matrix = randomMatrix(rows, d, seed: UInt64(d))
                let query = ContiguousArray(randomMatrix(1, d, seed: 7).values)
                Benchmark("\(name).f32.d\(d).1x\(rows)", configuration: .init(scalingFactor: .one)) { benchmark in
                    var scores = ContiguousArray<Float>(repeating: 0, count: rows)
                    for _ in benchmark.scaledIterations {
                        var out = scores.mutableSpan
                        metric.scores(query: query.span, rows: matrix, into: &out)
                        blackHole(out[0])
                    }
                    blackHole(scores)
                }
            }
        }
        let rows = randomMatrix(100_000, d, seed: UInt64(d))
        let queries = randomMatrix(64, d, seed: 3)
        Benchmark("dot.f32.d\(d).64x100000.product") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Metric.innerProduct.scores(queries: queries, rows: rows, threads: 1))
            }
        }
    }
}
