// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing
import VectorIndex

/// The `package` bridge between `EmbeddingMatrix` and `VectorMatrix` shares the buffer and every bit.
@Suite struct MatrixBridgeTests {
    private func address(_ values: ContiguousArray<Float>) -> UInt {
        unsafe values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    @Test("an embedder's output becomes an index matrix without a copy, bit for bit, and back")
    func zeroCopy() throws {
        var values = ContiguousArray<Float>()
        for i in 0..<3 * 384 { values.append(Float((i &* 7_919) % 613) / 300 - 1) }
        let embeddings = try EmbeddingMatrix(values: values, dimension: 384).normalized()
        let vectors = VectorMatrix(storage: embeddings.storage)
        #expect(address(vectors.values) == address(embeddings.values))
        #expect(vectors.values.map(\.bitPattern) == embeddings.values.map(\.bitPattern))
        #expect(vectors.count == 3 && vectors.dimension == 384)
        // The index's normaliser leaves the embedder's unit rows as they are: same buffer, same bits.
        let again = vectors.normalized()
        #expect(address(again.values) == address(embeddings.values))
        let back = EmbeddingMatrix(storage: again.storage)
        #expect(back == embeddings)
    }
}
