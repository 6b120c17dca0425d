// SPDX-License-Identifier: Apache-2.0

extension ImageBindModel {
    /// Embeds a batch of one non-text modality.
    ///
    /// `values` holds `batch × clips` items back to back, each of ``inputShape(_:)`` (for vision either images
    /// `[3, 224, 224]`, which the model repeats into two frames as the reference's PadIm2Video does, or video
    /// clips of ``videoClipShape``; the count of `values` tells which). Clips of one input are adjacent.
    /// - Parameters:
    ///   - tower: Any tower but ``Tower/text`` (use ``embed(tokenIDs:)``).
    ///   - values: The preprocessed inputs.
    ///   - batch: The number of inputs.
    ///   - clips: The clips or views per input (audio 3, video 15 in the reference pipelines).
    /// - Returns: Heads, normalised rows and outputs (see ``ImageBindOutput``).
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for text or a tower the checkpoint lacks;
    ///   ``EmbeddingError/Code/invalidInput`` for a negative batch, fewer than one clip, a count of `values` that
    ///   is not `batch × clips` items, or a value that is not finite.
    public func embed(
        _ tower: Tower,
        values: [Float],
        batch: Int,
        clips: Int = 1
    ) throws(EmbeddingError)
        -> ImageBindOutput
    {
        guard tower != .text else {
            throw EmbeddingError(.unsupportedModality, "text takes token ids: use embed(tokenIDs:)")
        }
        let built = try self.tower(tower)
        guard batch >= 0, clips >= 1 else {
            throw EmbeddingError(.invalidInput, "a batch of \(batch) inputs of \(clips) clips is not valid")
        }
        let items = batch * clips
        let isVideo = try check(built, values: values, items: items)
        guard items > 0 else { return ImageBindOutput(heads: [], dimension: dimension, clips: clips, scale: nil) }
        let length = values.count / items
        let d = dimension
        // Two or more items per thread: each thread takes an equal share of the items (clips) through whole
        // passes on its own, and the few left over run with every thread; fewer items split each pass's rows.
        let sliced = try BatchSlices.run(count: items >= 2 * threads ? items : 0, threads: threads) { range, threads in
            let slice = Array(values[range.lowerBound * length..<range.upperBound * length])
            let heads = Self.heads(built, slice, items: range.count, video: isVideo, threads: threads)
            return EmbeddingMatrix(unchecked: ContiguousArray(heads), dimension: d)
        }
        let heads =
            sliced.map { Array($0.values) } ?? Self.heads(built, values, items: items, video: isVideo, threads: threads)
        return ImageBindOutput(heads: heads, dimension: dimension, clips: clips, scale: built.logitScale)
    }

    /// The heads of `items` inputs of `built`, a few items per pass.
    ///
    /// Items never interact, and every row of a product is summed the same way whatever rows surround it, so
    /// running a large batch a few items at a time gives the same bits while the activations stay in cache (one
    /// pass over 24 audio clips of 230 tokens ran 1.2× slower per item than passes of three).
    private static func heads(
        _ built: ImageBindTower,
        _ values: [Float],
        items: Int,
        video: Bool,
        threads: Int
    ) -> [Float] {
        let perPass = max(1, rowsPerPass / built.tokens)
        guard items > perPass else {
            return built.run(values, items: items, clips: video, threads: threads, record: false).heads
        }
        let length = values.count / items
        var heads: [Float] = []
        heads.reserveCapacity(items * built.outFeatures)
        var start = 0
        while start < items {
            let end = min(items, start + perPass)
            let slice = Array(values[start * length..<end * length])
            heads += built.run(slice, items: end - start, clips: video, threads: threads, record: false).heads
            start = end
        }
        return heads
    }

    /// The most tokens one pass of a non-text tower runs together (a whole item always runs in one pass).
    static let rowsPerPass = 768

