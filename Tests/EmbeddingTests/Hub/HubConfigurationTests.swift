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
}
