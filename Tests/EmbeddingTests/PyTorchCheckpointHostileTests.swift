// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// Hostile and broken PyTorch checkpoints: each is a typed ``EmbeddingError`` (or, for a flipped byte the format
/// does not check, a file whose tensors still read without a trap), never a crash, a hang or executed code.
@Suite struct PyTorchCheckpointHostileTests {
    /// Opens `bytes` and reads every tensor; returns the error code, or `nil` when everything read.
    private static func outcome(_ bytes: Data) -> EmbeddingError.Code? {
        do {
            let file = try PyTorchCheckpointFile(data: bytes)
            for (name, info) in file.tensors {
                if info.dtype == .i64 {
                    #expect(try file.int64s(name).count == info.elementCount)
                } else if info.dtype.isFloatingPoint {
                    #expect(try file.floats(name).count == info.elementCount)
                }
            }
            return nil
        } catch {
            return error.code
        }
    }

    private static let sample = Data((try? EmbeddingFixtures.bytes("pytorch/dtypes.pth")) ?? [])

    @Test("every prefix of a checkpoint is a typed error")
    func truncation() throws {
        let bytes = Self.sample
        try #require(bytes.count > 1000)
        #expect(Self.outcome(bytes) == nil)
        for length in 0..<bytes.count {
            let code = Self.outcome(bytes.prefix(length))
            #expect(code == .corruptFile || code == .unsupportedCheckpoint, "prefix \(length)")
        }
    }

    @Test("every flipped byte is a typed error or a file that still reads", arguments: [0xFF, 0x01, 0x80] as [UInt8])
    func byteFlips(mask: UInt8) throws {
        let bytes = [UInt8](Self.sample)
        try #require(bytes.count > 1000)
        var codes: [String: Int] = [:]
        for at in bytes.indices {
            var copy = bytes
            copy[at] ^= mask
            let code = Self.outcome(Data(copy))
            codes[code.map { "\($0)" } ?? "read", default: 0] += 1
        }
        #expect(Set(codes.keys).isSubset(of: ["read", "corruptFile", "unsupportedCheckpoint"]), "\(codes)")
    }

    /// A checkpoint whose pickle is `pickle` and whose one storage `0` holds `storageBytes`.
    private static func archive(pickle: [UInt8], storageBytes: [UInt8] = [UInt8](repeating: 0, count: 16)) -> Data {
        var b = PyTorchArchiveBuilder()
        b.add("data.pkl", pickle)
        b.add("data/0", storageBytes)
        return b.data()
    }

    private static func tensor(_ configure: (inout PickledTensor) -> Void) -> Data {
        var t = PickledTensor(name: "w", key: "0", count: 4, shape: [2, 2], strides: [2, 1])
        configure(&t)
        return archive(pickle: PyTorchArchiveBuilder.stateDictPickle([t]))
    }

    @Test("the builder's own archive reads, including a strided view")
    func builderBaseline() throws {
        let values: [Float] = [1, 2, 3, 4]
        let data = Self.archive(
            pickle: PyTorchArchiveBuilder.stateDictPickle([
                PickledTensor(name: "w", key: "0", count: 4, shape: [2, 2], strides: [1, 2])
            ]),
            storageBytes: values.flatMap { littleEndianBytes(UInt64($0.bitPattern), count: 4) }
        )
        #expect(Array(try PyTorchCheckpointFile(data: data).floats("w")) == [1, 3, 2, 4])
    }

    @Test("globals outside the allowlist are refused by name when the pickle names them")
    func unknownGlobals() {
        for (module, name) in [("posix", "system"), ("os", "system"), ("builtins", "eval"), ("torch", "load")] {
            var p = PickleWriter()
            p.global(module, name)
            p.string("echo never")
            p.op(0x85)
            p.op(0x52)
            p.stop()
            expectError(.unsupportedCheckpoint, mentioning: "global \(module).\(name) at byte 2") {
                _ = try PyTorchCheckpointFile(data: Self.archive(pickle: p.bytes))
            }
        }
    }

    @Test("opcodes outside the subset are named; bytes that are no opcode are corrupt")
    func opcodes() {
        let refused: [(UInt8, String)] = [
            (0x93, "STACK_GLOBAL"), (0x69, "INST"), (0x6F, "OBJ"), (0x81, "NEWOBJ"), (0x95, "FRAME"),
            (0x8C, "SHORT_BINUNICODE"), (0x32, "DUP"), (0x50, "PERSID"), (0x82, "EXT1"),
        ]
        for (code, name) in refused {
            var p = PickleWriter()
            p.op(code)
            expectError(.unsupportedCheckpoint, mentioning: "opcode \(name)") {
                _ = try PyTorchCheckpointFile(data: Self.archive(pickle: p.bytes))
            }
        }
        for code: UInt8 in [0x00, 0x01, 0xFF, 0x99] {
            var p = PickleWriter()
            p.op(code)
            expectError(.corruptFile, mentioning: "not a pickle opcode") {
                _ = try PyTorchCheckpointFile(data: Self.archive(pickle: p.bytes))
            }
        }
    }

