// SPDX-License-Identifier: Apache-2.0

/// The error every `mmrag` command ends with: a kind that picks the exit code, and one line for people.
struct ToolError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure; each has its exit code.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case usage, failure, interrupted }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The command line is wrong (unknown option, missing value or argument): exit code 64 (`EX_USAGE`).
        static let usage = Code(.usage)
        /// The command could not do its work (a file, the model, the network): exit code 1.
        static let failure = Code(.failure)
        /// The run was interrupted (Ctrl-C); what was committed is kept: exit code 130.
        static let interrupted = Code(.interrupted)

        /// The process exit code for this kind.
        var exitCode: Int32 {
            switch value {
            case .usage: 64
            case .failure: 1
            case .interrupted: 130
            }
        }

        /// A stable name, such as `usage`.
        var description: String {
            switch value {
            case .usage: "usage"
            case .failure: "failure"
            case .interrupted: "interrupted"
            }
        }
    }

    /// The kind of failure.
    let code: Code
    /// What went wrong, in one line.
    let message: String
    /// The error that caused this one, if any.
    let underlying: (any Error)?

    /// Creates an error.
    init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// A usage error.
    static func usage(_ message: String) -> ToolError { ToolError(.usage, message) }

    /// A runtime failure.
    static func failure(_ message: String, underlying: (any Error)? = nil) -> ToolError {
        ToolError(.failure, message, underlying: underlying)
    }

    /// `message`, then the underlying error, all on one line.
    var description: String {
        let text = underlying.map { "\(message): \($0)" } ?? message
        return String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
