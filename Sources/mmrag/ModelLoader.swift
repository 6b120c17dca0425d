// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// Loads the embedder a command needs: from a local checkpoint folder, or from the Hugging Face hub through the
/// library's hub loader (downloaded once into the standard cache, reused after).
///
/// A cold cache without a reachable hub is found out quickly: the cache is tried first without any request, then
/// one short request (at most 5 s, no retries) asks the hub before the real download starts; when it fails, the
/// error says which variables to set or to pass `--model PATH`.
struct ModelLoader: Sendable {
    /// The model `mmrag` uses when none is given.
    static let defaultModel = "openai/clip-vit-base-patch32"
    /// The longest the reachability check may wait.
    static let probeTimeout: Duration = .seconds(5)

    let console: Console

    /// The embedder of `model`: a checkpoint folder, or a hub repository id.
    func load(_ model: String) async throws(ToolError) -> any Embedder {
        if let folder = try Self.localFolder(model) { return try await loadFolder(folder) }
        let configuration = HubConfiguration.fromEnvironment(console.environment)
        var cacheOnly = configuration
        cacheOnly.offline = true
        do {
            return try await ModelRegistry.standard.embedder(hubModel: model, hub: HubClient(configuration: cacheOnly))
        } catch  where error.code == .offlineMissing {
            // Not (completely) cached: the hub must be asked.
        } catch {
            throw .failure(
                "cannot load \(model) from the cache \(configuration.cacheDirectory.path)",
                underlying: error
            )
        }
        if configuration.offline {
            throw .failure(
                "HF_HUB_OFFLINE is set and the Hugging Face cache \(configuration.cacheDirectory.path) has no copy of "
                    + "\(model); unset HF_HUB_OFFLINE to download it, set HF_HUB_CACHE (or HF_HOME) to a cache that "
                    + "has it, or pass --model PATH to a local checkpoint folder"
            )
        }
        let repo: HubRepoID
        do { repo = try HubRepoID(model) } catch {
            throw .failure("'\(model)' is neither a folder nor a hub repository id", underlying: error)
        }
        try await probe(repo, configuration)
        console.note(
            "downloading \(model) into \(configuration.cacheDirectory.path) (once; later runs use the cache)"
        )
        let bar = ProgressBar(console: console, label: "download", unit: .bytes)
        defer { bar.finish() }
        do {
            return try await ModelRegistry.standard.embedder(
                hubModel: model,
                hub: HubClient(configuration: configuration)
            ) { progress in
                bar.update(
                    completed: progress.completedBytes,
                    total: progress.totalBytes,
                    detail: "file \(progress.fileIndex + 1)/\(progress.fileCount) \(progress.file)"
                )
            }
        } catch {
            throw .failure("cannot download \(model)", underlying: error)
        }
    }

    /// Asks the hub once, briefly, whether `repo` can be fetched; throws the "what to do" error when it cannot.
    private func probe(_ repo: HubRepoID, _ configuration: HubConfiguration) async throws(ToolError) {
        var quick = configuration
        quick.maxAttempts = 1
        quick.requestTimeout = min(configuration.requestTimeout, Self.probeTimeout)
        do {
            _ = try await HubClient(configuration: quick).modelInfo(repo)
        } catch  where error.code == .network || error.code == .timeout {
            throw .failure(
                "cannot reach \(configuration.endpoint.absoluteString) to download \(repo) (\(error.message)) and "
                    + "the Hugging Face cache \(configuration.cacheDirectory.path) has no copy of it; connect to the "
                    + "network and run again, set HF_ENDPOINT to a reachable mirror, set HF_HUB_CACHE (or HF_HOME) to "
                    + "a cache that has the model, or pass --model PATH to a local checkpoint folder"
            )
        } catch {
            throw .failure("cannot download \(repo)", underlying: error)
        }
    }

    private func loadFolder(_ folder: URL) async throws(ToolError) -> any Embedder {
        do {
            return try await ModelRegistry.standard.embedder(directory: folder)
        } catch {
            throw .failure("cannot load the model in \(folder.path)", underlying: error)
        }
    }

    /// The folder `model` names, `nil` when it should be a repository id.
    static func localFolder(_ model: String) throws(ToolError) -> URL? {
        let path = NSString(string: model).expandingTildeInPath
        let url = URL(fileURLWithPath: path, isDirectory: true)
        if (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
            return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        }
        if ["/", "./", "../", "~/"].contains(where: { model.hasPrefix($0) }) || model == "." || model == ".." {
            throw .failure("no model folder at \(model)")
        }
        return nil
    }
}
