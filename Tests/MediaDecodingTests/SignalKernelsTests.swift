// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct SignalKernelsTests {
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 459, 768])
    func dotMatchesReference(_ length: Int) {
        var generator = SeededGenerator(seed: UInt64(length))
        // Offset 3 makes the slices misaligned.
        let a = ContiguousArray((0..<(length + 3)).map { _ in Float.random(in: -1...1, using: &generator) })
        let b = ContiguousArray((0..<(length + 3)).map { _ in Float.random(in: -1...1, using: &generator) })
        let fast = SignalKernels.dot(a.span.extracting(3..<(length + 3)), b.span.extracting(3..<(length + 3)))
        let reference = SignalKernels.dotReference(
            a.span.extracting(3..<(length + 3)),
            b.span.extracting(3..<(length + 3))
        )
        let scale = Double(max(length, 1)).squareRoot()
        expectApproximatelyEqual(fast, reference, relativeTolerance: 1e-5, scale: scale)
    }
}
