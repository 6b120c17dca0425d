// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// `imagebind-tiny` (the reference code at small widths, random weights): every tower's stem, hidden states,
/// head, normalised and final outputs against the reference, from the reference's own input tensors.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct ImageBindModelTests {
    let fixture: ImageBindFixture

    init() throws { fixture = try ImageBindFixture() }

    /// Checks heads, normalised rows and outputs of `tower` against `outputs.<name>`; returns the output.
    private func checkOutputs(
        _ out: ImageBindOutput,
        _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String: Float] {
        let d = out.outputs.dimension
        var errors: [String: Float] = [:]
        errors["head"] = Relative.expect(
            out.heads.values,
            fixture.floats("outputs", name, "head"),
            width: d,
            "\(name) head",
            sourceLocation: sourceLocation
        )
        errors["normalized"] = Compare.expectClose(
            out.normalized.values,
            fixture.floats("outputs", name, "normalized"),
            tolerance: 1e-4,
            "\(name) normalized",
            sourceLocation: sourceLocation
        )
        errors["output"] = Relative.expect(
            out.outputs.values,
            fixture.floats("outputs", name, "output"),
            width: d,
            "\(name) output",
            sourceLocation: sourceLocation
        )
        return errors
    }

    /// Checks the stem and hidden states of item 0 against `<prefix>0_stem.npy` / `<prefix>0_hidden_states.npy`.
    private func checkTrace(
        _ trace: ImageBindTrace,
        _ prefix: String,
        width: Int,
        stem: Bool = true
    ) throws
        -> [String: Float]
    {
        var errors: [String: Float] = [:]
        if stem {
            let golden = try fixture.npy("\(prefix)0_stem.npy")
            #expect(trace.stem.count == golden.count)
            errors["stem"] = Relative.expect(trace.stem, golden.floats, width: width, "\(prefix) stem")
        }
        let hidden = try fixture.npy("\(prefix)0_hidden_states.npy")
        #expect(hidden.shape[0] == trace.hiddenStates.count && hidden.shape[2] == width)
        let layer = hidden.shape[1] * hidden.shape[2]
        let all = hidden.floats
        for (i, state) in trace.hiddenStates.enumerated() {
            let golden = Array(all[i * layer..<(i + 1) * layer])
            errors["hidden\(i)"] = Relative.expect(state, golden, width: width, "\(prefix) hidden \(i)")
        }
        return errors
    }

    private func report(_ name: String, _ errors: [String: Float]) {
        var report = ErrorReport("imagebind-tiny \(name)")
        for (key, value) in errors { report.record(key, value) }
        report.print()
        for (key, value) in errors { #expect(value <= 1e-5, "\(name) \(key) at the strict 1e-5 level: \(value)") }
    }

    @Test("the sizes come from the tensor shapes; the configuration only gives the head counts")
    func sizes() async throws {
        let model = try await fixture.model()
        #expect(model.towers == Set(ImageBindModel.Tower.allCases))
        #expect(model.dimension == 32)
        #expect(model.inputShape(.vision) == [3, 224, 224])
        #expect(model.videoClipShape == [3, 2, 224, 224])
        #expect(model.inputShape(.audio) == [1, 128, 204])
        #expect(model.inputShape(.depth) == [1, 224, 224])
        #expect(model.inputShape(.thermal) == [1, 224, 224])
        #expect(model.inputShape(.imu) == [6, 2000])
        #expect(model.logitScale(.vision) == 1)
        #expect(model.logitScale(.text) == 100)
        #expect(abs(model.logitScale(.audio)! - 20) < 1e-5)
        #expect(abs(model.logitScale(.depth)! - 5) < 1e-5)
        #expect(abs(model.logitScale(.thermal)! - 10) < 1e-5)
        #expect(abs(model.logitScale(.imu)! - 5) < 1e-5)
    }

    @Test("vision: 4 images (PadIm2Video + Conv3d stem, pre-trunk LayerNorm)")
    func vision() async throws {
        let model = try await fixture.model()
        let pixels = try fixture.npy("vision_pixel_values.npy").floats
        var errors = checkOutputs(try model.embed(.vision, values: pixels, batch: 4), "vision")
        let trace = try model.trace(.vision, values: Array(pixels[0..<3 * 224 * 224]))
        errors.merge(try checkTrace(trace, "vision", width: 48)) { max($0, $1) }
        report("vision", errors)
    }

    @Test("text: 8 golden id sequences (77 padded positions, causal mask, pooled at the first EOT, scale clamped)")
    func text() async throws {
        let model = try await fixture.model()
        let ids = (0..<8).map { fixture.tokenIDs($0) }
        var errors = checkOutputs(try model.embed(tokenIDs: ids), "text")
        let trace = try model.trace(tokenIDs: ids[0])
        errors.merge(try checkTrace(trace, "text", width: 16, stem: false)) { max($0, $1) }
        // Unpadded ids (up to the EOT) give the same vectors: the causal mask hides later positions.
        let unpadded = ids.map { Array($0[...($0.firstIndex(of: 49407)!)]) }
        let short = try model.embed(tokenIDs: unpadded)
        errors["unpadded"] = Compare.expectClose(
            short.normalized.values,
            fixture.floats("outputs", "text", "normalized"),
            tolerance: 1e-4,
            "unpadded text"
        )
        for row in 0..<8 { #expect(abs(Compare.norm(short.outputs[row]) - 100) < 1e-3) }
        report("text", errors)
    }

    @Test("audio: 2 files × 3 clips (Conv2d stride 10 + LayerNorm, bias k/v, scale 20, clip mean)")
    func audio() async throws {
        let model = try await fixture.model()
        let spectrograms = try fixture.npy("audio0_melspec.npy").floats + fixture.npy("audio1_melspec.npy").floats
        var errors = checkOutputs(try model.embed(.audio, values: spectrograms, batch: 2, clips: 3), "audio")
        let trace = try model.trace(.audio, values: Array(spectrograms[0..<128 * 204]))
        errors.merge(try checkTrace(trace, "audio", width: 32)) { max($0, $1) }
        report("audio", errors)
    }

    @Test("depth, thermal, IMU: seeded inputs through their stems, bias k/v attention and fixed scales")
    func depthThermalIMU() async throws {
        let model = try await fixture.model()
        for (tower, width) in [(ImageBindModel.Tower.depth, 32), (.thermal, 40), (.imu, 32)] {
            let name = tower.rawValue
            let input = try fixture.npy("\(name)_input.npy").floats
            var errors = checkOutputs(try model.embed(tower, values: input, batch: 2), name)
            let trace = try model.trace(tower, values: Array(input[0..<input.count / 2]))
            errors.merge(try checkTrace(trace, name, width: width)) { max($0, $1) }
            report(name, errors)
        }
    }
}
