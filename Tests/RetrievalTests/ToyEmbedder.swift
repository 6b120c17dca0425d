// SPDX-License-Identifier: Apache-2.0

import Embedding
import MediaDecoding
import _RAGInternals

/// A deterministic embedder whose vectors a test can predict.
///
/// Text: the count of each byte value modulo `dimension`, so "aaa" and "a" point the same way. Images: the
/// mean of each channel in the first three components, 1 in the rest. It fails on any text containing "FAIL",
/// to test all-or-nothing batches.
struct ToyEmbedder: Embedder {
    let dimension: Int
    let modalities: Set<Modality>
    let normalization: EmbeddingSpace.Normalization
    let calls = CallCounter()

    init(
        dimension: Int = 8,
        modalities: Set<Modality> = [.text, .image],
        normalization: EmbeddingSpace.Normalization = .l2
    ) {
        self.dimension = dimension
        self.modalities = modalities
        self.normalization = normalization
    }

    var space: EmbeddingSpace {
        EmbeddingSpace(modelID: "toy", revision: "1", dimension: dimension, normalization: normalization)
    }

    struct Refused: Error {}

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        calls.add(inputs.count)
        var values = ContiguousArray<Float>()
        for input in inputs {
            var row = Self.raw(input, dimension: dimension)
            if case .text(let text) = input, text.contains("FAIL") { throw Refused() }
            if normalization == .l2 {
                let n = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if n > 0 { row = row.map { $0 / n } }
            }
            values.append(contentsOf: row)
        }
        return try EmbeddingMatrix(values: values, dimension: dimension)
    }

    static func raw(_ input: EmbeddingInput, dimension: Int) -> [Float] {
        var row = [Float](repeating: 0, count: dimension)
        switch input {
        case .text(let text):
            for byte in text.utf8 { row[Int(byte) % dimension] += 1 }
        case .image(let image):
            let samples = image.uint8Samples ?? []
            let channels = max(1, image.format.channelCount)
            for (i, sample) in samples.enumerated() where i % channels < 3 { row[i % channels] += Float(sample) }
            for j in 3..<dimension { row[j] = Float(samples.count / channels) * 255 }
        default:
            row[0] = 1
        }
        return row
    }
}

/// Counts embedded inputs across tasks.
final class CallCounter: Sendable {
    private let count = Locked(0)
    func add(_ n: Int) { count.withLock { $0 += n } }
    var value: Int { count.withLock { $0 } }
}
