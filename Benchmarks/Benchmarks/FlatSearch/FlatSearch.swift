// SPDX-License-Identifier: Apache-2.0

import Benchmark
import VectorIndex

private func randomMatrix(_ rows: Int, _ d: Int, seed: UInt64) -> VectorMatrix {
    var state = seed
    var values = ContiguousArray<Float>()
    values.reserveCapacity(rows * d)
    for _ in 0..<rows * d {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        values.append(Float(Int64((z ^ (z >> 31)) >> 40) - (1 << 23)) / Float(1 << 23))
    }
    guard let matrix = try? VectorMatrix(values: values, dimension: d) else { fatalError("bad shape") }
    return matrix
}

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
