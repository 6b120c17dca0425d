// SPDX-License-Identifier: Apache-2.0

import MediaDecoding

extension ImageBindEmbedder {
    /// Embeds a batch: inputs are preprocessed, grouped by tower and run ``batchSize`` at a time.
    /// - Parameter inputs: Any mix of the modalities in ``modalities``.
    /// - Returns: One row per input, in order (normalised unless ``output`` is ``Output/raw``).
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for a modality the checkpoint or tokenizer lacks,
    ///   before any work; ``EmbeddingError/Code/invalidInput`` for an empty image, audio buffer or map, a float map
    ///   of the wrong size, or a video frame that cannot be decoded; ``EmbeddingError/Code/cancelled`` when the
    ///   task is cancelled (checked before each batch).
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        let d = model.dimension
        var rows = ContiguousArray<Float>(repeating: 0, count: inputs.count * d)
        var groups: [Group: [(owner: Int, values: [Float])]] = [:]
        var texts: [(owner: Int, ids: [Int])] = []
        for (i, input) in inputs.enumerated() {
            switch input {
            case .text(let text):
                texts.append((i, tokenIDs(text)))
            default:
                let (group, values) = try prepare(input, index: i)
                groups[group, default: []].append((i, values))
            }
        }
        var batches = 0
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = texts[start..<min(start + batchSize, texts.count)]
            try await EmbeddingError.beforeBatch(&batches, "embedding \(batch.count) of \(texts.count) texts")
            let out = try model.embed(tokenIDs: batch.map(\.ids))
            store(out, owners: batch.map(\.owner), into: &rows)
        }
        for group in groups.keys.sorted(by: { $0.order < $1.order }) {
            let items = groups[group]!
            for start in stride(from: 0, to: items.count, by: batchSize) {
                let batch = items[start..<min(start + batchSize, items.count)]
                let what = "embedding \(batch.count) of \(items.count) \(group.tower.rawValue) inputs"
                try await EmbeddingError.beforeBatch(&batches, what)
                let values = Array(batch.map(\.values).joined())
                let out = try model.embed(group.tower, values: values, batch: batch.count, clips: group.clips)
                store(out, owners: batch.map(\.owner), into: &rows)
            }
        }
        return EmbeddingMatrix(unchecked: rows, dimension: d)
    }

    /// A tower and a clip count: inputs that run through the model together.
    private struct Group: Hashable {
        let tower: ImageBindModel.Tower
        let clips: Int
        var order: Int { ImageBindModel.Tower.allCases.firstIndex(of: tower)! * 1000 + clips }
    }

    private func store(_ out: ImageBindOutput, owners: [Int], into rows: inout ContiguousArray<Float>) {
        let vectors = output == .normalized ? out.unitOutputs : out.outputs
        let d = vectors.dimension
        for (r, owner) in owners.enumerated() {
            rows[owner * d..<(owner + 1) * d] = vectors.values[r * d..<(r + 1) * d]
        }
    }

    /// The model input of one non-text input.
    private func prepare(_ input: EmbeddingInput, index i: Int) throws(EmbeddingError) -> (Group, [Float]) {
        switch input {
        case .text:
            preconditionFailure("texts are tokenized, not prepared")
        case .image(let image):
            try checkNotEmpty(image, index: i)
            return (Group(tower: .vision, clips: 1), Array(imagePreprocessor(image).values))
        case .video(let clip):
            let views: [ContiguousArray<Float>]
            do {
                views = try videoPreprocessor(clip)
            } catch {
                throw EmbeddingError(.invalidInput, "input \(i): a video frame cannot be decoded", underlying: error)
            }
            return (Group(tower: .vision, clips: views.count), Array(views.joined()))
        case .audio(let audio):
            guard audio.frameCount > 0, audio.channelCount > 0 else {
                throw EmbeddingError(.invalidInput, "input \(i) is empty audio")
            }
            let clips = audioPreprocessor.clips(audio)
            return (Group(tower: .audio, clips: clips.count), Array(clips.map(\.values).joined()))
        case .depth(let map):
            return (Group(tower: .depth, clips: 1), try prepare(map, tower: .depth, index: i))
        case .thermal(let map):
            return (Group(tower: .thermal, clips: 1), try prepare(map, tower: .thermal, index: i))
        case .imu(let series):
            let steps = model.inputShape(.imu)?.last ?? 2000
            return (Group(tower: .imu, clips: 1), Array(series.resized(to: steps).values))
        }
    }

    private func prepare(
        _ map: SingleChannelMap,
        tower: ImageBindModel.Tower,
        index i: Int
    ) throws(EmbeddingError) -> [Float] {
        switch map.content {
        case .image(let image):
            try checkNotEmpty(image, index: i)
            return Array(mapPreprocessor(image).values)
        case .values(let values):
            let shape = model.inputShape(tower) ?? []
            guard shape.count == 3, map.height == shape[1], map.width == shape[2] else {
                throw EmbeddingError(
                    .invalidInput,
                    "input \(i): a \(map.width) × \(map.height) \(tower.rawValue) map; the model takes "
                        + shape.dropFirst().reversed().map(String.init).joined(separator: " × ")
                        + " (pass an image to have it resized)"
                )
            }
            return Array(values)
        }
    }

    private func checkNotEmpty(_ image: Image, index i: Int) throws(EmbeddingError) {
        guard image.width > 0, image.height > 0 else {
            throw EmbeddingError(.invalidInput, "input \(i) has an empty image (\(image.width)×\(image.height))")
        }
    }
}
