// SPDX-License-Identifier: Apache-2.0

public import Foundation

/// Where ``HubClient`` downloads from, where it caches, and how it behaves offline.
///
/// ``fromEnvironment(_:)`` reads the same variables as the Python `huggingface_hub` library, so both share one
/// cache. The description never shows the token.
public struct HubConfiguration: Sendable, CustomStringConvertible {
    /// When a cached snapshot is used without asking the hub.
    public enum CachePolicy: Sendable, Hashable {
        /// Use a cached snapshot without any request when the revision's ref and snapshot exist and every pattern
        /// matches a cached file; otherwise ask the hub. A branch such as `main` is not checked for new commits.
        case preferCache
        /// Always ask the hub which commit the revision points to (as `huggingface_hub` does); files already in
        /// the cache are not downloaded again.
        case revalidate
    }

    /// The hub's base URL; the default is `https://huggingface.co`.
    public var endpoint: URL
    /// The cache root, which holds one `models--namespace--name` folder per repository.
    public var cacheDirectory: URL
    /// The access token sent as `Authorization: Bearer …`, only to ``endpoint``'s origin.
    public var token: String?
    /// Whether to use the cache only and never touch the network.
    public var offline: Bool
    /// When a cached snapshot is used without asking the hub.
    public var cachePolicy: CachePolicy
    /// How long a request may go without receiving data.
    public var requestTimeout: Duration
    /// How many times a request (or an interrupted download) is attempted in total.
    public var maxAttempts: Int

    /// The default hub URL.
    public static let defaultEndpoint = URL(string: "https://huggingface.co")!

    /// Creates a configuration.
    public init(
        endpoint: URL = HubConfiguration.defaultEndpoint,
        cacheDirectory: URL,
        token: String? = nil,
        offline: Bool = false,
        cachePolicy: CachePolicy = .preferCache,
        requestTimeout: Duration = .seconds(10),
        maxAttempts: Int = 5
    ) {
        self.endpoint = endpoint
        self.cacheDirectory = cacheDirectory
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.offline = offline
        self.cachePolicy = cachePolicy
        self.requestTimeout = requestTimeout
        self.maxAttempts = max(1, maxAttempts)
    }

    /// A configuration from environment variables, as `huggingface_hub` reads them.
    ///
    /// - `HF_HUB_CACHE` is the cache root; otherwise `$HF_HOME/hub`; otherwise `$XDG_CACHE_HOME/huggingface/hub`;
    ///   otherwise `~/.cache/huggingface/hub`.
    /// - `HF_ENDPOINT` replaces the default endpoint `https://huggingface.co`.
    /// - `HF_TOKEN` (or the older `HUGGING_FACE_HUB_TOKEN`) is the access token. When neither is set, the token is
    ///   read from the file at `HF_TOKEN_PATH`, by default `$HF_HOME/token` (`~/.cache/huggingface/token`), where
    ///   `hf auth login` stores it. Line breaks and surrounding white space are removed; an empty or missing file
    ///   means no token.
    /// - `HF_HUB_OFFLINE` set to `1`, `true`, `yes` or `on` turns on offline mode.
    /// - `HF_HUB_DOWNLOAD_TIMEOUT` (seconds) sets ``requestTimeout``.
    ///
    /// - Parameter environment: The variables; pass a dictionary in tests to stay away from the real cache.
    /// - Returns: The configuration those variables describe.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> HubConfiguration {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let home = value("HOME") ?? NSHomeDirectoryFallback.path
        let hfHome =
            value("HF_HOME").map { expandingTilde($0, home: home) }
            ?? (value("XDG_CACHE_HOME").map { expandingTilde($0, home: home) } ?? home + "/.cache") + "/huggingface"
        let cache: URL
        if let hubCache = value("HF_HUB_CACHE") ?? value("HUGGINGFACE_HUB_CACHE") {
            cache = URL(fileURLWithPath: expandingTilde(hubCache, home: home), isDirectory: true)
        } else {
            cache = URL(fileURLWithPath: hfHome, isDirectory: true).appendingPathComponent("hub", isDirectory: true)
        }
        let tokenPath = value("HF_TOKEN_PATH").map { expandingTilde($0, home: home) } ?? hfHome + "/token"
        let token =
            cleanedToken(value("HF_TOKEN")) ?? cleanedToken(value("HUGGING_FACE_HUB_TOKEN"))
            ?? cleanedToken(tokenFile(at: tokenPath))
        let endpoint = value("HF_ENDPOINT").flatMap { URL(string: $0.trimmingTrailingSlashes()) } ?? defaultEndpoint
        let offline = value("HF_HUB_OFFLINE").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
        let timeout = value("HF_HUB_DOWNLOAD_TIMEOUT").flatMap(Double.init).map {
            Duration.milliseconds(Int64($0 * 1000))
        }
        return HubConfiguration(
            endpoint: endpoint,
            cacheDirectory: cache,
            token: token,
            offline: offline,
            requestTimeout: timeout ?? .seconds(10)
        )
    }

    /// The settings, with the token shown only as present or absent.
    public var description: String {
        "HubConfiguration(endpoint: \(endpoint.absoluteString), cache: \(cacheDirectory.path), "
            + "token: \(token == nil ? "none" : "<redacted>"), offline: \(offline), cachePolicy: \(cachePolicy))"
    }

    /// The contents of a token file, or `nil` if it can not be read as UTF-8 text.
    private static func tokenFile(at path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// A token without line breaks and surrounding white space, as `huggingface_hub` cleans it; `nil` if nothing
    /// is left.
    private static func cleanedToken(_ token: String?) -> String? {
        guard let token else { return nil }
        let scalars = token.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }
        let cleaned = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    private static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }
}

/// The home directory when `HOME` is unset.
private enum NSHomeDirectoryFallback {
    static var path: String { FileManager.default.homeDirectoryForCurrentUser.path }
}

extension String {
    fileprivate func trimmingTrailingSlashes() -> String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
