// SPDX-License-Identifier: Apache-2.0

import BenchmarkSupport
import Embedding
import Foundation

/// `imagebind_huge`'s tensors (names and shapes from the fixture's `imagebind_huge_state_dict.json`) filled with
/// seeded uniform noise on request, so a model of the real shapes loads without a 4.8 GB file and without holding
/// a second copy of the weights: each tensor exists only while the model packs it.
struct RandomImageBindWeights: ModelWeights {
    let shapes: [String: [Int]]
    /// Tensor names in the state dict's order (the order the file writer uses).
    let order: [String]

    /// Reads the names and shapes; with `towers`, only those towers' tensors (and none of the others') exist.
    init(stateDictJSON url: URL, towers: Set<String>? = nil) throws {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let tensors = root?["tensors"] as? [[String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var shapes: [String: [Int]] = [:]
        var order: [String] = []
        for tensor in tensors {
            guard let name = tensor["name"] as? String, let shape = tensor["shape"] as? [Int] else { continue }
            if let towers, let tower = name.split(separator: ".").dropFirst().first, !towers.contains(String(tower)) {
                continue
            }
            shapes[name] = shape
            order.append(name)
        }
        self.shapes = shapes
        self.order = order
    }

    var names: [String] { order.sorted() }

    /// The number of elements of all tensors.
    var elementCount: Int { shapes.values.reduce(0) { $0 + $1.reduce(1, *) } }

    func contains(_ name: String) -> Bool { shapes[name] != nil }

    func shape(of name: String) throws(EmbeddingError) -> [Int] {
        guard let shape = shapes[name] else { throw EmbeddingError(.missingTensor, "\(name) is not in the model") }
        return shape
    }

    func floats(_ name: String, shape: [Int]?) throws(EmbeddingError) -> ContiguousArray<Float> {
        let actual = try self.shape(of: name)
        if let shape, shape != actual {
            throw EmbeddingError(.shapeMismatch, "\(name) has shape \(actual), not \(shape)")
        }
        return Self.values(name, shape: actual)
    }

    func int64s(_ name: String) throws(EmbeddingError) -> [Int64] {
        throw EmbeddingError(.unsupportedDType, "\(name) is float32")
    }

    /// Seeded values for a tensor: LayerNorm scales near 1, the causal text mask as the reference builds it
    /// (0 on and below the diagonal, −∞ above), log logit scales 0, everything else uniform in ±1/√fan-in.
    static func values(_ name: String, shape: [Int]) -> ContiguousArray<Float> {
        let count = shape.reduce(1, *)
        if name.hasSuffix(".mask"), shape.count == 2 {
            let n = shape[1]
            return ContiguousArray((0..<count).map { $0 % n > $0 / n ? -Float.infinity : 0 })
        }
        if name.hasSuffix("log_logit_scale") { return ContiguousArray(repeating: 0, count: count) }
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: name.hashValueStable))
        let isScale = shape.count == 1 && name.hasSuffix(".weight")
        let scale: Float = isScale ? 0.1 : 1 / Float(max(1, shape.last ?? 1)).squareRoot()
        let offset: Float = isScale ? 1 : 0
        var out = ContiguousArray<Float>(repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                let unit = Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23)
                buffer[i] = offset + unit * scale
            }
        }
        return out
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes (stable across runs, unlike `hashValue`).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return h
    }
}
