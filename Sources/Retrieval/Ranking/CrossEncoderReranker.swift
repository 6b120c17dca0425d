// SPDX-License-Identifier: Apache-2.0

public import Embedding
public import Foundation

/// A ``Reranker`` that runs a BERT cross-encoder on this machine: each (query, document) pair is read together and
/// scored with one logit, as Hugging Face's `BertForSequenceClassification` with one label
/// (`cross-encoder/ms-marco-MiniLM-L-6-v2` and checkpoints shaped like it).
///
/// The pair is tokenized as `[CLS] query [SEP] document [SEP]` with segment ids 0 then 1, and truncated to
/// ``maxLength`` the way Hugging Face tokenizers' `longest_first` does. The
/// score is `classifier(tanh(pooler(h[CLS])))`, the raw logit; apply a sigmoid for a probability (it keeps the
/// order).
///
/// ```swift
/// let reranker = try await CrossEncoderReranker(directory: folder)   // config.json, model.safetensors, vocab
/// let ranked = try await reranker.rerank(query: "how do bees fly", documents: texts, limit: 3)
/// ```
public struct CrossEncoderReranker: Reranker {
    /// The encoder.
    public let model: BERTModel
    /// The WordPiece tokenizer.
    public let tokenizer: any Tokenizer
    /// The most tokens per pair, special tokens included.
    public let maxLength: Int
    /// How many pairs run through the encoder at once.
    public var batchSize = 16
    /// `pooler.dense`: `hidden × hidden` weights (row = output) and bias.
    let poolerWeight: ContiguousArray<Float>
    let poolerBias: ContiguousArray<Float>
    /// `classifier`: `1 × hidden` weights and one bias.
    let classifierWeight: ContiguousArray<Float>
    let classifierBias: Float

    /// Builds a reranker from a loaded encoder, its tokenizer and the checkpoint holding the head.
    ///
    /// - Parameters:
    ///   - model: The BERT encoder.
    ///   - tokenizer: Its WordPiece tokenizer.
    ///   - weights: The checkpoint with `bert.pooler.dense.{weight,bias}` and `classifier.{weight,bias}` (with or
    ///     without the `bert.` prefix on the pooler).
    ///   - maxLength: The most tokens per pair; `nil` (the default) means the tokenizer's maximum. It is clamped to
    ///     the model's position count.
    /// - Throws: ``RetrievalError`` with code `invalidSchema` (and the `EmbeddingError` as underlying) when a head
    ///   tensor is missing or misshapen, or the classifier has more than one label.
    public init(
        model: BERTModel,
        tokenizer: any Tokenizer,
        weights: some ModelWeights,
        maxLength: Int? = nil
    ) throws(RetrievalError) {
        let d = model.configuration.hiddenSize
        let pooler = weights.contains("bert.pooler.dense.weight") ? "bert.pooler.dense" : "pooler.dense"
        do {
            if let shape = try? weights.shape(of: "classifier.weight"), shape != [1, d] {
                throw RetrievalError(
                    .invalidSchema,
                    "the classifier has shape \(shape); a cross-encoder reranker needs one label ([1, \(d)])"
                )
            }
            poolerWeight = try weights.floats(pooler + ".weight", shape: [d, d])
            poolerBias = try weights.floats(pooler + ".bias", shape: [d])
            classifierWeight = try weights.floats("classifier.weight", shape: [1, d])
            classifierBias = try weights.floats("classifier.bias", shape: [1])[0]
        } catch let error as RetrievalError {
            throw error
        } catch {
            throw RetrievalError(.invalidSchema, "the checkpoint has no usable classification head", underlying: error)
        }
        self.model = model
        self.tokenizer = tokenizer
        self.maxLength = max(3, min(maxLength ?? tokenizer.maxLength, model.configuration.maxPositionEmbeddings))
    }

