// SPDX-License-Identifier: Apache-2.0

import Foundation

extension ModelRegistry {
    /// The embedder of a Hugging Face model, downloaded into the hub cache if needed: a model one line away.
    ///
    /// ```swift
    /// let clip = try await ModelRegistry.standard.embedder(hubModel: "openai/clip-vit-base-patch32")
    /// let minilm = try await ModelRegistry.standard.embedder(hubModel: "sentence-transformers/all-MiniLM-L6-v2")
    /// ```
    ///
    /// Only the files a native model reads are fetched: the JSON and text files (configuration, tokenizer,
    /// pooling), then the one weight file `model[.variant].safetensors` or, when the repository has an index
    /// `model[.variant].safetensors.index.json`, exactly the shards it names. A repository without safetensors
    /// weights (many older CLIP and BERT repositories) gets `pytorch_model[.variant].bin`, or the shards its
    /// `pytorch_model[.variant].bin.index.json` names, read by the weights-only ``PyTorchCheckpointFile``. Other
    /// formats and variants (ONNX exports, an fp16 copy) are not downloaded. See <doc:ModelCacheAndOfflineUse>
    /// for the cache and offline mode.
    ///
    /// The embedder's ``EmbeddingSpace`` names the repository (`modelID`) and the commit the snapshot was taken
    /// at (`revision`), so vectors and ``EmbeddingCacheKey``s from one commit are never mixed with another's.
    ///
    /// - Parameters:
    ///   - repoOrPath: A repository id such as `openai/clip-vit-base-patch32`, or a local checkpoint folder.
    ///   - revision: A branch, tag or commit; `nil` for `main`.
    ///   - variant: A weight variant such as `fp16` (`model.fp16.safetensors`), or `nil` for `model.safetensors`.
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
        variant: String? = nil,
        hub: HubClient = HubClient(),
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> any Embedder {
        let matching = ["*.json", "*.txt"]
        let folder = try await hub.snapshot(repoOrPath, revision: revision, matching: matching, progress: progress)
        // A local folder comes back as it is; a snapshot then gets the weights of the same commit.
        if let snapshot = HubCache.snapshotIdentity(folder) {
            let listing = HubCache(root: hub.configuration.cacheDirectory, repo: try HubRepoID(snapshot.repo))
                .recordedFiles(snapshot.commit)
            let weights = try WeightFiles.resolve(in: folder, variant: variant, listing: listing).names
            _ = try await hub.snapshot(repoOrPath, revision: snapshot.commit, matching: weights, progress: progress)
        }
        return try await embedder(directory: folder, variant: variant)
    }
}
