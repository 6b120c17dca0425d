// SPDX-License-Identifier: Apache-2.0

/// An ``Embedder`` that answers from an ``EmbeddingCache`` and asks the wrapped embedder only for the misses.
///
/// The inputs of a batch are keyed by ``EmbeddingCacheKey`` (the wrapped embedder's space plus a SHA-256 of the
/// content). Misses, with duplicates inside the batch embedded once, go to the wrapped embedder in a single call
/// in their original order; their vectors are stored before the combined result is returned. Caches can be shared
/// by several embedders: the space is part of every key, so their vectors never mix. Two concurrent calls that
/// miss on the same input both compute it (no call waits on another); the stored vector is the same.
///
/// ```swift
/// let cached = CachingEmbedder(try await CLIPEmbedder(directory: folder), cache: EmbeddingCache())
/// _ = try await cached.embed([.text("a cat"), .image(photo)])   // one model run
/// _ = try await cached.embed([.image(photo)])                    // none
/// ```
public struct CachingEmbedder: Embedder {
    /// The embedder that computes misses.
    public let base: any Embedder
    /// Where vectors are remembered.
    public let cache: EmbeddingCache

    /// Wraps an embedder.
    /// - Parameters:
    ///   - base: The embedder that computes misses.
    ///   - cache: The cache to read and fill.
    public init(_ base: any Embedder, cache: EmbeddingCache) {
        self.base = base
        self.cache = cache
    }

    /// The wrapped embedder's space.
    public var space: EmbeddingSpace { base.space }

    /// The wrapped embedder's modalities.
    public var modalities: Set<Modality> { base.modalities }

    /// Embeds a batch, computing only what the cache does not hold.
    /// - Parameter inputs: Items of the wrapped embedder's modalities.
    /// - Returns: One row per input, in order, equal to what the wrapped embedder returned when it computed them.
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` before any work; what the wrapped embedder throws;
    ///   ``EmbeddingError/Code/invalidInput`` when it returns the wrong number of rows or the wrong dimension, or
    ///   when a frame of a video keyed by its frames cannot be decoded (see ``EmbeddingCacheKey``).
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        let space = base.space
        let d = space.dimension
        var values = ContiguousArray<Float>(repeating: 0, count: inputs.count * d)
        var missInputs: [EmbeddingInput] = []
        var missKeys: [EmbeddingCacheKey] = []
        var missRows: [EmbeddingCacheKey: [Int]] = [:]
        for (row, input) in inputs.enumerated() {
            let key = try EmbeddingCacheKey(space: space, input: input)
            if let vector = cache.vector(for: key, dimension: d) {
                values.replaceSubrange(row * d..<(row + 1) * d, with: vector)
            } else if missRows[key] != nil {
                missRows[key]!.append(row)
            } else {
                missRows[key] = [row]
                missKeys.append(key)
                missInputs.append(input)
            }
        }
        if !missInputs.isEmpty {
            let computed = try await base.embed(missInputs)
            guard computed.count == missInputs.count, computed.dimension == d else {
                throw EmbeddingError(
                    .invalidInput,
                    "\(space.modelID) returned \(computed.count) rows of \(computed.dimension) for "
                        + "\(missInputs.count) inputs of dimension \(d)"
                )
            }
            for (m, key) in missKeys.enumerated() {
                let vector = Array(computed[m])
                cache.store(vector, for: key)
                for row in missRows[key]! { values.replaceSubrange(row * d..<(row + 1) * d, with: vector) }
            }
        }
        return try EmbeddingMatrix(values: values, dimension: d)
    }
}
