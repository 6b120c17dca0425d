// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The `imagebind-tiny` fixture: the model, its `goldens.json` (read loosely) and its `.npy` files.
struct ImageBindFixture {
    let folder: URL
    let goldens: [String: Any]

    init() throws {
        folder = try ModelFixture.shared("imagebind-tiny")
        let data = try Data(contentsOf: folder.appendingPathComponent("goldens.json"))
        goldens = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func model() async throws -> ImageBindModel {
        try await ImageBindModel(directory: folder)
    }

    func npy(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOf: folder.appendingPathComponent(name))
    }

    /// A value at a path of keys (strings) and indices (ints) in `goldens.json`.
    func value(_ path: Any...) -> Any {
        var node: Any = goldens
        for step in path {
            if let key = step as? String {
                node = (node as! [String: Any])[key]!
            } else {
                node = (node as! [Any])[step as! Int]
            }
        }
        return node
    }

    /// A nested float array at `path`, flattened.
    func floats(_ path: Any...) -> [Float] {
        var node: Any = goldens
        for step in path {
            if let key = step as? String {
                node = (node as! [String: Any])[key]!
            } else {
                node = (node as! [Any])[step as! Int]
            }
        }
        return Self.flatten(node)
    }

    static func flatten(_ node: Any) -> [Float] {
        if let list = node as? [Any] { return list.flatMap { flatten($0) } }
        return [(node as! NSNumber).floatValue]
    }

    /// The golden token ids of text `i` (77, zero-padded).
    func tokenIDs(_ i: Int) -> [Int] {
        (value("inputs", "text", i, "input_ids") as! [Any]).map { ($0 as! NSNumber).intValue }
    }
}

/// Compares against a reference at a tolerance relative to the reference's largest row norm.
enum Relative {
    /// Expects `actual` within `factor × max row norm of expected` of `expected`; returns the relative error.
    @discardableResult
    static func expect(
        _ actual: some Collection<Float>,
        _ expected: [Float],
        width: Int,
        factor: Float = 1e-4,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Float {
        let scale = max(Compare.maxRowNorm(expected, width: width), 1e-30)
        let diff = Compare.maxAbsDiff(actual, expected)
        #expect(
            diff <= factor * scale,
            "\(what): max abs diff \(diff) > \(factor) × \(scale)",
            sourceLocation: sourceLocation
        )
        return diff / scale
    }
}