    /// Embeds token-id sequences (from ``CLIPTokenizer``: `49406`, content ids, `49407`), each pooled at its
    /// first largest id, the end-of-text token, as the reference does.
    ///
    /// Sequences may be unpadded and of different lengths (at most the 77 positions): they are padded with id 0,
    /// which the causal mask keeps from changing any earlier position.
    /// - Parameter tokenIDs: The sequences.
    /// - Returns: Heads, normalised rows and outputs (one clip each).
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` without a text tower;
    ///   ``EmbeddingError/Code/invalidInput`` for an empty sequence, one longer than the positions, or an id
    ///   outside the vocabulary.
    public func embed(tokenIDs: [[Int]]) throws(EmbeddingError) -> ImageBindOutput {
        let built = try tower(.text)
        try check(built, ids: tokenIDs)
        guard let length = tokenIDs.map(\.count).max() else {
            return ImageBindOutput(heads: [], dimension: dimension, clips: 1, scale: nil)
        }
        let padded = tokenIDs.map { $0 + Array(repeating: 0, count: length - $0.count) }
        let d = dimension
        // As for the other towers: two or more texts per thread run as one share per thread (padded to the
        // batch's length, so each text sees the positions it would in one pass).
        let count = padded.count >= 2 * threads ? padded.count : 0
        let sliced = try BatchSlices.run(count: count, threads: threads) { range, threads in
            let heads = built.run(ids: Array(padded[range]), threads: threads, record: false).heads
            return EmbeddingMatrix(unchecked: ContiguousArray(heads), dimension: d)
        }
        let heads = sliced.map { Array($0.values) } ?? built.run(ids: padded, threads: threads, record: false).heads
        return ImageBindOutput(heads: heads, dimension: dimension, clips: 1, scale: built.logitScale)
    }

    /// The stem output, hidden states and head of one non-text item (an image, a video clip, a spectrogram, a
    /// depth or thermal map, an IMU series).
    /// - Throws: As ``embed(_:values:batch:clips:)``.
    public func trace(_ tower: Tower, values: [Float]) throws(EmbeddingError) -> ImageBindTrace {
        guard tower != .text else {
            throw EmbeddingError(.unsupportedModality, "text takes token ids: use trace(tokenIDs:)")
        }
        let built = try self.tower(tower)
        let isVideo = try check(built, values: values, items: 1)
        let pass = built.run(values, items: 1, clips: isVideo, threads: threads, record: true)
        return ImageBindTrace(stem: pass.stem, hiddenStates: pass.hidden, head: pass.heads)
    }

    /// The hidden states and head of one token sequence, run at its own length (pass 77 padded ids to see every
    /// position the reference computes).
    /// - Throws: As ``embed(tokenIDs:)``, and ``EmbeddingError/Code/invalidInput`` for no sequence.
    public func trace(tokenIDs: [Int]) throws(EmbeddingError) -> ImageBindTrace {
        let built = try tower(.text)
        try check(built, ids: [tokenIDs])
        let pass = built.run(ids: [tokenIDs], threads: threads, record: true)
        return ImageBindTrace(stem: [], hiddenStates: pass.hidden, head: pass.heads)
    }

    /// Validates `values` as `items` inputs of `built`; returns whether they are video clips.
    private func check(_ built: ImageBindTower, values: [Float], items: Int) throws(EmbeddingError) -> Bool {
        var isVideo = false
        if values.count != items * built.itemLength {
            guard let clip = built.clipLength, values.count == items * clip else {
                let shape = built.itemShape.map(String.init).joined(separator: " × ")
                var expected = "\(items) × \(shape) = \(items * built.itemLength)"
                if let clip = built.clipLength { expected += " (or \(items * clip) for video clips)" }
                throw EmbeddingError(
                    .invalidInput,
                    "the \(built.tower.rawValue) input has \(values.count) values; expected \(expected)"
                )
            }
            isVideo = true
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EmbeddingError(.invalidInput, "the \(built.tower.rawValue) input has a non-finite value at \(bad)")
        }
        return isVideo
    }

    private func check(_ built: ImageBindTower, ids: [[Int]]) throws(EmbeddingError) {
        guard case .tokens(_, let vocabulary) = built.stem else { return }
        for (s, sequence) in ids.enumerated() {
            guard !sequence.isEmpty else { throw EmbeddingError(.invalidInput, "text \(s) has no tokens") }
            guard sequence.count <= built.tokens else {
                throw EmbeddingError(
                    .invalidInput,
                    "text \(s) has \(sequence.count) tokens; the model takes at most \(built.tokens)"
                )
            }
            if let bad = sequence.first(where: { $0 < 0 || $0 >= vocabulary }) {
                throw EmbeddingError(.invalidInput, "text \(s) has token id \(bad) outside 0..<\(vocabulary)")
            }
        }
    }
}
