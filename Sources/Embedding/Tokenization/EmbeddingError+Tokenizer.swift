// SPDX-License-Identifier: Apache-2.0

extension EmbeddingError {
    /// Wraps a tokenizer loading failure: missing or unreadable files become ``Code/fileSystem``, anything else
    /// ``Code/invalidConfiguration``; the tokenizer error is kept as ``underlying``.
    init(loadingTokenizer error: TokenizerError) {
        let code: Code =
            error.code == .fileNotFound || error.code == .unreadableFile ? .fileSystem : .invalidConfiguration
        self.init(code, "tokenizer: \(error)", underlying: error)
    }
}
