// SPDX-License-Identifier: Apache-2.0

/// The error every `Embedding` operation throws: a stable ``code`` and a message that says what is wrong.
///
/// Switch on ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in
/// any release, so a `switch` over codes needs a `default` branch. Messages name the tensor, file or input that
/// is at fault.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .missingTensor`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unsupportedModality, invalidInput, corruptFile, missingTensor, shapeMismatch, unsupportedDType
            case invalidConfiguration, unsupportedModel, fileSystem
            case network, timeout, cancelled, rateLimited, unauthorized, providerError, invalidResponse
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The embedder does not accept inputs of this modality.
        public static let unsupportedModality = Code(.unsupportedModality)
        /// An input is out of range: a token id outside the vocabulary, a sequence longer than the model's
        /// positions, a pixel tensor of the wrong size, an empty batch where one is not allowed.
        public static let invalidInput = Code(.invalidInput)
        /// A weight file is truncated or its header is malformed or inconsistent.
        public static let corruptFile = Code(.corruptFile)
        /// A tensor the model needs is not in the checkpoint.
        public static let missingTensor = Code(.missingTensor)
        /// A tensor's shape differs from what the configuration implies.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// A tensor's element type is not one this library reads.
        public static let unsupportedDType = Code(.unsupportedDType)
        /// A `config.json` is missing a field, has a value out of range, or is not valid JSON.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The configuration names a model type or activation this library does not implement.
        public static let unsupportedModel = Code(.unsupportedModel)
        /// A file could not be opened or read.
        public static let fileSystem = Code(.fileSystem)
        /// A hosted embedder could not reach its server, or the connection broke before the answer was complete.
        public static let network = Code(.network)
        /// A hosted embedder's server sent nothing within the request timeout.
        public static let timeout = Code(.timeout)
        /// The task was cancelled while a hosted embedder was waiting for its server.
        public static let cancelled = Code(.cancelled)
        /// The provider kept answering 429 (too many requests) after every retry.
        public static let rateLimited = Code(.rateLimited)
        /// The provider refused the API key (HTTP 401 or 403).
        public static let unauthorized = Code(.unauthorized)
        /// The provider answered with an error status; the message carries the provider's own explanation.
        public static let providerError = Code(.providerError)
        /// The provider answered 2xx with a body that is not the expected JSON: missing fields, the wrong number
        /// of vectors, vectors of the wrong dimension, undecodable base64.
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
            case .invalidConfiguration: "invalidConfiguration"
            case .unsupportedModel: "unsupportedModel"
            case .fileSystem: "fileSystem"
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
    public let underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, naming the tensor, file or input at fault.
    ///   - underlying: The error that caused this one, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
