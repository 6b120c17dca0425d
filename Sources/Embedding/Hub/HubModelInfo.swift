// SPDX-License-Identifier: Apache-2.0

/// What the hub's model API (`GET /api/models/{repo}/revision/{revision}`) says about a repository revision.
public struct HubModelInfo: Sendable, Hashable, Decodable {
    /// One file of the repository.
    public struct Sibling: Sendable, Hashable, Decodable {
        /// The path of the file inside the repository, such as `config.json` or `onnx/model.onnx`.
        public let path: String
        /// The size in bytes, when the API included it (`?blobs=true`).
        public let size: Int64?
        /// The SHA-256 of an LFS file's content, when the API included it.
        public let lfsSHA256: String?

        /// Creates a sibling.
        public init(path: String, size: Int64? = nil, lfsSHA256: String? = nil) {
            self.path = path
            self.size = size
            self.lfsSHA256 = lfsSHA256
        }

        private enum CodingKeys: String, CodingKey { case rfilename, size, lfs }
        private enum LFSKeys: String, CodingKey { case sha256 }

        /// Decodes `{"rfilename": …, "size": …, "lfs": {"sha256": …}}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .rfilename)
            size = try container.decodeIfPresent(Int64.self, forKey: .size)
            let lfs = try? container.nestedContainer(keyedBy: LFSKeys.self, forKey: .lfs)
            lfsSHA256 = try lfs?.decodeIfPresent(String.self, forKey: .sha256)
        }
    }

    /// The repository id as the hub spells it.
    public let id: String
    /// The commit the revision resolved to (40 hexadecimal digits).
    public let sha: String
    /// The files at that commit.
    public let siblings: [Sibling]

    /// Creates model information.
    public init(id: String, sha: String, siblings: [Sibling]) {
        self.id = id
        self.sha = sha
        self.siblings = siblings
    }

    private enum CodingKeys: String, CodingKey { case id, modelId, sha, siblings }

    /// Decodes the API's JSON; `id` falls back to the older `modelId` key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? container.decode(String.self, forKey: .modelId)
        sha = try container.decode(String.self, forKey: .sha)
        siblings = try container.decodeIfPresent([Sibling].self, forKey: .siblings) ?? []
    }
}
