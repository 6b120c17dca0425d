// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A native BERT encoder with sentence pooling (the sentence-transformers recipe: BertModel → pooling →
/// optional L2 normalisation), loaded from a transformers checkpoint folder.
///
/// ```swift
/// let model = try await BERTModel(directory: miniLMFolder)     // reads 1_Pooling/config.json, modules.json
/// let vectors = try model.sentenceEmbeddings([[101, 7592, 102]])
/// ```
public struct BERTModel: Sendable {
    /// The hyper-parameters the model was built from.
    public let configuration: BERTConfiguration
    /// How token states are pooled into a sentence vector.
    public let pooling: SentencePooling
    /// Whether ``sentenceEmbeddings(_:attentionMask:)`` L2-normalises its rows.
    public let normalizes: Bool
    /// The model's identifier: the repository id for a hub snapshot, else the checkpoint folder name, unless given.
    public let modelID: String
    /// The checkpoint revision: the commit for a hub snapshot, `sha256:<digest>` of the weight files for any other
    /// folder, unless given; empty when unknown.
    public let revision: String
    /// The most threads one call may use.
    public var threads: Int

    let wordEmbedding: ContiguousArray<Float>
    let positionEmbedding: ContiguousArray<Float>
    let tokenTypeEmbedding: ContiguousArray<Float>
    let embeddingNorm: LayerNorm
    let layers: [BERTEncoderLayer]

    /// Builds the model from a configuration and its weights (names as in `BertModel`, optionally prefixed `bert.`).
    ///
    /// `modelID` and `revision` (empty when unknown) are recorded in ``space``.
    /// - Throws: ``EmbeddingError`` naming the first missing or misshapen tensor, or an invalid configuration.
    public init(
        configuration: BERTConfiguration,
        weights: some ModelWeights,
        pooling: SentencePooling = .mean,
        normalizes: Bool = true,
        modelID: String = "bert",
        revision: String = ""
    ) throws(EmbeddingError) {
        try configuration.validate()
        let c = configuration
        let d = c.hiddenSize
        let eps = Float(c.layerNormEps)
        let prefix = weights.contains("embeddings.word_embeddings.weight") ? "" : "bert."
        wordEmbedding = try weights.floats(prefix + "embeddings.word_embeddings.weight", shape: [c.vocabSize, d])
        positionEmbedding = try weights.floats(
            prefix + "embeddings.position_embeddings.weight",
            shape: [c.maxPositionEmbeddings, d]
        )
        tokenTypeEmbedding = try weights.floats(
            prefix + "embeddings.token_type_embeddings.weight",
            shape: [c.typeVocabSize, d]
        )
        embeddingNorm = try LayerNorm(weights, prefix + "embeddings.LayerNorm", size: d, epsilon: eps)
        let activation = Activation(configName: c.hiddenAct)!
        var layers: [BERTEncoderLayer] = []
        for i in 0..<c.numHiddenLayers {
            layers.append(
                try BERTEncoderLayer(
                    weights,
                    prefix + "encoder.layer.\(i)",
                    width: d,
                    intermediate: c.intermediateSize,
                    heads: c.numAttentionHeads,
                    epsilon: eps,
                    activation: activation
                )
            )
        }
        self.layers = layers
        self.configuration = configuration
        self.pooling = pooling
        self.normalizes = normalizes
        self.modelID = modelID
        self.revision = revision
        threads = max(1, Parallel.processorCount)
    }

