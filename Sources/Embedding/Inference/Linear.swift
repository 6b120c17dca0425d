// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// A fully connected layer `y = x · Wᵀ + b` with a PyTorch-layout weight (`out × in`, row-major).
///
/// The weight is packed for the matrix-product kernel when the layer is built, and only the packed copy is
/// kept, so every call skips the repacking a plain product would do.
package struct Linear: Sendable {
    /// The weight, packed as the right operand of `x · Wᵀ`.
    let packedWeight: PackedMatrix
    /// `outFeatures` values, or `nil` for a layer without bias.
    package let bias: ContiguousArray<Float>?
    package let inFeatures: Int
    package let outFeatures: Int

    package init(
        weight: ContiguousArray<Float>,
        bias: ContiguousArray<Float>?,
        inFeatures: Int,
        outFeatures: Int,
        storage: WeightStorage = .float32
    ) {
        precondition(weight.count == inFeatures * outFeatures, "linear: weight size")
        precondition(bias.map { $0.count == outFeatures } ?? true, "linear: bias size")
        self.packedWeight = PackedMatrix(
            weight,
            columns: outFeatures,
            depth: inFeatures,
            layout: .transposed,
            precision: storage == .float16 ? .float16 : .float32
        )
        self.bias = bias
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// `outFeatures × inFeatures`, row-major (PyTorch `Linear.weight`), unpacked again (a copy).
    package var weight: ContiguousArray<Float> { packedWeight.unpacked() }

    /// Loads `prefix.weight` (`[out, in]`) and, when `hasBias`, `prefix.bias` (`[out]`); `storage` is how the
    /// weight is kept (the bias stays Float32).
    init(
        _ weights: some ModelWeights,
        _ prefix: String,
        in inFeatures: Int,
        out outFeatures: Int,
        hasBias: Bool = true,
        storage: WeightStorage = .float32
    ) throws(EmbeddingError) {
        let w = try weights.floats(prefix + ".weight", shape: [outFeatures, inFeatures])
        let b = hasBias ? try weights.floats(prefix + ".bias", shape: [outFeatures]) : nil
        self.init(weight: w, bias: b, inFeatures: inFeatures, outFeatures: outFeatures, storage: storage)
    }

    /// The bytes the weight and bias take.
    var byteCount: Int { packedWeight.byteCount + (bias?.count ?? 0) * 4 }

    /// Loads `prefix.weight` and `prefix.bias` for each of `prefixes` (each `[out, in]` and `[out]`) and stacks
    /// them into one layer whose outputs are concatenated (the Q, K and V projections), packing the weight once.
    init(
        _ weights: some ModelWeights,
        stacking prefixes: [String],
        in inFeatures: Int,
        out outFeatures: Int
    ) throws(EmbeddingError) {
        var w = ContiguousArray<Float>()
        var b = ContiguousArray<Float>()
        w.reserveCapacity(prefixes.count * outFeatures * inFeatures)
        b.reserveCapacity(prefixes.count * outFeatures)
        for prefix in prefixes {
            w += try weights.floats(prefix + ".weight", shape: [outFeatures, inFeatures])
            b += try weights.floats(prefix + ".bias", shape: [outFeatures])
        }
        self.init(weight: w, bias: b, inFeatures: inFeatures, outFeatures: prefixes.count * outFeatures)
    }

    /// Stacks layers with the same input size into one, outputs concatenated (the Q, K and V projections).
    init(concatenating layers: [Linear]) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.inFeatures == layers[0].inFeatures })
        var w = ContiguousArray<Float>()
        var b = ContiguousArray<Float>()
        for layer in layers {
            w += layer.weight
            b += layer.bias ?? ContiguousArray(repeating: 0, count: layer.outFeatures)
        }
        let anyBias = layers.contains { $0.bias != nil }
        self.init(
            weight: w,
            bias: anyBias ? b : nil,
            inFeatures: layers[0].inFeatures,
            outFeatures: layers.reduce(0) { $0 + $1.outFeatures }
        )
    }
}
