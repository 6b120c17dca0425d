// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing

@Suite struct SoftmaxTests {
    @Test func stableForLargeScoresAndSumsToOne() {
        let p = Softmax.of([1000, 1001, 1002])
        #expect(p.allSatisfy { $0.isFinite })
        #expect(abs(p.reduce(0, +) - 1) < 1e-6)
        #expect(abs(p[2] - 0.665_240_9) < 1e-6)
        let q = Softmax.of([-1000, 0])
        #expect(q[0] == 0 && q[1] == 1)
    }

    @Test func maskedEntriesGetZeroAndFullyMaskedRowsAreZero() {
        let p = Softmax.of([1, -.infinity, 1])
        #expect(p == [0.5, 0, 0.5])
        #expect(Softmax.of([-.infinity, -.infinity]) == [0, 0])
    }
}