    /// Loads `config.json`, the weights, and the sentence-transformers pooling (`1_Pooling/config.json`, mean when
    /// absent) and normalisation (`modules.json`, on when absent) from a folder.
    ///
    /// The weights are `model.safetensors` (or the shards of `model.safetensors.index.json`); a folder without
    /// them is read from `pytorch_model.bin` (or the shards of `pytorch_model.bin.index.json`) with the
    /// weights-only reader of ``PyTorchCheckpointFile``.
    ///
    /// A Hugging Face cache snapshot (`…/models--namespace--name/snapshots/<commit>`, as ``HubClient`` returns)
    /// names the model `namespace/name` at revision `<commit>`. Any other folder names it by its last path
    /// component at revision `sha256:<digest of the weight files>`, so two checkpoints with different weights are
    /// never one ``EmbeddingSpace``. The digest is computed on the first open (reading every weight file once)
    /// and remembered, in memory and in `~/.cache/mmrag/weight-digests`, until a weight file changes.
    /// - Throws: ``EmbeddingError`` for an unreadable or invalid config, or bad weights.
    @concurrent public init(directory: URL, variant: String? = nil) async throws(EmbeddingError) {
        let configuration = try ModelConfigurationFile.decode(
            BERTConfiguration.self,
            in: directory,
            expecting: ["bert"]
        )
        let pooling = try SentencePooling(directory: directory)
        let weights = try await WeightFiles.open(directory: directory, variant: variant)
        let snapshot = HubCache.snapshotIdentity(directory)
        let revision: String
        if let snapshot {
            revision = snapshot.commit
        } else {
            revision = try WeightDigests.shared.revision(ofWeightsIn: directory, variant: variant)
        }
        try self.init(
            configuration: configuration,
            weights: weights,
            pooling: pooling,
            normalizes: try SentencePooling.normalizes(directory: directory),
            modelID: snapshot?.repo ?? directory.lastPathComponent,
            revision: revision
        )
    }

    /// The space of ``sentenceEmbeddings(_:attentionMask:)``.
    public var space: EmbeddingSpace {
        EmbeddingSpace(
            modelID: modelID,
            revision: revision,
            dimension: configuration.hiddenSize,
            normalization: normalizes ? .l2 : .none
        )
    }
}

// MARK: - Forward pass

extension BERTModel {
    /// The encoder's states for a batch.
    public struct Output: Sendable {
        /// Sequences in the batch.
        public let batch: Int
        /// The common (padded) length.
        public let length: Int
        /// `batch × length × width` final states (padded rows included; ignore them).
        public let lastHiddenState: [Float]
        /// When requested: the embedding output, then every layer's output, each `batch × length × width`.
        public let hiddenStates: [[Float]]
        /// `batch × length` flags, `true` for real tokens.
        public let tokenIsValid: [Bool]
    }

    /// Runs the encoder.
    ///
    /// Sequences of different lengths are padded internally. With `attentionMask`, all sequences must have one
    /// length and the mask marks real tokens with 1.
    /// - Parameters:
    ///   - tokenIDs: One id sequence per sentence (with `[CLS]` … `[SEP]`).
    ///   - attentionMask: Optional 1/0 masks, one per sequence.
    ///   - tokenTypeIDs: Optional segment ids (default all 0).
    ///   - recordHiddenStates: Keep every layer's output in ``Output/hiddenStates``.
    /// - Returns: The final states of every position, and the intermediate ones when requested.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for an id outside the vocabulary or token types, a
    ///   sequence longer than the position table, an empty sequence, or mismatched mask lengths.
    public func encode(
        _ tokenIDs: [[Int]],
        attentionMask: [[Int]]? = nil,
        tokenTypeIDs: [[Int]]? = nil,
        recordHiddenStates: Bool = false
    ) throws(EmbeddingError) -> Output {
        let c = configuration
        let d = c.hiddenSize
        let batch = tokenIDs.count
        let length = tokenIDs.map(\.count).max() ?? 0
        guard batch > 0 else {
            return Output(batch: 0, length: 0, lastHiddenState: [], hiddenStates: [], tokenIsValid: [])
        }
        try validate(tokenIDs, attentionMask: attentionMask, tokenTypeIDs: tokenTypeIDs)
        var valid: [Bool] = []
        var x = [Float](repeating: 0, count: batch * length * d)
        for (s, ids) in tokenIDs.enumerated() {
            let types = tokenTypeIDs.map { $0[s] } ?? Array(repeating: 0, count: ids.count)
            if let attentionMask {
                valid += attentionMask[s].map { $0 != 0 }
            } else {
                valid += Array(repeating: true, count: ids.count) + Array(repeating: false, count: length - ids.count)
            }
            for (p, id) in ids.enumerated() {
                let row = (s * length + p) * d
                let t = types[p]
                for j in 0..<d {
                    x[row + j] =
                        wordEmbedding[id * d + j] + positionEmbedding[p * d + j] + tokenTypeEmbedding[t * d + j]
                }
            }
        }
        embeddingNorm.apply(&x)
        var hidden: [[Float]] = recordHiddenStates ? [x] : []
        let mask = AttentionMask(causal: false, keyIsValid: valid.contains(false) ? valid : nil)
        for layer in layers {
            layer.apply(&x, batch: batch, length: length, mask: mask, threads: threads)
            if recordHiddenStates { hidden.append(x) }
        }
        return Output(batch: batch, length: length, lastHiddenState: x, hiddenStates: hidden, tokenIsValid: valid)
    }

