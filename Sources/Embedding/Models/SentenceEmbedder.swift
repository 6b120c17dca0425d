// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A sentence-transformers model of the BERT family behind the ``Embedder`` seam (text only): WordPiece
/// tokens → ``BERTModel`` → pooling (mean or CLS) → L2 normalisation when the checkpoint has a `Normalize` module.
///
/// Texts are truncated to ``maxLength`` tokens (special tokens included) and batched by length, so each model call
/// pads only to its own longest sentence.
///
/// ```swift
/// let minilm = try await SentenceEmbedder(directory: miniLMFolder)   // all-MiniLM-L6-v2: 384-d, mean, l2
/// let vectors = try await minilm.embed([.text("a kitten napping on the couch"), .text("A cat is sleeping.")])
/// ```
public struct SentenceEmbedder: Embedder {
    /// The encoder, with its pooling and normalisation.
    public let model: BERTModel
    /// The tokenizer.
    public let tokenizer: any Tokenizer
    /// The most tokens per text, special tokens included.
    public let maxLength: Int
    /// The most sentences per model call (default 32), which bounds the memory a call takes.
    public var batchSize: Int

    /// Wraps a model with its tokenizer.
    /// - Parameters:
    ///   - model: The sentence model.
    ///   - tokenizer: Its tokenizer (``WordPieceTokenizer`` for BERT checkpoints).
    ///   - maxLength: The most tokens per text; `nil` means the tokenizer's maximum. Either way the limit is
    ///     clamped to the tokenizer's maximum and the model's position count.
    /// - Precondition: `maxLength`, when given, is at least 2.
    public init(model: BERTModel, tokenizer: any Tokenizer, maxLength: Int? = nil) {
        precondition(maxLength.map { $0 >= 2 } ?? true, "maxLength must leave room for the special tokens")
        self.model = model
        self.tokenizer = tokenizer
        self.maxLength = min(
            maxLength ?? tokenizer.maxLength,
            tokenizer.maxLength,
            model.configuration.maxPositionEmbeddings
        )
        batchSize = 32
    }

    /// Loads a sentence-transformers folder end to end: `config.json` and the weights (through
    /// ``BERTModel/init(directory:variant:)``, which also reads `1_Pooling/config.json` and `modules.json`), the
    /// WordPiece tokenizer (`tokenizer.json` or `vocab.txt`), and the truncation length `max_seq_length` of
    /// `sentence_bert_config.json` when present.
    /// - Parameters:
    ///   - directory: The model folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Throws: ``EmbeddingError`` for an unreadable or invalid configuration, checkpoint or tokenizer.
    @concurrent public init(directory: URL, variant: String? = nil) async throws(EmbeddingError) {
        let model = try await BERTModel(directory: directory, variant: variant)
        let tokenizer = try WordPieceTokenizer(directory: directory)
        let limit = try Self.maxSequenceLength(in: directory)
        if let limit, limit < 2 {
            throw EmbeddingError(.invalidConfiguration, "sentence_bert_config.json: max_seq_length \(limit) < 2")
        }
        self.init(model: model, tokenizer: tokenizer, maxLength: limit)
    }

    /// The model's space.
    public var space: EmbeddingSpace { model.space }

    /// `[.text]`.
    public var modalities: Set<Modality> { [.text] }

    /// Embeds a batch of texts.
    /// - Parameter inputs: Texts.
    /// - Returns: One row per input, in order (unit length when the model normalises).
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for any non-text input, before any work;
    ///   ``EmbeddingError/Code/cancelled`` when the task is cancelled (checked before each batch).
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var batches = 0
        var ids: [[Int]] = []
        ids.reserveCapacity(inputs.count)
        for case .text(let text) in inputs { ids.append(tokenizer.encode(text, maxLength: maxLength)) }
        let d = model.configuration.hiddenSize
        var values = ContiguousArray<Float>(repeating: 0, count: ids.count * d)
        for batch in LengthBatches.plan(lengths: ids.map(\.count), batchSize: batchSize) {
            try await EmbeddingError.beforeBatch(&batches, "embedding \(batch.count) of \(ids.count) texts")
            let rows = try model.sentenceEmbeddings(batch.map { ids[$0] })
            for (r, s) in batch.enumerated() { values.replaceSubrange(s * d..<(s + 1) * d, with: rows[r]) }
        }
        return EmbeddingMatrix(unchecked: values, dimension: d)
    }

    /// `max_seq_length` of `sentence_bert_config.json`, or `nil` when the file or the key is absent.
    private static func maxSequenceLength(in directory: URL) throws(EmbeddingError) -> Int? {
        struct File: Decodable {
            let maxSeqLength: Int?
            enum CodingKeys: String, CodingKey { case maxSeqLength = "max_seq_length" }
        }
        let url = directory.appendingPathComponent("sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).maxSeqLength
        } catch {
            throw EmbeddingError.json(.invalidConfiguration, "sentence_bert_config.json", error)
        }
    }
}
