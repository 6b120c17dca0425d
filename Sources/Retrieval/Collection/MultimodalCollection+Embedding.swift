// SPDX-License-Identifier: Apache-2.0

import Embedding
import _RAGNumerics

extension MultimodalCollection {
    /// Fills each object's named vectors.
    ///
    /// A supplied vector where given, else the weighted mean of its sources' embeddings (embedded in batches per
    /// named vector). `only` restricts which named vectors are embedded.
    func embed(
        _ objects: inout [CollectionObject],
        supplied: [[String: [Float]]],
        media: [[String: EmbeddingInput]],
        only: Set<String>? = nil,
        progress: (@Sendable (BatchProgress) -> Void)?
    ) async throws(RetrievalError) {
        for (i, vectors) in supplied.enumerated() {
            for (name, vector) in vectors {
                let named = try namedVector(name)
                guard vector.count == named.space.dimension else {
                    throw RetrievalError(
                        .dimensionMismatch,
                        "object \(i): vector \"\(name)\" has \(vector.count) values; its space \(named.space) has "
                            + "\(named.space.dimension)"
                    )
                }
                objects[i].vectors[name] = named.space.normalization == .l2 ? Self.unitLength(vector) : vector
            }
        }
        let embedded = schema.vectors.filter { $0.embedder != nil && (only?.contains($0.name) ?? true) }
        let total = objects.count
        // Every source input of every object that still needs the vector: (object, weight, input).
        var jobs: [[(object: Int, weight: Double, input: EmbeddingInput)]] = []
        for vector in embedded {
            var list: [(object: Int, weight: Double, input: EmbeddingInput)] = []
            for i in objects.indices where objects[i].vectors[vector.name] == nil {
                for source in vector.sources {
                    if let input = media[i][source.property] {
                        list.append((i, source.weight, input))
                    } else if case .text(let text)? = objects[i].properties[source.property] {
                        list.append((i, source.weight, .text(text)))
                    }
                }
            }
            jobs.append(list)
        }
        let steps = max(1, jobs.map(\.count).reduce(0, +))
        var done = 0
        for (vector, list) in zip(embedded, jobs) where !list.isEmpty {
            let embedder = vector.embedder!
            for (i, input) in list.enumerated() where !embedder.modalities.contains(input.input.modality) {
                throw RetrievalError(
                    .unsupportedModality,
                    "object \(list[i].object): named vector \"\(vector.name)\" cannot embed \(input.input.modality); "
                        + "its embedder accepts " + embedder.modalities.map(\.rawValue).sorted().joined(separator: ", ")
                )
            }
            var sums: [Int: [Double]] = [:]
            var weights: [Int: Double] = [:]
            var start = 0
            while start < list.count {
                let chunk = Array(list[start..<min(list.count, start + Self.embeddingBatchSize)])
                let matrix = try await embedNaming(chunk.map(\.input), objects: chunk.map(\.object), with: embedder)
                for (row, job) in chunk.enumerated() {
                    var sum = sums[job.object] ?? [Double](repeating: 0, count: matrix.dimension)
                    let values = matrix[row]
                    let scale = job.weight / max(Self.norm(values), .leastNonzeroMagnitude)
                    for (j, value) in values.enumerated() { sum[j] += Double(value) * scale }
                    sums[job.object] = sum
                    weights[job.object, default: 0] += job.weight
                }
                start += chunk.count
                done += chunk.count
                progress?(BatchProgress(completed: min(total, done * total / steps), total: total))
            }
            for (object, sum) in sums {
                let mean = sum.map { Float($0 / weights[object]!) }
                objects[object].vectors[vector.name] =
                    vector.space.normalization == .l2 || vector.sources.count > 1 ? Self.unitLength(mean) : mean
            }
        }
        progress?(BatchProgress(completed: total, total: total))
    }

    /// Embeds `inputs`; when the batch fails, finds and names the object whose input fails.
    private func embedNaming(
        _ inputs: [EmbeddingInput],
        objects: [Int],
        with embedder: any Embedder
    ) async throws(RetrievalError) -> EmbeddingMatrix {
        do {
            let matrix = try await embedder.embed(inputs)
            guard matrix.count == inputs.count, matrix.dimension == embedder.space.dimension else {
                throw RetrievalError(
                    .embeddingFailed,
                    "the embedder returned \(matrix.count)×\(matrix.dimension) for \(inputs.count) inputs of "
                        + "dimension \(embedder.space.dimension)"
                )
            }
            return matrix
        } catch let error as RetrievalError {
            throw error
        } catch {
            for (input, object) in zip(inputs, objects) {
                do { _ = try await embedder.embed([input]) } catch {
                    throw RetrievalError(
                        .embeddingFailed,
                        "object \(object): \(input.modality) could not be embedded",
                        underlying: error
                    )
                }
            }
            throw RetrievalError(.embeddingFailed, "the embedder failed on a batch", underlying: error)
        }
    }

    /// The Euclidean norm, summed in `Double` in four interleaved partial sums (one running sum would be a single
    /// long chain of dependent additions).
    static func norm(_ values: some Swift.Collection<Float>) -> Double {
        var sums = (0.0, 0.0, 0.0, 0.0)
        var iterator = values.makeIterator()
        while let x = iterator.next() {
            sums.0 += Double(x) * Double(x)
            guard let y = iterator.next() else { break }
            sums.1 += Double(y) * Double(y)
            guard let z = iterator.next() else { break }
            sums.2 += Double(z) * Double(z)
            guard let w = iterator.next() else { break }
            sums.3 += Double(w) * Double(w)
        }
        return ((sums.0 + sums.2) + (sums.1 + sums.3)).squareRoot()
    }

    /// `vector` scaled to unit length by the library's one row normaliser (`RowMajorMatrix`): a vector already of
    /// unit length (as most supplied and embedded ones are) is returned as it is, and a zero vector stays zero.
    static func unitLength(_ vector: [Float]) -> [Float] {
        guard !vector.isEmpty else { return vector }
        var row = RowMajorMatrix(unchecked: ContiguousArray(vector), dimension: vector.count)
        let squaredNorms = row.squaredNorms()
        if RowMajorMatrix.isUnitLength(squaredNorm: squaredNorms[0], dimension: vector.count) { return vector }
        row.normalize(squaredNorms: squaredNorms)
        return Array(row.values)
    }
}