    /// Checks a batch before any work: the errors ``encode(_:attentionMask:tokenTypeIDs:recordHiddenStates:)``
    /// documents, naming the sentence's position in `tokenIDs`.
    private func validate(
        _ tokenIDs: [[Int]],
        attentionMask: [[Int]]?,
        tokenTypeIDs: [[Int]]?
    ) throws(EmbeddingError) {
        let c = configuration
        let length = tokenIDs.map(\.count).max() ?? 0
        for (s, ids) in tokenIDs.enumerated() {
            guard !ids.isEmpty else { throw EmbeddingError(.invalidInput, "sentence \(s) has no tokens") }
            guard ids.count <= c.maxPositionEmbeddings else {
                throw EmbeddingError(
                    .invalidInput,
                    "sentence \(s) has \(ids.count) tokens; the model takes at most \(c.maxPositionEmbeddings)"
                )
            }
            if let bad = ids.first(where: { $0 < 0 || $0 >= c.vocabSize }) {
                throw EmbeddingError(
                    .invalidInput,
                    "sentence \(s) has token id \(bad) outside the vocabulary 0..<\(c.vocabSize)"
                )
            }
            let types = tokenTypeIDs.map { s < $0.count ? $0[s] : [] } ?? Array(repeating: 0, count: ids.count)
            guard types.count == ids.count, types.allSatisfy({ $0 >= 0 && $0 < c.typeVocabSize }) else {
                throw EmbeddingError(.invalidInput, "sentence \(s) has token types of the wrong length or out of range")
            }
            if let attentionMask {
                guard attentionMask.count == tokenIDs.count, attentionMask[s].count == length, ids.count == length
                else {
                    throw EmbeddingError(.invalidInput, "sentence \(s): ids and attention mask lengths differ")
                }
            }
        }
    }

    /// Pools an encoder output into one row per sentence (``pooling``; no normalisation).
    public func pool(_ output: Output) -> EmbeddingMatrix {
        let d = configuration.hiddenSize
        var rows = ContiguousArray<Float>(repeating: 0, count: output.batch * d)
        for s in 0..<output.batch {
            switch pooling {
            case .cls:
                for j in 0..<d { rows[s * d + j] = output.lastHiddenState[s * output.length * d + j] }
            case .mean:
                var sums = [Double](repeating: 0, count: d)
                var count = 0
                for p in 0..<output.length where output.tokenIsValid[s * output.length + p] {
                    count += 1
                    let row = (s * output.length + p) * d
                    for j in 0..<d { sums[j] += Double(output.lastHiddenState[row + j]) }
                }
                let scale = 1 / Double(max(count, 1))
                for j in 0..<d { rows[s * d + j] = Float(sums[j] * scale) }
            }
        }
        return EmbeddingMatrix(unchecked: rows, dimension: d)
    }

    /// Sentence embeddings: encode, pool, and L2-normalise when ``normalizes``.
    /// - Throws: What ``encode(_:attentionMask:tokenTypeIDs:recordHiddenStates:)`` throws.
    public func sentenceEmbeddings(
        _ tokenIDs: [[Int]],
        attentionMask: [[Int]]? = nil
    ) throws(EmbeddingError) -> EmbeddingMatrix {
        try validate(tokenIDs, attentionMask: attentionMask, tokenTypeIDs: nil)
        @Sendable func slice(_ range: Range<Int>, threads: Int) throws(EmbeddingError) -> EmbeddingMatrix {
            var model = self
            model.threads = threads
            let mask = attentionMask.map { Array($0[range]) }
            return try model.sentenceEmbeddings(Array(tokenIDs[range]), attentionMask: mask)
        }
        let sliced = try BatchSlices.run(count: tokenIDs.count, threads: threads, slice)
        if let sliced { return sliced }
        let pooled = pool(try encode(tokenIDs, attentionMask: attentionMask))
        return normalizes ? pooled.normalized() : pooled
    }
}
