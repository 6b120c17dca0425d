// SPDX-License-Identifier: Apache-2.0

/// A model repository on the Hugging Face Hub, such as `openai/clip-vit-base-patch32`.
public struct HubRepoID: Hashable, Sendable, CustomStringConvertible {
    /// The owner (user or organization), or `nil` for a legacy id without one (`bert-base-uncased`).
    public let namespace: String?
    /// The repository name.
    public let name: String

    /// Parses `namespace/name` or `name`.
    ///
    /// Each part is 1–96 characters of letters, digits, `-`, `_` and `.`; it may not start or end with `-` or `.`,
    /// nor contain `--` or `..`, and the name may not end in `.git`.
    /// - Throws: ``EmbeddingError/Code/invalidRepoID``.
    public init(_ id: String) throws(EmbeddingError) {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2, parts.allSatisfy(Self.isValidPart), !id.hasSuffix(".git") else {
            throw EmbeddingError(.invalidRepoID, "'\(id)' is not a repository id of the form 'namespace/name'")
        }
        namespace = parts.count == 2 ? parts[0] : nil
        name = parts[parts.count - 1]
    }

    /// `namespace/name`, or `name`.
    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    /// The repository's folder in the cache: `models--namespace--name`, as `huggingface_hub` names it.
    public var cacheFolderName: String { "models--" + description.replacingSlashes(with: "--") }

    private static func isValidPart(_ part: String) -> Bool {
        let scalars = part.unicodeScalars
        guard (1...96).contains(scalars.count), !part.contains("--"), !part.contains("..") else { return false }
        guard let first = scalars.first, let last = scalars.last, ![".", "-"].contains(first),
            ![".", "-"].contains(last)
        else { return false }
        return scalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
        }
    }
}

extension String {
    fileprivate func replacingSlashes(with replacement: String) -> String {
        split(separator: "/", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
