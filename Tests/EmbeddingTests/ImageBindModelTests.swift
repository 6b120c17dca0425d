// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
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

    @Test("the reference's own .pth file loads through the weights-only reader and gives the same bits")
    func loadsThePyTorchFile() async throws {
        let fromFolder = try await fixture.model()
        let fromFile = try await ImageBindModel(
            checkpoint: fixture.folder.appendingPathComponent("model.pth"),
            configuration: fromFolder.configuration
        )
        #expect(fromFile.towers == fromFolder.towers)
        #expect(fromFile.space.modelID == "model" && !fromFile.space.revision.isEmpty)
        for tower in [ImageBindModel.Tower.depth, .imu] {
            let input = try fixture.npy("\(tower.rawValue)_input.npy").floats
            let a = try fromFolder.embed(tower, values: input, batch: 2)
            let b = try fromFile.embed(tower, values: input, batch: 2)
            #expect(a.outputs.values == b.outputs.values, "\(tower)")
        }
    }

    @Test("a batch run a few items per pass gives each item's vector alone, bit for bit, at one and two threads")
    func batchesInPasses() async throws {
        var model = try await fixture.model()
        let pixels = try fixture.npy("vision_pixel_values.npy").floats
        let item = 3 * 224 * 224
        for threads in [1, 2] {
            model.threads = threads
            let batch = try model.embed(.vision, values: pixels, batch: 4)
            for i in 0..<4 {
                let alone = try model.embed(.vision, values: Array(pixels[i * item..<(i + 1) * item]), batch: 1)
                #expect(Array(alone.heads[0]) == Array(batch.heads[i]), "image \(i), \(threads) threads")
            }
        }
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

extension ImageBindModelTests {
    /// The 15 views (5 identical clips × left, centre, right) of the fixture's two decoded video frames.
    static func videoViews(_ fixture: ImageBindFixture) throws -> [ContiguousArray<Float>] {
        let frames = try fixture.npy("video0_frames_u8.npy")
        #expect(frames.shape == [2, 180, 320, 3])
        let plane = 180 * 320 * 3
        let images = (0..<2).map { f in
            Image(
                width: 320,
                height: 180,
                format: .rgb,
                samples: .uint8(Array(frames.payload[f * plane..<(f + 1) * plane]))
            )
        }
        let preprocessor = ImageBindVideoPreprocessor()
        let indices = preprocessor.frameIndices(frameCount: 30, framesPerSecond: 25)
        #expect(indices == Array(repeating: [0, 29], count: 5))
        let views = preprocessor.views(of: images)
        return Array((0..<5).map { _ in views }.joined())
    }

    @Test("video: 15 views from the two decoded frames, averaged after normalising")
    func video() async throws {
        let model = try await fixture.model()
        let views = try Self.videoViews(fixture)
        let centre = try fixture.npy("video0_pixel_values_centre_crop.npy").floats
        let pixels = Compare.expectClose(views[1], centre, tolerance: 5e-5, "video centre crop")
        let out = try model.embed(.vision, values: Array(views.joined()), batch: 1, clips: 15)
        print("[imagebind-tiny video] centre crop max abs diff \(pixels) (float64 reference: 1.5e-5)")
        report("video", checkOutputs(out, "video"))
    }
}

extension ImageBindModelTests {
    @Test("the 21 × 21 cross-modal dot and cosine matrices over every tower's outputs")
    func crossModal() async throws {
        let model = try await fixture.model()
        var rows: [[Float]] = []
        func add(_ out: ImageBindOutput) { rows += out.outputs.rows }
        add(try model.embed(tokenIDs: (0..<8).map { fixture.tokenIDs($0) }))
        add(try model.embed(.vision, values: try fixture.npy("vision_pixel_values.npy").floats, batch: 4))
        let audio = try fixture.npy("audio0_melspec.npy").floats + fixture.npy("audio1_melspec.npy").floats
        add(try model.embed(.audio, values: audio, batch: 2, clips: 3))
        add(try model.embed(.vision, values: Array(try Self.videoViews(fixture).joined()), batch: 1, clips: 15))
        for tower in [ImageBindModel.Tower.depth, .thermal, .imu] {
            add(try model.embed(tower, values: try fixture.npy("\(tower.rawValue)_input.npy").floats, batch: 2))
        }
        #expect(rows.count == 21)
        var dot: [Float] = []
        var cosine: [Float] = []
        for a in rows {
            for b in rows {
                let d = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                dot.append(Float(d))
                cosine.append(Float(d) / (Compare.norm(a) * Compare.norm(b)))
            }
        }
        let goldenDot = try fixture.npy("cross_modal_dot.npy").floats
        let largest = goldenDot.map(abs).max()!
        let dotError = Compare.expectClose(dot, goldenDot, tolerance: 1e-4 * largest, "cross-modal dot")
        let cosineError = Compare.expectClose(
            cosine,
            try fixture.npy("cross_modal_cosine.npy").floats,
            tolerance: 1e-4,
            "cross-modal cosine"
        )
        print("[imagebind-tiny cross-modal] dot \(dotError / largest) relative, cosine \(cosineError)")
    }

    @Test("bad inputs give typed errors, never traps")
    func badInputs() async throws {
        let model = try await fixture.model()
        func code(_ body: () throws -> Void) -> EmbeddingError.Code? {
            do {
                try body()
                return nil
            } catch let error as EmbeddingError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(
            code { _ = try model.embed(.depth, values: [Float](repeating: 0, count: 100), batch: 1) } == .invalidInput
        )
        #expect(code { _ = try model.embed(.imu, values: [], batch: 1) } == .invalidInput)
        #expect(code { _ = try model.embed(.imu, values: [], batch: -1) } == .invalidInput)
        #expect(code { _ = try model.embed(.audio, values: [], batch: 1, clips: 0) } == .invalidInput)
        var nan = [Float](repeating: 0, count: 224 * 224)
        nan[7] = .nan
        #expect(code { _ = try model.embed(.thermal, values: nan, batch: 1) } == .invalidInput)
        #expect(code { _ = try model.embed(.text, values: [], batch: 0) } == .unsupportedModality)
        #expect(code { _ = try model.embed(tokenIDs: [[]]) } == .invalidInput)
        #expect(code { _ = try model.embed(tokenIDs: [[49406, 49408]]) } == .invalidInput)
        #expect(
            code {
                _ = try model.embed(
                    tokenIDs: [[Int]](repeating: [1], count: 1).map { $0 + Array(repeating: 1, count: 77) }
                )
            } == .invalidInput
        )
        #expect(try model.embed(.depth, values: [], batch: 0).outputs.count == 0)
        #expect(try model.embed(tokenIDs: []).outputs.count == 0)
    }

    @Test("missing or misshapen tensors and bad configurations are typed errors naming the tensor")
    func badCheckpoints() async throws {
        let source = try await SafetensorsFile(contentsOf: fixture.folder.appendingPathComponent("model.safetensors"))
        func rewritten(
            dropping dropped: String? = nil,
            reshaping reshaped: String? = nil
        ) throws -> SafetensorsCheckpoint {
            var tensors: [(String, [Int], [Float])] = []
            for name in source.names where name != dropped {
                var shape = try source.info(name).shape
                let values = Array(try source.floats(name))
                if name == reshaped { shape = [values.count] }
                tensors.append((name, shape, values))
            }
            return try SafetensorsCheckpoint(files: [SafetensorsFile(data: Data(Self.encode(tensors)))])
        }
        let configuration = try ImageBindConfiguration(
            constructorArgumentsJSON: Data(contentsOf: fixture.folder.appendingPathComponent("config.json"))
        )
        #expect(configuration.heads[.depth] == 2 && configuration.heads[.vision] == 4)
        _ = try ImageBindModel(weights: try rewritten(), configuration: configuration)
        let cases: [(String?, String?, EmbeddingError.Code)] = [
            ("modality_trunks.audio.blocks.1.attn.bias_v", nil, .missingTensor),
            ("modality_heads.imu.3.weight", nil, .missingTensor),
            ("modality_preprocessors.vision.cls_token", nil, .missingTensor),
            (nil, "modality_preprocessors.depth.depth_stem.proj.weight", .shapeMismatch),
            (nil, "modality_trunks.text.blocks.0.attn.in_proj_weight", .shapeMismatch),
        ]
        for (dropped, reshaped, expected) in cases {
            let weights = try rewritten(dropping: dropped, reshaping: reshaped)
            let error = #expect(throws: EmbeddingError.self, "\(dropped ?? reshaped!)") {
                _ = try ImageBindModel(weights: weights, configuration: configuration)
            }
            #expect(error?.code == expected, "\(String(describing: error))")
        }
        var wrongHeads = configuration
        wrongHeads.heads[.thermal] = 3
        #expect(throws: EmbeddingError.self) {
            _ = try ImageBindModel(weights: try rewritten(), configuration: wrongHeads)
        }
        #expect(throws: EmbeddingError.self) {
            _ = try ImageBindConfiguration(constructorArgumentsJSON: Data("[1]".utf8))
        }
        #expect(throws: EmbeddingError.self) {
            _ = try ImageBindConfiguration(constructorArgumentsJSON: Data(#"{"audio_num_heads": -2}"#.utf8))
        }
    }

    /// A float32 safetensors file of `tensors`.
    static func encode(_ tensors: [(String, [Int], [Float])]) -> [UInt8] {
        var header: [String] = []
        var data: [UInt8] = []
        for (name, shape, values) in tensors {
            let start = data.count
            for v in values {
                let bits = v.bitPattern
                data += (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
            }
            let dims = shape.map(String.init).joined(separator: ",")
            header.append(
                "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(start),\(data.count)]}"
            )
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * $0)) }
        return out + json + data
    }
}
