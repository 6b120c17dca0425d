// SPDX-License-Identifier: Apache-2.0

/// The error every `Embedding` operation throws: a stable ``code`` and a message that says what is wrong.
///
/// Models, tokenizers, the hub client and hosted embedders all throw this one type, so a host that loads a
/// checkpoint (weights and tokenizer), downloads one, or calls a provider handles a single error. Switch on
/// ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in any
/// release, so a `switch` over codes needs a `default` branch. Messages name the tensor, file, line, key,
/// repository or URL at fault, and never contain an access token or API key.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .missingTensor`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unsupportedModality, invalidInput, corruptFile, missingTensor, shapeMismatch, unsupportedDType
            case unsupportedCheckpoint
            case invalidConfiguration, unsupportedModel, fileSystem, notFound
            case invalidUTF8, malformedVocabulary, malformedMerges, malformedJSON, missingToken
            case invalidRepoID, offlineMissing, checksumMismatch
            case network, timeout, cancelled, rateLimited, unauthorized, providerError, invalidResponse
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        // MARK: Inputs and checkpoints

        /// The embedder does not accept inputs of this modality (checked before any work is done).
        public static let unsupportedModality = Code(.unsupportedModality)
        /// An input is out of range: a token id outside the vocabulary, a sequence longer than the model's
        /// positions, a pixel tensor of the wrong size, an empty batch where one is not allowed; or a wrapped
        /// embedder returned the wrong number of rows, or a hosted embedder's request could not be encoded; or a
        /// revision passed to the hub client that is not a usable name (empty, absolute, or with `.`/`..` parts); or
        /// an ``EmbeddingMatrix`` whose values do not split into rows of its dimension.
        public static let invalidInput = Code(.invalidInput)
        /// A weight file is truncated or its header is malformed or inconsistent.
        public static let corruptFile = Code(.corruptFile)
        /// A tensor the model needs is not in the checkpoint.
        public static let missingTensor = Code(.missingTensor)
        /// A tensor's shape differs from what the configuration implies.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// A tensor's element type is not one this library reads.
        public static let unsupportedDType = Code(.unsupportedDType)
        /// A weight file is well formed but uses something the weights-only readers refuse.
        ///
        /// A PyTorch checkpoint in the legacy (pre-1.6, not zip) format or with compressed entries, or whose
        /// pickle holds an opcode or names a global (a Python function or class) outside the subset a state dict
        /// needs. Nothing in the file is executed; the message names the opcode or global.
        public static let unsupportedCheckpoint = Code(.unsupportedCheckpoint)
        /// A model configuration file (`config.json`, `preprocessor_config.json`, `1_Pooling/config.json`,
        /// `sentence_bert_config.json`) is missing a field, has a value out of range, or is not valid JSON.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The files describe something this library does not implement: a model type, activation, pooling or
        /// preprocessing option in a model configuration, or a tokenizer model type (such as `Unigram`) in a
        /// `tokenizer.json`.
        public static let unsupportedModel = Code(.unsupportedModel)

        // MARK: Files

        /// A local file or folder exists but could not be opened, read, written, created, linked or locked: a
        /// model's configuration or weights, a tokenizer file, the embedding cache's folder, or the hub cache.
        public static let fileSystem = Code(.fileSystem)
        /// Something named does not exist: a model's `config.json` or weight file, a tokenizer file, or every
        /// vocabulary file a tokenizer folder could hold; a local folder passed to the hub client; or, on the
        /// hub, the repository, revision or file (HTTP 404).
        public static let notFound = Code(.notFound)

        // MARK: Tokenizer files

        /// A tokenizer text file (`vocab.txt`, `merges.txt`) is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A tokenizer vocabulary (`vocab.txt`, `vocab.json` or the `model.vocab` of `tokenizer.json`) is empty,
        /// repeats a token or an id, or has ids that are not `0..<count`.
        public static let malformedVocabulary = Code(.malformedVocabulary)
        /// A tokenizer merges list has a line that is not two space-separated symbols, or names a symbol missing
        /// from the vocabulary.
        public static let malformedMerges = Code(.malformedMerges)
        /// A tokenizer JSON file (`tokenizer.json`, `vocab.json`, `tokenizer_config.json`,
        /// `special_tokens_map.json`) does not parse, or a key has the wrong type or is missing.
        public static let malformedJSON = Code(.malformedJSON)
        /// A special token the tokenizer needs (such as `[UNK]` or `<|endoftext|>`) is not in the vocabulary.
        public static let missingToken = Code(.missingToken)

        // MARK: Model hub

        /// A repository id given to the hub client is malformed, or a file name (given, or listed by the hub)
        /// would escape the snapshot folder.
        public static let invalidRepoID = Code(.invalidRepoID)
        /// The hub client is in offline mode and its cache does not hold the requested snapshot or file.
        public static let offlineMissing = Code(.offlineMissing)
        /// A file the hub client downloaded differs in size or SHA-256 from what the hub announced; nothing was
        /// kept.
        public static let checksumMismatch = Code(.checksumMismatch)

        // MARK: Servers

        /// A server could not be reached, or the connection broke before the answer was complete.
        ///
        /// From the hub client also: the hub kept failing (HTTP 5xx or 429) after every retry.
        public static let network = Code(.network)
        /// A server sent nothing within the request timeout (on the last attempt).
        ///
        /// From the hub client also: another download of the same file (in this process or another) held the
        /// file's lock that long without making progress.
        public static let timeout = Code(.timeout)
        /// The task was cancelled: while waiting for a server (a hosted embedder or the hub) or for a hub
        /// download lock, or between two batches of a native embedder (``CLIPEmbedder``, ``SentenceEmbedder``).
        public static let cancelled = Code(.cancelled)
        /// A hosted embedder's provider kept answering 429 (too many requests) after every retry.
        public static let rateLimited = Code(.rateLimited)
        /// The server refused the credentials (HTTP 401 or 403): a hosted embedder's API key, or the hub token
        /// for a private or gated repository (missing or not accepted).
        public static let unauthorized = Code(.unauthorized)
        /// A hosted embedder's provider answered with an error status; the message carries the provider's own
        /// explanation.
        public static let providerError = Code(.providerError)
        /// A server answered with something this client does not understand: a hosted embedder's 2xx body that
        /// is not the expected JSON (missing fields, the wrong number of vectors, vectors of the wrong dimension,
        /// undecodable base64), or a hub answer without the expected headers, commit or model JSON.
        public static let invalidResponse = Code(.invalidResponse)

        /// A stable name for the code, such as `missingTensor`.
        public var description: String {
            switch value {
            case .unsupportedModality: "unsupportedModality"
            case .invalidInput: "invalidInput"
            case .corruptFile: "corruptFile"
            case .missingTensor: "missingTensor"
            case .shapeMismatch: "shapeMismatch"
            case .unsupportedDType: "unsupportedDType"
            case .unsupportedCheckpoint: "unsupportedCheckpoint"
            case .invalidConfiguration: "invalidConfiguration"
            case .unsupportedModel: "unsupportedModel"
            case .fileSystem: "fileSystem"
            case .notFound: "notFound"
            case .invalidUTF8: "invalidUTF8"
            case .malformedVocabulary: "malformedVocabulary"
            case .malformedMerges: "malformedMerges"
            case .malformedJSON: "malformedJSON"
            case .missingToken: "missingToken"
            case .invalidRepoID: "invalidRepoID"
            case .offlineMissing: "offlineMissing"
            case .checksumMismatch: "checksumMismatch"
            case .network: "network"
            case .timeout: "timeout"
            case .cancelled: "cancelled"
            case .rateLimited: "rateLimited"
            case .unauthorized: "unauthorized"
            case .providerError: "providerError"
            case .invalidResponse: "invalidResponse"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words.
    public let message: String
    /// The error that caused this one, if any.
    ///
    /// For example the `DecodingError` of a malformed JSON file, the `MediaDecodingError` of a video frame, or
    /// for a failed system call on a file a `POSIXError` whose `code` is the `errno`
    /// (`(error.underlying as? POSIXError)?.code == .EACCES`). Files read through Foundation give a `CocoaError`,
    /// whose own `underlying` is that `POSIXError`.
    public let underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, naming the tensor, file, line, key, repository or URL at fault.
    ///   - underlying: The error that caused this one, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`, followed by ` (underlying: …)` with the description of ``underlying`` when there is one.
    ///
    /// Only the code part is stable; read ``code`` and ``underlying`` themselves rather than parsing this text.
    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (underlying: \(underlying))"
    }
}
