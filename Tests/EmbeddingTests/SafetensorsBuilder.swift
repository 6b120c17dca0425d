// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation

/// Writes safetensors bytes for tests: tensors are laid out back to back in insertion order.
struct SafetensorsBuilder {
    struct Tensor {
        let name: String
        let dtype: String
        let shape: [Int]
        let bytes: [UInt8]
    }

    var tensors: [Tensor] = []
    var metadata: [String: String]? = ["format": "pt"]

    mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { bytes += littleEndianBytes(UInt64(f.bitPattern), count: 4) }
        tensors.append(Tensor(name: name, dtype: "F32", shape: shape, bytes: bytes))
    }

    mutating func add(_ name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        tensors.append(Tensor(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// The header JSON, with optional per-tensor offset overrides (to build corrupt files).
    func headerJSON(offsets: [String: (Int, Int)] = [:]) -> String {
        var entries: [String] = []
        if let metadata {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for t in tensors {
            let range = offsets[t.name] ?? (offset, offset + t.bytes.count)
            offset += t.bytes.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(range.0),\(range.1)]}"
            )
        }
        return "{" + entries.joined(separator: ",") + "}"
    }

    /// The whole file.
    func data(header: String? = nil, offsets: [String: (Int, Int)] = [:]) -> Data {
        let json = Array((header ?? headerJSON(offsets: offsets)).utf8)
        var out: [UInt8] = []
        out += littleEndianBytes(UInt64(json.count), count: 8)
        out += json
        for t in tensors { out += t.bytes }
        return Data(out)
    }
}

/// The low `count` bytes of `value`, least significant first.
func littleEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}
