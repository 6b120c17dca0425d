// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// `imagebind-tiny` with its projection weights kept in half precision (``WeightStorage/float16``): the outputs
/// are exactly those of the Float32 model on the same weights rounded to half precision, and within the F16
/// bound the CLIP fixture documents for F16 weights (2e-3 × the reference's largest row norm) of the goldens.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct ImageBindWeightStorageTests {
    let fixture: ImageBindFixture

    init() throws { fixture = try ImageBindFixture() }

    /// The fixture's weights with every block and head projection rounded to half precision (ties to even).
    struct RoundedProjections: ModelWeights {
        let base: any ModelWeights

        static func isProjection(_ name: String, shape: [Int]) -> Bool {
            guard shape.count == 2 else { return false }
            return name.hasSuffix(".attn.in_proj_weight") || name.hasSuffix(".attn.out_proj.weight")
                || name.hasSuffix(".mlp.fc1.weight") || name.hasSuffix(".mlp.fc2.weight")
                || name.hasPrefix("modality_heads.")
        }

        var names: [String] { base.names }
        func contains(_ name: String) -> Bool { base.contains(name) }
        func shape(of name: String) throws(EmbeddingError) -> [Int] { try base.shape(of: name) }
        func int64s(_ name: String) throws(EmbeddingError) -> [Int64] { try base.int64s(name) }
        func floats(_ name: String, shape: [Int]?) throws(EmbeddingError) -> ContiguousArray<Float> {
            let values = try base.floats(name, shape: shape)
            guard Self.isProjection(name, shape: try base.shape(of: name)) else { return values }
            return ContiguousArray(values.map { Float(Float16($0)) })
        }
    }

    /// Inputs for every tower: (tower, values, batch, clips); text is separate.
    func inputs() throws -> [(ImageBindModel.Tower, [Float], Int, Int)] {
        [
            (.vision, try fixture.npy("vision_pixel_values.npy").floats, 4, 1),
            (
                .audio,
                try fixture.npy("audio0_melspec.npy").floats + fixture.npy("audio1_melspec.npy").floats, 2, 3
            ),
            (.depth, try fixture.npy("depth_input.npy").floats, 2, 1),
            (.thermal, try fixture.npy("thermal_input.npy").floats, 2, 1),
            (.imu, try fixture.npy("imu_input.npy").floats, 2, 1),
        ]
    }

    func halfModel() async throws -> ImageBindModel {
        let reference = try await fixture.model()
        var configuration = reference.configuration
        configuration.weightStorage = .float16
        return try await ImageBindModel(directory: fixture.folder, configuration: configuration)
    }

    @Test("F16 storage gives the Float32 model's outputs on half-rounded projection weights, bit for bit")
    func equalsRoundedWeights() async throws {
        let half = try await halfModel()
        #expect(half.configuration.weightStorage == .float16)
        let weights = try SafetensorsCheckpoint(
            files: [try await SafetensorsFile(contentsOf: fixture.folder.appendingPathComponent("model.safetensors"))]
        )
        let rounded = try ImageBindModel(
            weights: RoundedProjections(base: weights),
            configuration: try await fixture.model().configuration
        )
        for (tower, values, batch, clips) in try inputs() {
            let a = try half.embed(tower, values: values, batch: batch, clips: clips)
            let b = try rounded.embed(tower, values: values, batch: batch, clips: clips)
            #expect(a.heads.values == b.heads.values, "\(tower)")
            #expect(a.outputs.values == b.outputs.values, "\(tower)")
        }
        let ids = (0..<8).map { fixture.tokenIDs($0) }
        #expect(try half.embed(tokenIDs: ids).outputs.values == rounded.embed(tokenIDs: ids).outputs.values)
    }

    @Test("F16 storage is within 2e-3 × norm of the reference's Float32 outputs (the CLIP fixture's F16 bound)")
    func withinHalfPrecisionBound() async throws {
        let half = try await halfModel()
        var results: [(String, ImageBindOutput)] = []
        for (tower, values, batch, clips) in try inputs() {
            results.append((tower.rawValue, try half.embed(tower, values: values, batch: batch, clips: clips)))
        }
        results.append(("text", try half.embed(tokenIDs: (0..<8).map { fixture.tokenIDs($0) })))
        for (name, out) in results {
            let d = out.outputs.dimension
            for (part, values) in [("head", out.heads.values), ("normalized", out.normalized.values)] {
                let expected = fixture.floats("outputs", name, part)
                Relative.expect(values, expected, width: d, factor: 2e-3, "\(name) \(part)")
            }
            Relative.expect(
                out.outputs.values,
                fixture.floats("outputs", name, "output"),
                width: d,
                factor: 2e-3,
                "\(name) output"
            )
        }
    }
}