    @Test("malformed pickles: underflow, unset memo, missing mark, huge integers, a storage type called")
    func malformedPickles() {
        func expectBad(_ code: EmbeddingError.Code, _ fragment: String, _ build: (inout PickleWriter) -> Void) {
            var p = PickleWriter()
            build(&p)
            expectError(code, mentioning: fragment) {
                _ = try PyTorchCheckpointFile(data: Self.archive(pickle: p.bytes))
            }
        }
        expectBad(.corruptFile, "underflow") { $0.op(0x52) }
        expectBad(.corruptFile, "memo 7") { $0.bytes += [0x68, 7] }
        expectBad(.corruptFile, "no MARK") { $0.op(0x74) }
        expectBad(.corruptFile, "truncated") { $0.bytes += [0x58, 0xFF, 0xFF, 0xFF, 0x7F] }
        expectBad(.corruptFile, "truncated") { _ in }
        expectBad(.unsupportedCheckpoint, "too large") { $0.bytes += [0x8A, 9] + [UInt8](repeating: 1, count: 9) }
        expectBad(.unsupportedCheckpoint, "torch.FloatStorage") {
            $0.global("torch", "FloatStorage")
            $0.op(0x29)
            $0.op(0x52)
        }
        expectBad(.unsupportedCheckpoint, "not a state dict") {
            $0.int(3)
            $0.stop()
        }
        expectBad(.unsupportedCheckpoint, "not a tensor") {
            $0.op(0x7D)
            $0.string("epoch")
            $0.int(3)
            $0.op(0x73)
            $0.stop()
        }
        expectBad(.unsupportedCheckpoint, "string keys") {
            $0.op(0x7D)
            $0.int(1)
            $0.int(3)
            $0.op(0x73)
            $0.stop()
        }
    }

    @Test("storages and views that do not fit are corrupt, before any element is read")
    func outOfRange() {
        expectError(.corruptFile, mentioning: "does not fit") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.offset = 1 })
        }
        expectError(.corruptFile, mentioning: "does not fit") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.strides = [3, 1] })
        }
        expectError(.corruptFile, mentioning: "does not fit") {
            _ = try PyTorchCheckpointFile(
                data: Self.tensor {
                    $0.shape = [0, 2]; $0.offset = 5
                }
            )
        }
        expectError(.corruptFile, mentioning: "overflow") {
            _ = try PyTorchCheckpointFile(
                data: Self.tensor {
                    $0.shape = [Int(Int64.max / 2), 4]; $0.strides = [4, 1]
                }
            )
        }
        expectError(.corruptFile, mentioning: "overflow") {
            _ = try PyTorchCheckpointFile(
                data: Self.tensor {
                    $0.shape = [2, 2]; $0.strides = [Int(Int64.max), 1]
                }
            )
        }
        // Overlapping strides cannot make a view larger than its storage (it would allocate without bound).
        expectError(.corruptFile, mentioning: "does not fit") {
            _ = try PyTorchCheckpointFile(
                data: Self.tensor {
                    $0.shape = [1 << 40]; $0.strides = [0]
                }
            )
        }
        expectError(.corruptFile, mentioning: "has 16 bytes") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.count = 5 })
        }
        expectError(.corruptFile, mentioning: "missing") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.key = "9" })
        }
        expectError(.corruptFile, mentioning: "not valid") {
            _ = try PyTorchCheckpointFile(
                data: Self.tensor {
                    $0.shape = [2, 2]; $0.strides = [2]
                }
            )
        }
        expectError(.corruptFile, mentioning: "not valid") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.offset = -1 })
        }
        expectError(.unsupportedCheckpoint, mentioning: "torch.ComplexFloatStorage") {
            _ = try PyTorchCheckpointFile(data: Self.tensor { $0.storage = "ComplexFloatStorage" })
        }
        // One storage described with two element types.
        let two = PyTorchArchiveBuilder.stateDictPickle([
            PickledTensor(name: "a", key: "0", count: 4, shape: [4], strides: [1]),
            PickledTensor(name: "b", storage: "IntStorage", key: "0", count: 4, shape: [4], strides: [1]),
        ])
        expectError(.corruptFile, mentioning: "two ways") {
            _ = try PyTorchCheckpointFile(data: Self.archive(pickle: two))
        }
    }

    @Test("archives without one data.pkl, or with a bad byteorder, are corrupt")
    func archiveLayout() {
        var none = PyTorchArchiveBuilder()
        none.add("data/0", [0, 0, 0, 0])
        expectError(.corruptFile, mentioning: "data.pkl") { _ = try PyTorchCheckpointFile(data: none.data()) }
        var order = PyTorchArchiveBuilder.floats([("w", [1], [1])])
        order.members[1].bytes = Array("middle".utf8)
        expectError(.corruptFile, mentioning: "byteorder") { _ = try PyTorchCheckpointFile(data: order.data()) }
        expectError(.corruptFile, mentioning: "not a zip") { _ = try PyTorchCheckpointFile(data: Data("hello".utf8)) }
        var twice = PyTorchArchiveBuilder.floats([("w", [1], [1])])
        twice.members.append(twice.members[2])
        expectError(.corruptFile, mentioning: "twice") { _ = try PyTorchCheckpointFile(data: twice.data()) }
    }
}
