// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Streams every tensor of `weights` into one F32 safetensors file (state-dict order), a tensor at a time, so the
/// writer never holds more than one tensor.
func writeSafetensors(_ weights: RandomImageBindWeights, to url: URL) throws {
    var header: [String] = []
    var offset = 0
    for name in weights.order {
        let shape = weights.shapes[name]!
        let bytes = shape.reduce(1, *) * 4
        let dims = shape.map(String.init).joined(separator: ",")
        let offsets = "[\(offset),\(offset + bytes)]"
        header.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":\(offsets)}")
        offset += bytes
    }
    var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
    while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.write(contentsOf: Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * $0)) }))
    try handle.write(contentsOf: Data(json))
    for name in weights.order {
        let values = RandomImageBindWeights.values(name, shape: weights.shapes[name]!)
        try values.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
    }
    print("wrote \(url.path): \(weights.order.count) tensors, \(offset + json.count + 8) bytes")
}
