// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// Environment handling of ``HubConfiguration``.
@Suite struct HubConfigurationTests {
    @Test func defaultsFollowHuggingFaceHub() {
        let configuration = HubConfiguration.fromEnvironment(["HOME": "/home/u"])
        #expect(configuration.endpoint.absoluteString == "https://huggingface.co")
        #expect(configuration.cacheDirectory.path == "/home/u/.cache/huggingface/hub")
        #expect(configuration.token == nil)
        #expect(!configuration.offline)
        let xdg = HubConfiguration.fromEnvironment(["HOME": "/home/u", "XDG_CACHE_HOME": "/x"])
        #expect(xdg.cacheDirectory.path == "/x/huggingface/hub")
    }

    @Test func variablesOverrideDefaults() {
        let home = HubConfiguration.fromEnvironment([
            "HF_HOME": "/data/hf", "HF_ENDPOINT": "http://mirror.local:8080/", "HF_TOKEN": "hf_abc",
            "HF_HUB_OFFLINE": "1", "HF_HUB_DOWNLOAD_TIMEOUT": "2.5",
        ])
        #expect(home.cacheDirectory.path == "/data/hf/hub")
        #expect(home.endpoint.absoluteString == "http://mirror.local:8080")
        #expect(home.token == "hf_abc")
        #expect(home.offline)
        #expect(home.requestTimeout == .milliseconds(2500))
        #expect(!home.description.contains("hf_abc"))

        let hubCache = HubConfiguration.fromEnvironment(["HF_HOME": "/data/hf", "HF_HUB_CACHE": "/cache/hub"])
        #expect(hubCache.cacheDirectory.path == "/cache/hub")
        for (value, expected) in [("true", true), ("ON", true), ("0", false), ("", false), ("no", false)] {
            #expect(HubConfiguration.fromEnvironment(["HF_HUB_OFFLINE": value]).offline == expected)
        }
    }

    /// A fresh temporary folder, removed when `body` returns.
    private func withTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test func tokenFileInHFHomeIsReadWhenHFTokenIsUnset() throws {
        try withTemporaryFolder { home in
            try write("hf_from_file\n", to: home.appendingPathComponent("token"))
            let configuration = HubConfiguration.fromEnvironment(["HF_HOME": home.path])
            #expect(configuration.token == "hf_from_file")
            #expect(configuration.cacheDirectory.path == home.appendingPathComponent("hub").path)
            #expect(!configuration.description.contains("hf_from_file"))
            // The variables win over the file; an empty HF_TOKEN counts as unset.
            #expect(HubConfiguration.fromEnvironment(["HF_HOME": home.path, "HF_TOKEN": "hf_env"]).token == "hf_env")
            let legacy = HubConfiguration.fromEnvironment(["HF_HOME": home.path, "HUGGING_FACE_HUB_TOKEN": "hf_old"])
            #expect(legacy.token == "hf_old")
            #expect(HubConfiguration.fromEnvironment(["HF_HOME": home.path, "HF_TOKEN": ""]).token == "hf_from_file")
            // HF_HUB_CACHE moves the cache, not the token.
            let elsewhere = HubConfiguration.fromEnvironment(["HF_HOME": home.path, "HF_HUB_CACHE": "/cache/hub"])
            #expect(elsewhere.token == "hf_from_file" && elsewhere.cacheDirectory.path == "/cache/hub")
        }
    }

    @Test func tokenPathDefaultsFollowHFHome() throws {
        try withTemporaryFolder { root in
            // Without HF_HOME: $XDG_CACHE_HOME/huggingface/token, else $HOME/.cache/huggingface/token.
            try write("hf_xdg", to: root.appendingPathComponent("xdg/huggingface/token"))
            try write("hf_home", to: root.appendingPathComponent("home/.cache/huggingface/token"))
            let home = root.appendingPathComponent("home").path
            let xdg = root.appendingPathComponent("xdg").path
            #expect(HubConfiguration.fromEnvironment(["HOME": home, "XDG_CACHE_HOME": xdg]).token == "hf_xdg")
            #expect(HubConfiguration.fromEnvironment(["HOME": home]).token == "hf_home")
            #expect(HubConfiguration.fromEnvironment(["HOME": root.path]).token == nil)
        }
    }

    @Test func tokenPathVariableReplacesTheDefaultFile() throws {
        try withTemporaryFolder { root in
            try write("hf_default", to: root.appendingPathComponent("hf/token"))
            try write("  hf_custom \r\n", to: root.appendingPathComponent("secrets/hf-token"))
            let hfHome = root.appendingPathComponent("hf").path
            let custom = HubConfiguration.fromEnvironment([
                "HF_HOME": hfHome, "HF_TOKEN_PATH": root.appendingPathComponent("secrets/hf-token").path,
            ])
            #expect(custom.token == "hf_custom")
            let tilde = HubConfiguration.fromEnvironment([
                "HOME": root.path, "HF_HOME": hfHome, "HF_TOKEN_PATH": "~/secrets/hf-token",
            ])
            #expect(tilde.token == "hf_custom")
            // A missing file at HF_TOKEN_PATH means no token, even though $HF_HOME/token exists.
            let missing = HubConfiguration.fromEnvironment([
                "HF_HOME": hfHome, "HF_TOKEN_PATH": root.appendingPathComponent("absent").path,
            ])
            #expect(missing.token == nil)
        }
    }

    @Test(arguments: [("", nil), ("\n", nil), (" \t\r\n ", nil), ("hf_ab\ncd\n", "hf_abcd"), ("\thf_x\t", "hf_x")])
    func tokenFileIsCleaned(contents: String, expected: String?) throws {
        try withTemporaryFolder { home in
            try write(contents, to: home.appendingPathComponent("token"))
            #expect(HubConfiguration.fromEnvironment(["HF_HOME": home.path]).token == expected)
        }
    }
}
