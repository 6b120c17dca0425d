// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

@Suite struct SafetensorsFileTests {
    private func le16(_ values: [UInt16]) -> [UInt8] { values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    private func sample() -> SafetensorsBuilder {
        var b = SafetensorsBuilder()
        b.add("a.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        b.add("b.bias", shape: [2], floats: [-0.5, 0.25])
        return b
    }

    @Test func readsF32TensorsAndMetadata() throws {
        let file = try SafetensorsFile(data: sample().data())
        #expect(file.metadata == ["format": "pt"])
        #expect(file.names == ["a.weight", "b.bias"])
        #expect(try file.info("a.weight").shape == [2, 3])
        #expect(Array(try file.floats("a.weight", shape: [2, 3])) == [1, 2, 3, 4, 5, 6])
        #expect(Array(try file.floats("b.bias")) == [-0.5, 0.25])
    }

    @Test func widensF16ExactlyIncludingSpecialValues() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x7E00, 0x8000, 0x3555]
        var b = SafetensorsBuilder()
        b.add("h", dtype: "F16", shape: [bits.count], bytes: le16(bits))
        let values = Array(try SafetensorsFile(data: b.data()).floats("h"))
        #expect(values[0] == 1 && values[1] == -2)
        #expect(values[2] == 0x1p-24)  // smallest subnormal
        #expect(values[3] == Float(1023) * 0x1p-24)  // largest subnormal
        #expect(values[4] == 0x1p-14)  // smallest normal
        #expect(values[5] == 65504)
        #expect(values[6] == .infinity && values[7] == -.infinity)
        #expect(values[8].isNaN)
        #expect(values[9] == 0 && values[9].sign == .minus)
        // Every finite F16 pattern agrees with the toolchain's conversion.
        let all = (0...UInt16.max).map { $0 }
        var every = SafetensorsBuilder()
        every.add("all", dtype: "F16", shape: [all.count], bytes: le16(all))
        let widened = try SafetensorsFile(data: every.data()).floats("all")
        for (i, pattern) in all.enumerated() {
            let reference = Float(Float16(bitPattern: pattern))
            #expect(widened[i].bitPattern == reference.bitPattern || (widened[i].isNaN && reference.isNaN))
        }
    }

    @Test func widensBF16() throws {
        let bits: [UInt16] = [0x3F80, 0xC040, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x8000]
        var b = SafetensorsBuilder()
        b.add("b", dtype: "BF16", shape: [7], bytes: le16(bits))
        let v = Array(try SafetensorsFile(data: b.data()).floats("b"))
        #expect(v[0] == 1 && v[1] == -3)
        #expect(v[2] == Float(bitPattern: 0x0001_0000))  // subnormal
        #expect(v[3] == .infinity && v[4] == -.infinity && v[5].isNaN)
        #expect(v[6] == 0 && v[6].sign == .minus)
    }

    @Test func readsI64AndRejectsWrongDTypes() throws {
        var b = sample()
        let ints: [Int64] = [0, 1, -7, .max]
        b.add(
            "position_ids",
            dtype: "I64",
            shape: [4],
            bytes: ints.flatMap { littleEndianBytes(UInt64(bitPattern: $0), count: 8) }
        )
        b.add("mask", dtype: "U8", shape: [3], bytes: [1, 0, 1])
        let file = try SafetensorsFile(data: b.data())
        #expect(try file.int64s("position_ids") == ints)
        expectError(.unsupportedDType, mentioning: "position_ids") { _ = try file.floats("position_ids") }
        expectError(.unsupportedDType, mentioning: "mask") { _ = try file.floats("mask") }
        expectError(.unsupportedDType, mentioning: "a.weight") { _ = try file.int64s("a.weight") }
    }

    @Test func missingTensorAndWrongShapeNameTheTensor() throws {
        let file = try SafetensorsFile(data: sample().data())
        expectError(.missingTensor, mentioning: "c.weight") { _ = try file.floats("c.weight") }
        expectError(.shapeMismatch, mentioning: "a.weight") { _ = try file.floats("a.weight", shape: [3, 2]) }
    }

    @Test func truncatedFiles() throws {
        let good = sample().data()
        expectError(.corruptFile) { _ = try SafetensorsFile(data: Data()) }
        expectError(.corruptFile) { _ = try SafetensorsFile(data: good.prefix(7)) }
        expectError(.corruptFile, mentioning: "header length") { _ = try SafetensorsFile(data: good.prefix(20)) }
        // The header is intact but the data section is cut: the last tensor's offsets run past the end.
        expectError(.corruptFile, mentioning: "b.bias") { _ = try SafetensorsFile(data: good.dropLast(1)) }
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectError(.corruptFile) { _ = try SafetensorsFile(data: huge) }
    }

    @Test func badJSON() throws {
        let b = sample()
        expectError(.corruptFile, mentioning: "JSON") { _ = try SafetensorsFile(data: b.data(header: "{\"a\": [1, 2")) }
        expectError(.corruptFile) { _ = try SafetensorsFile(data: b.data(header: "[1, 2, 3]      ")) }
        let noOffsets = "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3]}}"
        expectError(.corruptFile, mentioning: "a.weight") { _ = try SafetensorsFile(data: b.data(header: noOffsets)) }
    }

