// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// Parsing and cache folder names of ``HubRepoID``.
@Suite struct HubRepoIDTests {
    @Test func repositoryIDs() throws {
        let id = try HubRepoID("openai/clip-vit-base-patch32")
        #expect(id.namespace == "openai" && id.name == "clip-vit-base-patch32")
        #expect(id.cacheFolderName == "models--openai--clip-vit-base-patch32")
        #expect(try HubRepoID("bert-base-uncased").cacheFolderName == "models--bert-base-uncased")
        for bad in [
            "", "a/b/c", "../x", "org/", "/name", "org/na--me", "org/a..b", "org/x.git", "org/-x", "org/sp ace",
        ] {
            #expect(throws: EmbeddingError.self, "\(bad)") { try HubRepoID(bad) }
        }
    }
}
