// SPDX-License-Identifier: Apache-2.0

/// The error the model hub throws: a stable ``code`` and a message naming the repository or file at fault.
///
/// Messages never contain the access token. Switch on ``code`` to react to a kind of failure; show
/// ``description`` to people. New codes may be added in any release, so a `switch` needs a `default` branch.
public struct HubError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    ///
    /// Compare with the static members, for example `error.code == .offlineMissing`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidRepoID, notFound, unauthorized, offlineMissing, checksumMismatch, network, timeout
            case invalidResponse, fileSystem, cancelled
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A repository id, revision or file name is malformed (or a file name would escape the snapshot).
        public static let invalidRepoID = Code(.invalidRepoID)
        /// The repository, revision or file does not exist (or a local directory path does not exist).
        public static let notFound = Code(.notFound)
        /// The hub refused access: the repository is private or gated and the token is missing or not accepted.
        public static let unauthorized = Code(.unauthorized)
        /// Offline mode is on and the cache does not hold the requested snapshot.
        public static let offlineMissing = Code(.offlineMissing)
        /// A downloaded file's size or SHA-256 differs from what the hub announced; nothing was kept.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// The hub could not be reached, or kept failing (5xx, 429) after every retry.
        public static let network = Code(.network)
        /// The hub stopped sending data for longer than the request timeout, or another download of the same file
        /// (in this process or another) held the file's lock that long without making progress.
        public static let timeout = Code(.timeout)
        /// The hub answered with something this client does not understand (missing headers, bad JSON).
        public static let invalidResponse = Code(.invalidResponse)
        /// The cache directory could not be read or written.
        public static let fileSystem = Code(.fileSystem)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)

        /// A stable name for the code, such as `offlineMissing`.
        public var description: String {
            switch value {
            case .invalidRepoID: "invalidRepoID"
            case .notFound: "notFound"
            case .unauthorized: "unauthorized"
            case .offlineMissing: "offlineMissing"
            case .checksumMismatch: "checksumMismatch"
            case .network: "network"
            case .timeout: "timeout"
            case .invalidResponse: "invalidResponse"
            case .fileSystem: "fileSystem"
            case .cancelled: "cancelled"
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
