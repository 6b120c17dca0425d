// SPDX-License-Identifier: Apache-2.0

/// The error every `Retrieval` operation throws: a stable ``code`` and a message that says what is wrong.
///
/// Switch on ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in
/// any release, so a `switch` over codes needs a `default` branch. When another module's error caused this one
/// (an embedder's, an index's, the file system's), it is kept in ``underlying`` and printed after the message.
public struct RetrievalError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .spaceMismatch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidSchema, invalidObject, invalidQuery, unknownProperty, typeMismatch, unknownVector
            case spaceMismatch, dimensionMismatch, unsupportedModality, notFound, duplicateID, embeddingFailed
            case rerankingFailed
            case corruptFile, unsupportedVersion, fileSystem, locked, closed, unsupported, index, store
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        // MARK: - Schema and objects

        /// A schema is malformed: a duplicate or invalid name, a named vector with no sources, a source that is
        /// not a property of the right type.
        public static let invalidSchema = Code(.invalidSchema)
        /// An object does not fit the schema: a missing required value, a blob too large, an id that is taken.
        public static let invalidObject = Code(.invalidObject)
        /// A query is malformed: a negative limit, an empty target list, a weight that is not finite.
        public static let invalidQuery = Code(.invalidQuery)
        /// A name refers to no property of the collection's schema.
        public static let unknownProperty = Code(.unknownProperty)
        /// A value's type differs from its property's declared type.
        public static let typeMismatch = Code(.typeMismatch)
        /// A name refers to no named vector of the collection.
        public static let unknownVector = Code(.unknownVector)
        /// An embedder or vector belongs to a different embedding space than the named vector it is used with.
        public static let spaceMismatch = Code(.spaceMismatch)
        /// A caller-supplied vector's length differs from the named vector's dimension.
        public static let dimensionMismatch = Code(.dimensionMismatch)
        /// A query or object has a modality the named vector's embedder does not accept.
        public static let unsupportedModality = Code(.unsupportedModality)
        /// No object is stored under the id.
        public static let notFound = Code(.notFound)
        /// An object with the id is already stored.
        public static let duplicateID = Code(.duplicateID)
        /// An embedder failed; the batch it belonged to was not applied.
        public static let embeddingFailed = Code(.embeddingFailed)
        /// A reranker failed or answered with something other than one score per candidate (see
        /// ``RetrievalError/underlying`` for a hosted reranker's network or provider error).
        public static let rerankingFailed = Code(.rerankingFailed)

        // MARK: - Storage

        /// A log, snapshot or blob is damaged in a way that cannot be repaired without losing data.
        public static let corruptFile = Code(.corruptFile)
        /// A file was written by a newer format version than this library reads.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The file system refused an operation (open, write, sync, rename, lock).
        public static let fileSystem = Code(.fileSystem)
        /// Another process holds the collection open for writing.
        public static let locked = Code(.locked)
        /// The collection was closed.
        public static let closed = Code(.closed)
        /// The operation is valid but this store or configuration does not support it.
        public static let unsupported = Code(.unsupported)
        /// A vector index refused an operation (see ``RetrievalError/underlying``).
        public static let index = Code(.index)
        /// A ``VectorStore`` failed with an error of its own (see ``RetrievalError/underlying``), such as a
        /// server's network error.
        public static let store = Code(.store)

        /// A stable name for the code, such as `spaceMismatch`.
        public var description: String {
            switch value {
            case .invalidSchema: "invalidSchema"
            case .invalidObject: "invalidObject"
            case .invalidQuery: "invalidQuery"
            case .unknownProperty: "unknownProperty"
            case .typeMismatch: "typeMismatch"
            case .unknownVector: "unknownVector"
            case .spaceMismatch: "spaceMismatch"
            case .dimensionMismatch: "dimensionMismatch"
            case .unsupportedModality: "unsupportedModality"
            case .notFound: "notFound"
            case .duplicateID: "duplicateID"
            case .embeddingFailed: "embeddingFailed"
            case .rerankingFailed: "rerankingFailed"
            case .corruptFile: "corruptFile"
            case .unsupportedVersion: "unsupportedVersion"
            case .fileSystem: "fileSystem"
            case .locked: "locked"
            case .closed: "closed"
            case .unsupported: "unsupported"
            case .index: "index"
            case .store: "store"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words.
    public let message: String
    /// The error that caused this one, if any.
    ///
    /// For a failed system call on a collection's files (``Code/fileSystem``) it is a Foundation `POSIXError`
    /// whose `code` is the `errno`: `(error.underlying as? POSIXError)?.code == .ENOENT`; the message names the
    /// operation, the path and the system's reason. For an index's failure it is the `VectorIndexError`.
    public let underlying: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, in words.
    ///   - underlying: The error that caused this one, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`, followed by the underlying error when there is one.
    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (caused by: \(underlying))"
    }
}
