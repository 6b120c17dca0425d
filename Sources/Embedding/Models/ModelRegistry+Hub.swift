// SPDX-License-Identifier: Apache-2.0

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
    /// - Throws: ``EmbeddingError`` — for a download failure the hub client's error as it is (codes: `network`,
    ///   `timeout`, `unauthorized`, `notFound` for an unknown repository, revision or local folder,
    ///   `invalidRepoID` for a malformed repository id, `offlineMissing`, `checksumMismatch`, `invalidResponse`,
    ///   `fileSystem`, `cancelled`), otherwise as ``embedder(directory:variant:)``.
    public func embedder(
        hubModel repoOrPath: String,
        revision: String? = nil,
        hub: HubClient = HubClient(),
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> any Embedder {
        let folder = try await hub.snapshot(
            repoOrPath,
            revision: revision,
            matching: ["*.json", "*.safetensors", "*.txt"],
            progress: progress
        )
        return try await embedder(directory: folder)
    }
}
