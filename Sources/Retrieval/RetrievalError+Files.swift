// SPDX-License-Identifier: Apache-2.0

internal import _RAGInternals

import struct Foundation.POSIXError

extension RetrievalError {
    /// A file-system failure as a retrieval error: the code follows the failure's kind, the message names the
    /// operation, the path and the system's reason, and `underlying` is a `POSIXError` carrying the `errno` for a
    /// system failure (see `FileError.posixCode`).
    static func wrap(_ error: FileError, _ message: String) -> RetrievalError {
        let code: Code =
            switch error.kind {
            case .system: .fileSystem
            case .corrupt: .corruptFile
            case .unsupportedVersion: .unsupportedVersion
            case .locked: .locked
            }
        return RetrievalError(code, error.message(message), underlying: error.posixCode.map { POSIXError($0) })
    }
}
