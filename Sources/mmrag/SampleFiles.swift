// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Finds the sample files shipped with `mmrag` (the target's `Samples` resource folder).
enum SampleFiles {
    /// The environment variable that points at another samples folder (with `collection/` and `queries/`).
    static let environmentVariable = "MMRAG_SAMPLES"

    /// The samples folder: `MMRAG_SAMPLES`, else the resource bundle beside the executable, else the sources.
    static func folder(environment: [String: String]) throws(ToolError) -> URL {
        var candidates: [URL] = []
        if let path = environment[environmentVariable], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path, isDirectory: true))
        }
        var executables: [URL] = []
        if let url = Bundle.main.executableURL { executables.append(url.deletingLastPathComponent()) }
        executables.append(Bundle.main.bundleURL)
        executables.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in executables {
            for bundle in ["multimodal-rag_mmrag.resources", "multimodal-rag_mmrag.bundle"] {
                candidates.append(directory.appendingPathComponent(bundle).appendingPathComponent("Samples"))
                candidates.append(
                    directory.appendingPathComponent(bundle).appendingPathComponent("Contents/Resources/Samples")
                )
            }
        }
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Samples")
        )
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("collection").path) {
            return candidate
        }
        throw .failure(
            "cannot find the sample files (looked beside the executable and in the sources); set \(environmentVariable) "
                + "to a folder with collection/ and queries/"
        )
    }
}
