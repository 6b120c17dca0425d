// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The parts of a CLIP fixture's `goldens.json` the tests compare against.
struct CLIPGoldens: Decodable {
    struct Text: Decodable {
        let inputIds: [Int]
        let textFeatures: [Float]
        let textEmbeds: [Float]
        let poolerOutput: [Float]
        let textFeaturesNorm: Float
    }

    struct Image: Decodable {
        let imageFeatures: [Float]
        let imageEmbeds: [Float]
        let poolerOutput: [Float]
        let imageFeaturesNorm: Float
    }

    struct Padded: Decodable {
        let inputIds: [[Int]]
        let attentionMask: [[Int]]
    }

    struct Reduced: Decodable {
        let textFeatures: [[Float]]
        let textEmbeds: [[Float]]
        let imageFeatures: [[Float]]
        let imageEmbeds: [[Float]]
        let logitsPerImage: [[Float]]
    }

    struct ReducedSet: Decodable {
        let fp16: Reduced?
        let bf16: Reduced?
    }

    let texts: [Text]
    let images: [Image]
    let paddedTextBatch: Padded
    let logitsPerImage: [[Float]]
    let pixelValuesFile: String
    let reducedPrecisionWeights: ReducedSet?

    static func load(_ url: URL) throws -> CLIPGoldens {
        try snakeCaseDecoder.decode(CLIPGoldens.self, from: Data(contentsOf: url))
    }
}

/// A JSON decoder for the golden files (snake_case keys → camelCase properties).
var snakeCaseDecoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}

/// Where a model fixture lives: copied into the test bundle, or in the shared folder.
enum ModelFixture {
    /// The bundled copy of `clip-tiny-gelu-p16` (0.8 MB).
    static var geluP16: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/clip-tiny-gelu-p16", isDirectory: true)
    }

    /// A folder under `models/` in the shared fixtures.
    static func shared(_ name: String) throws -> URL {
        try Fixtures.shared("models/\(name)")
    }
}

/// Comparison helpers; all return the measured maximum so tests can print it.
enum Compare {
    static func maxAbsDiff(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
        precondition(a.count == b.count, "maxAbsDiff: \(a.count) vs \(b.count)")
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func norm(_ a: some Collection<Float>) -> Float {
        Float(a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }

    /// The largest Euclidean norm of the rows of `a` (rows of `width`).
    static func maxRowNorm(_ a: [Float], width: Int) -> Float {
        stride(from: 0, to: a.count, by: width).map { norm(a[$0..<$0 + width]) }.max() ?? 0
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y) }
        return Float(dot) / (norm(a) * norm(b))
    }

    /// Expects `actual` within `tolerance` (absolute) of `expected`; returns the max abs diff.
    @discardableResult
    static func expectClose(
        _ actual: some Collection<Float>,
        _ expected: some Collection<Float>,
        tolerance: Float,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Float {
        let diff = maxAbsDiff(actual, expected)
        #expect(diff <= tolerance, "\(what): max abs diff \(diff) > \(tolerance)", sourceLocation: sourceLocation)
        return diff
    }
}

/// Collects the worst errors seen by a test and prints them once (read them with `swift test 2>&1 | grep max`).
struct ErrorReport {
    private var worst: [String: Float] = [:]
    let name: String
    init(_ name: String) { self.name = name }
    mutating func record(_ key: String, _ value: Float) { worst[key] = max(worst[key] ?? 0, value) }
    func print() {
        let line = worst.keys.sorted().map { "\($0)=\(String(format: "%.3g", Double(worst[$0]!)))" }
        Swift.print("[\(name)] max errors: " + line.joined(separator: " "))
    }
}
