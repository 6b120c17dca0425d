// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// `torch.save` files written by `Fixtures/pytorch/make_fixtures.py` (torch 2.13), read against the values torch
/// itself reported (`expected.json`: float32 bit patterns after widening, int64 values as strings).
@Suite struct PyTorchCheckpointTests {
    struct Expected: Decodable {
        let shape: [Int]
        let dtype: String
        let f32Bits: [UInt32]?
        let i64: [String]?
        enum CodingKeys: String, CodingKey {
            case shape, dtype, i64
            case f32Bits = "f32_bits"
        }
    }

    static let expected: [String: [String: Expected]] = {
        guard let url = try? EmbeddingFixtures.url("pytorch/expected.json"), let data = try? Data(contentsOf: url),
            let decoded = try? JSONDecoder().decode([String: [String: Expected]].self, from: data)
        else { return [:] }
        return decoded
    }()

    static func open(_ name: String) throws -> PyTorchCheckpointFile {
        try PyTorchCheckpointFile(data: Data(contentsOf: EmbeddingFixtures.url("pytorch/" + name)), sourceName: name)
    }

    /// Checks every tensor of `file` against the expected values of `set`.
    static func expectMatches(
        _ file: PyTorchCheckpointFile,
        _ set: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let expected = try #require(Self.expected[set], sourceLocation: sourceLocation)
        #expect(file.names == expected.keys.sorted(), sourceLocation: sourceLocation)
        for (name, want) in expected {
            let info = try file.info(name)
            #expect(info.shape == want.shape, "\(name)", sourceLocation: sourceLocation)
            if let bits = want.f32Bits {
                let got = try file.floats(name, shape: want.shape).map(\.bitPattern)
                #expect(Array(got) == bits, "\(name)", sourceLocation: sourceLocation)
            } else if let ints = want.i64 {
                #expect(try file.int64s(name) == ints.map { Int64($0)! }, "\(name)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("every dtype, a 0-d tensor, a parameter, strided and offset views, an empty tensor")
    func dtypes() throws {
        let file = try Self.open("dtypes.pth")
        try Self.expectMatches(file, "dtypes")
        #expect(try file.info("f16").dtype == .f16)
        #expect(try file.info("bf16").dtype == .bf16)
        #expect(try file.info("scalar").shape == [])
        #expect(Array(try file.floats("scalar", shape: [])) == [1.5])
        let transposed = try file.info("transposed")
        #expect(!transposed.isContiguous && transposed.strides == [1, 4])
        #expect(try file.info("rows").storageKey == transposed.storageKey)
        #expect(try file.info("rows").storageOffset == 4)
        #expect(try file.info("columns").storageOffset == 1)
        #expect(try file.info("expanded").isContiguous)
        #expect(try file.floats("empty", shape: [0, 3]).isEmpty)
        expectError(.unsupportedDType, mentioning: "f64") { _ = try file.floats("f64") }
        expectError(.unsupportedDType, mentioning: "i32") { _ = try file.int64s("i32") }
        expectError(.unsupportedDType, mentioning: "i64") { _ = try file.floats("i64") }
        expectError(.shapeMismatch, mentioning: "f32") { _ = try file.floats("f32", shape: [3, 2]) }
        expectError(.missingTensor, mentioning: "nope") { _ = try file.floats("nope") }
    }

    @Test("a memory-mapped file reads the same, also after a tensor's pages were released and read again")
    func mappedFile() async throws {
        let file = try await PyTorchCheckpointFile(contentsOf: EmbeddingFixtures.url("pytorch/dtypes.pth"))
        try Self.expectMatches(file, "dtypes")
        try Self.expectMatches(file, "dtypes")  // views of one storage re-read released pages
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).pth")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        await expectEmbeddingError(.corruptFile, mentioning: "not a zip") {
            _ = try await PyTorchCheckpointFile(contentsOf: empty)
        }
    }

    @Test("a module's state_dict (its _metadata set with BUILD)")
    func moduleStateDict() throws {
        try Self.expectMatches(try Self.open("module.pth"), "module")
    }

    @Test("the same archive re-packed with zip64 records, and with big-endian storages, reads the same")
    func zip64AndBigEndian() throws {
        for name in ["zip64.pth", "bigendian.pth"] {
            try Self.expectMatches(try Self.open(name), "dtypes")
        }
    }

    @Test("the legacy format, compressed members and a pickle calling os.system are refused by name")
    func refusedFiles() throws {
        expectError(.unsupportedCheckpoint, mentioning: "legacy") { _ = try Self.open("legacy.pth") }
        expectError(.unsupportedCheckpoint, mentioning: "compressed") { _ = try Self.open("deflated.pth") }
        expectError(.unsupportedCheckpoint, mentioning: "global posix.system") { _ = try Self.open("os_system.pth") }
    }

    @Test("PyTorchCheckpoint opens a file, a folder's pytorch_model.bin, and a sharded index")
    func checkpointFolders() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = PyTorchArchiveBuilder.floats([("a.weight", [2, 2], [1, 2, 3, 4])])
        let b = PyTorchArchiveBuilder.floats([("b.bias", [3], [5, 6, 7])])
        try a.data().write(to: folder.appendingPathComponent("pytorch_model.bin"))
        let single = try await PyTorchCheckpoint(directory: folder)
        #expect(single.names == ["a.weight"])
        #expect(try single.shape(of: "a.weight") == [2, 2])

        try a.data().write(to: folder.appendingPathComponent("pytorch_model-00001-of-00002.bin"))
        try b.data().write(to: folder.appendingPathComponent("pytorch_model-00002-of-00002.bin"))
        let index =
            #"{"metadata": {}, "weight_map": {"a.weight": "pytorch_model-00001-of-00002.bin", "b.bias": "pytorch_model-00002-of-00002.bin"}}"#
        try Data(index.utf8).write(to: folder.appendingPathComponent("pytorch_model.bin.index.json"))
        let sharded = try await PyTorchCheckpoint(directory: folder)
        #expect(sharded.names == ["a.weight", "b.bias"])
        #expect(Array(try sharded.floats("b.bias", shape: [3])) == [5, 6, 7])
        expectError(.corruptFile, mentioning: "a.weight") {
            _ = try PyTorchCheckpoint(files: single.files + sharded.files)
        }

        let wrong = #"{"weight_map": {"a.weight": "pytorch_model-00002-of-00002.bin"}}"#
        try Data(wrong.utf8).write(to: folder.appendingPathComponent("pytorch_model.bin.index.json"))
        await expectEmbeddingError(.corruptFile, mentioning: "a.weight") {
            _ = try await PyTorchCheckpoint(directory: folder)
        }
        await expectEmbeddingError(.notFound) { _ = try await PyTorchCheckpoint(directory: folder, variant: "fp16") }
    }

    @Test(
        "imagebind-tiny model.pth: all 211 tensors bit-identical to model.safetensors",
        .enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder")
    )
    func imageBindTiny() async throws {
        let folder = try ModelFixture.shared("imagebind-tiny")
        let pth = try await PyTorchCheckpoint(file: folder.appendingPathComponent("model.pth"))
        let safetensors = try await SafetensorsCheckpoint(
            files: [SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))]
        )
        #expect(pth.names.count == 211)
        #expect(pth.names == safetensors.names)
        for name in safetensors.names {
            let shape = try safetensors.shape(of: name)
            #expect(try pth.shape(of: name) == shape, "\(name)")
            let want = try safetensors.floats(name, shape: shape).map(\.bitPattern)
            let got = try pth.floats(name, shape: shape).map(\.bitPattern)
            #expect(Array(got) == Array(want), "\(name)")
        }
    }
}
