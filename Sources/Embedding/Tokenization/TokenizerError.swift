// SPDX-License-Identifier: Apache-2.0

/// The error tokenizer loading throws: a stable ``code`` and a message that names the file, line or key at fault.
///
/// Tokenizing text never fails; only reading vocabulary, merges and `tokenizer.json` files does. Switch on
/// ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in any release,
/// so a `switch` over codes needs a `default` branch.
public struct TokenizerError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .malformedMerges`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case fileNotFound, unreadableFile, invalidUTF8, malformedVocabulary, malformedMerges, malformedJSON
            case unsupportedModel, missingToken
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// A file exists but could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// A text file is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A vocabulary (`vocab.txt`, `vocab.json` or the `model.vocab` of `tokenizer.json`) is empty, repeats a
        /// token or an id, or has ids that are not `0..<count`.
        public static let malformedVocabulary = Code(.malformedVocabulary)
        /// A merges list has a line that is not two space-separated symbols, or names a symbol missing from the
        /// vocabulary.
        public static let malformedMerges = Code(.malformedMerges)
        /// A JSON file does not parse, or a key has the wrong type or is missing.
        public static let malformedJSON = Code(.malformedJSON)
        /// A `tokenizer.json` describes a model type this tokenizer does not implement (for example `Unigram`).
        public static let unsupportedModel = Code(.unsupportedModel)
        /// A special token the tokenizer needs (such as `[UNK]` or `<|endoftext|>`) is not in the vocabulary.
        public static let missingToken = Code(.missingToken)

        /// A stable name for the code, such as `malformedMerges`.
        public var description: String {
            switch value {
            case .fileNotFound: "fileNotFound"
            case .unreadableFile: "unreadableFile"
            case .invalidUTF8: "invalidUTF8"
            case .malformedVocabulary: "malformedVocabulary"
            case .malformedMerges: "malformedMerges"
            case .malformedJSON: "malformedJSON"
            case .unsupportedModel: "unsupportedModel"
            case .missingToken: "missingToken"
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
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
