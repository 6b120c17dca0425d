// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ModelRegistry {
    /// The embedder of a Hugging Face model, downloaded into the hub cache if needed: a model one line away.
    ///
    /// ```swift
    /// let clip = try await ModelRegistry.standard.embedder(hubModel: "openai/clip-vit-base-patch32")
    /// let minilm = try await ModelRegistry.standard.embedder(hubModel: "sentence-transformers/all-MiniLM-L6-v2")
    /// ```
    ///
    /// Only the files a native model reads are fetched (JSON configuration, safetensors weights and tokenizer
    /// text files); see <doc:ModelCacheAndOfflineUse> for the cache and offline mode.
    ///
    /// The embedder's ``EmbeddingSpace`` names the repository (`modelID`) and the commit the snapshot was taken
    /// at (`revision`), so vectors and ``EmbeddingCacheKey``s from one commit are never mixed with another's.
    ///
    /// - Parameters:
    ///   - repoOrPath: A repository id such as `openai/clip-vit-base-patch32`, or a local checkpoint folder.
    ///   - revision: A branch, tag or commit; `nil` for `main`.
    ///   - hub: The hub client; by default configured from `HF_HOME`, `HF_TOKEN`, `HF_HUB_OFFLINE` and friends.
    ///   - progress: Called as files download.
    /// - Returns: The embedder, for example a ``CLIPEmbedder`` or a ``SentenceEmbedder``.
    /// - Throws: ``EmbeddingError`` — for a download failure with the ``HubError`` as its `underlying` error
    ///   (codes: `network`, `timeout`, `unauthorized`, `invalidInput` for an unknown or invalid repository,
    ///   `corruptFile` for a checksum mismatch, `fileSystem`, `cancelled`), otherwise as
    ///   ``embedder(directory:variant:)``.
    public func embedder(
        hubModel repoOrPath: String,
        revision: String? = nil,
        hub: HubClient = HubClient(),
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> any Embedder {
        let folder: URL
        do {
            folder = try await hub.snapshot(
                repoOrPath,
                revision: revision,
                matching: ["*.json", "*.safetensors", "*.txt"],
                progress: progress
            )
        } catch {
            throw EmbeddingError(
                Self.code(for: error),
                "cannot fetch \(repoOrPath): \(error.message)",
                underlying: error
            )
        }
        return try await embedder(directory: folder)
    }

    private static func code(for error: HubError) -> EmbeddingError.Code {
        switch error.code {
        case .unauthorized: .unauthorized
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .fileSystem: .fileSystem
        case .checksumMismatch: .corruptFile
        case .invalidRepoID, .notFound: .invalidInput
        case .invalidResponse: .invalidResponse
        default: .network
        }
    }
}