    /// Loads a cross-encoder from a folder: `config.json`, the weights (`model.safetensors`, else
    /// `pytorch_model.bin`) and the WordPiece tokenizer (`tokenizer.json` or `vocab.txt`).
    ///
    /// - Parameter directory: The checkpoint folder.
    /// - Throws: ``RetrievalError`` with code `invalidSchema`; its ``RetrievalError/underlying`` is the
    ///   `EmbeddingError` when a file is missing or invalid.
    @concurrent public init(directory: URL) async throws(RetrievalError) {
        let model: BERTModel
        let tokenizer: WordPieceTokenizer
        let weights: any ModelWeights
        do {
            model = try await BERTModel(directory: directory)
            tokenizer = try WordPieceTokenizer(directory: directory)
            weights = try await WeightFiles.open(directory: directory, variant: nil)
        } catch {
            throw RetrievalError(
                .invalidSchema,
                "cannot load a cross-encoder from \(directory.path)",
                underlying: error
            )
        }
        try self.init(model: model, tokenizer: tokenizer, weights: weights)
    }

    /// The token ids and segment ids of one pair, truncated longest-first to ``maxLength`` (tests compare them).
    package func pairTokens(query: String, document: String) -> (ids: [Int], types: [Int]) {
        let q = tokenizer.encode(query, maxLength: Int.max / 2)
        let d = tokenizer.encode(document, maxLength: Int.max / 2)
        // Content lengths without [CLS]/[SEP]. When both parts are longer than half the budget, the query gets the
        // smaller half unless it is the longer part; otherwise only the longer part is cut (Hugging Face tokenizers'
        // `longest_first` for pairs).
        var lq = q.count - 2
        var ld = d.count - 2
        let budget = maxLength - 3
        if lq + ld > budget {
            let shorter = min(lq, ld)
            if 2 * shorter > budget {
                let half = budget / 2
                (lq, ld) = lq > ld ? (budget - half, half) : (half, budget - half)
            } else if lq > ld {
                lq = budget - ld
            } else {
                ld = budget - lq
            }
        }
        let ids = Array(q.prefix(1 + lq)) + [q[q.count - 1]] + Array(d[1..<(1 + ld)]) + [d[d.count - 1]]
        return (ids, Array(repeating: 0, count: lq + 2) + Array(repeating: 1, count: ld + 1))
    }

    /// The cross-encoder's logit for each document against the query, in input order.
    ///
    /// - Parameters:
    ///   - query: The query text.
    ///   - documents: The candidates' texts.
    /// - Returns: One logit per document.
    /// - Throws: ``RetrievalError`` with code `rerankingFailed` when the encoder refuses the input (see
    ///   ``RetrievalError/underlying``), or `CancellationError` when the task is cancelled between batches.
    @concurrent public func scores(query: String, documents: [String]) async throws -> [Double] {
        var scores: [Double] = []
        scores.reserveCapacity(documents.count)
        for start in stride(from: 0, to: documents.count, by: max(1, batchSize)) {
            try Task.checkCancellation()
            let batch = documents[start..<min(documents.count, start + max(1, batchSize))]
            let pairs = batch.map { pairTokens(query: query, document: $0) }
            let output: BERTModel.Output
            do {
                output = try model.encode(pairs.map(\.ids), tokenTypeIDs: pairs.map(\.types))
            } catch {
                throw RetrievalError(.rerankingFailed, "the cross-encoder rejected a batch", underlying: error)
            }
            for row in 0..<output.batch {
                scores.append(logit(output.lastHiddenState, at: row * output.length * model.configuration.hiddenSize))
            }
        }
        return scores
    }

    /// `classifier(tanh(pooler(h)))` for the `[CLS]` state starting at `offset`, in Float64.
    private func logit(_ states: [Float], at offset: Int) -> Double {
        let d = model.configuration.hiddenSize
        var sum = Double(classifierBias)
        for o in 0..<d {
            var pooled = Double(poolerBias[o])
            for i in 0..<d { pooled += Double(poolerWeight[o * d + i]) * Double(states[offset + i]) }
            sum += Double(classifierWeight[o]) * Foundation.tanh(pooled)
        }
        return sum
    }
}
