// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG
import Testing

/// A host program, with nothing but `import MultimodalRAG`, reads the system's error number of a failed file
/// operation: real failures (a path through a regular file, a missing folder, a lock file that is a folder), not
/// injected ones, since the tests run as root and permissions would not fail.
@Suite struct HostFileErrorTests {
    /// A fresh folder holding one regular file, `file`, removed when `body` returns.
    private func withFolder<T>(_ body: (_ folder: String, _ file: String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("host-errno-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/file"
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: file))
        return try await body(folder, file)
    }

    private static func schema() throws -> CollectionSchema {
        try CollectionSchema(
            properties: [Property("n", .integer)],
            vectors: [
                NamedVector(
                    "v",
                    space: EmbeddingSpace(modelID: "host", dimension: 2, normalization: .none),
                    metric: .squaredL2
                )
            ]
        )
    }

    @Test("saving an index under a regular file is fileSystem with posixCode ENOTDIR, path and reason printed")
    func indexSaveThroughAFile() async throws {
        try await withFolder { _, file in
            let index = try FlatIndex(dimension: 2, metric: .squaredL2)
            try index.add(VectorMatrix(rows: [[1, 0], [0, 1]]), ids: [1, 2])
            let error = await #expect(throws: VectorIndexError.self) { try await index.save(to: file + "/index") }
            #expect(error?.code == .fileSystem)
            #expect(error?.posixCode == .ENOTDIR)
            #expect(error?.posixCode.map { POSIXError($0) }?.code == .ENOTDIR)
            #expect(error?.description.contains(file) == true, "\(String(describing: error))")
            #expect(error?.description.contains("[errno \(ENOTDIR)]") == true, "\(String(describing: error))")
        }
    }

    @Test("loading an index from a missing folder is fileSystem with posixCode ENOENT")
    func indexLoadFromAMissingFolder() async throws {
        try await withFolder { folder, _ in
            let path = folder + "/missing/index"
            let flat = await #expect(throws: VectorIndexError.self) { _ = try await FlatIndex.load(from: path) }
            #expect(flat?.code == .fileSystem && flat?.posixCode == .ENOENT)
            #expect(flat?.description.contains(path) == true, "\(String(describing: flat))")
            let ivf = await #expect(throws: VectorIndexError.self) { _ = try await IVFPQIndex.load(from: path) }
            #expect(ivf?.code == .fileSystem && ivf?.posixCode == .ENOENT)
        }
    }

    @Test("creating a collection under a regular file is fileSystem with a POSIXError ENOTDIR as underlying")
    func collectionCreateThroughAFile() async throws {
        try await withFolder { _, file in
            let folder = file + "/collection"
            let error = await #expect(throws: RetrievalError.self) {
                _ = try await MultimodalCollection.create(at: folder, schema: Self.schema())
            }
            #expect(error?.code == .fileSystem)
            #expect((error?.underlying as? POSIXError)?.code == .ENOTDIR, "\(String(describing: error))")
            #expect(error?.description.contains(file) == true, "\(String(describing: error))")
        }
    }

    @Test("opening a collection whose lock file is a folder is fileSystem with a POSIXError EISDIR as underlying")
    func collectionOpenWithAFolderForALock() async throws {
        try await withFolder { folder, _ in
            let path = folder + "/collection"
            let collection = try await MultimodalCollection.create(at: path, schema: Self.schema())
            try await collection.close()
            try FileManager.default.removeItem(atPath: path + "/LOCK")
            try FileManager.default.createDirectory(atPath: path + "/LOCK", withIntermediateDirectories: false)
            let error = await #expect(throws: RetrievalError.self) { _ = try await MultimodalCollection.open(at: path) }
            #expect(error?.code == .fileSystem)
            #expect((error?.underlying as? POSIXError)?.code == .EISDIR, "\(String(describing: error))")
            #expect(error?.description.contains(path + "/LOCK") == true, "\(String(describing: error))")
        }
    }
}
