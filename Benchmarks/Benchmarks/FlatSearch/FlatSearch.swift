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
        maxDuration: .seconds(3),
        maxIterations: 1000
    )
    let d = 384
    let n = 100_000
    for metric in Metric.allCases {
        guard let index = try? FlatIndex(dimension: d, metric: metric) else { fatalError("index") }
        try? index.add(randomMatrix(n, d, seed: 11), ids: (0..<UInt64(n)).map { $0 })
        precondition(index.count == n)
        let queries = randomMatrix(64, d, seed: 12)
        let query = Array(queries[0])
        Benchmark("flat.\(metric).d\(d).n\(n).k10.single") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try? index.search(query, k: 10)) }
        }
        for threads in [1, 2] {
            Benchmark("flat.\(metric).d\(d).n\(n).k10.batch64.threads\(threads)") { benchmark in
                for _ in benchmark.scaledIterations { blackHole(try? index.search(queries, k: 10, threads: threads)) }
            }
        }
    }
}