    @Test("a dtype this library does not know opens; reading it is unsupportedDType naming the type")
    func unrecognizedDType() throws {
        var b = sample()
        // Four-bit elements: 6 values in 3 bytes, a size the header check cannot verify.
        b.add("packed", dtype: "F4", shape: [2, 3], bytes: [0x12, 0x34, 0x56])
        let file = try SafetensorsFile(data: b.data())
        #expect(try file.info("packed").dtype.name == "F4")
        #expect(try !file.info("packed").dtype.isRecognized)
        #expect(try file.floats("a.weight") == [1, 2, 3, 4, 5, 6])
        expectError(.unsupportedDType, mentioning: "F4") { _ = try file.floats("packed") }
        expectError(.unsupportedDType, mentioning: "packed") { _ = try file.int64s("packed") }
        // Its range is still checked against the file.
        expectError(.corruptFile, mentioning: "packed") {
            _ = try SafetensorsFile(data: b.data(offsets: ["packed": (40, 4000)]))
        }
        #expect(SafetensorsDType(name: "F8_E8M0")?.size == 1)
    }

    @Test func offsetsOutOfRangeOverlappingOrOfTheWrongSize() throws {
        let b = sample()
        expectError(.corruptFile, mentioning: "b.bias") {
            _ = try SafetensorsFile(data: b.data(offsets: ["b.bias": (24, 40)]))
        }
        expectError(.corruptFile, mentioning: "a.weight") {
            _ = try SafetensorsFile(data: b.data(offsets: ["a.weight": (8, 0)]))
        }
        expectError(.corruptFile, mentioning: "overlap") {
            _ = try SafetensorsFile(data: b.data(offsets: ["b.bias": (16, 24)]))
        }
        expectError(.corruptFile, mentioning: "needs 24 bytes") {
            _ = try SafetensorsFile(data: b.data(offsets: ["a.weight": (0, 20)]))
        }
        let negative = "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[-2,-3],\"data_offsets\":[0,24]}}"
        expectError(.corruptFile, mentioning: "negative") { _ = try SafetensorsFile(data: b.data(header: negative)) }
        let overflow = "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,24]}}"
        expectError(.corruptFile) { _ = try SafetensorsFile(data: b.data(header: overflow)) }
    }

    @Test func shardedCheckpointThroughIndex() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = SafetensorsBuilder()
        first.add("a.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        var second = SafetensorsBuilder()
        second.add("b.bias", shape: [2], floats: [7, 8])
        try first.data().write(to: dir.appendingPathComponent("model-00001-of-00002.safetensors"))
        try second.data().write(to: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = """
            {"metadata": {"total_size": 32}, "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
             "b.bias": "model-00002-of-00002.safetensors"}}
            """
        try Data(index.utf8).write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        let checkpoint = try await SafetensorsCheckpoint(directory: dir)
        #expect(checkpoint.files.count == 2)
        #expect(checkpoint.names == ["a.weight", "b.bias"])
        #expect(Array(try checkpoint.floats("b.bias", shape: [2])) == [7, 8])
        #expect(throws: EmbeddingError.self) { _ = try checkpoint.floats("c") }

        // An index that places a tensor in a shard lacking it is corrupt.
        let wrong = index.replacingOccurrences(of: "\"b.bias\": \"model-00002", with: "\"b.bias\": \"model-00001")
        try Data(wrong.utf8).write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        do {
            _ = try await SafetensorsCheckpoint(directory: dir)
            Issue.record("inconsistent index accepted")
        } catch {
            #expect(error.code == .corruptFile && error.message.contains("b.bias"))
        }
        // A missing weight file is notFound, naming the file.
        do {
            _ = try await SafetensorsCheckpoint(directory: dir, variant: "fp16")
            Issue.record("missing file accepted")
        } catch {
            #expect(error.code == .notFound && error.message.contains("model.fp16.safetensors"), "\(error)")
        }
    }

    @Test("every byte flipped three ways and every truncation: a typed error or a file whose tensors read safely")
    func mutatedFilesNeverTrap() throws {
        var b = sample()
        b.add("packed", dtype: "F4", shape: [2, 3], bytes: [0x12, 0x34, 0x56])
        b.add("ids", dtype: "I64", shape: [1], bytes: [7, 0, 0, 0, 0, 0, 0, 0])
        let good = [UInt8](b.data())
        var opened = 0
        var refused = 0
        func attempt(_ bytes: [UInt8]) {
            let file: SafetensorsFile
            do {
                file = try SafetensorsFile(data: Data(bytes))
            } catch {
                #expect(error.code == .corruptFile, "\(error)")
                refused += 1
                return
            }
            opened += 1
            // Whatever the header now says, reading each tensor either works or is a typed error.
            for name in file.names {
                _ = try? file.floats(name)
                _ = try? file.int64s(name)
            }
        }
        for index in good.indices {
            for mask: UInt8 in [0x01, 0x20, 0xFF] {
                var bytes = good
                bytes[index] ^= mask
                attempt(bytes)
            }
        }
        for length in 0..<good.count { attempt(Array(good.prefix(length))) }
        // Flips in the data section leave the header valid; most header flips break the JSON.
        #expect(opened > 0 && refused > 0)
    }
}
