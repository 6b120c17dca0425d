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
        // Items never interact, and every row of a product is summed the same way whatever rows surround it, so
        // running a large batch a few items at a time gives the same bits while the activations stay in cache
        // (one pass over 24 audio clips of 230 tokens ran 1.2× slower per item than passes of three).
        let perPass = max(1, Self.rowsPerPass / built.tokens)
        guard items > perPass else {
            let pass = built.run(values, items: items, clips: isVideo, threads: threads, record: false)
            return ImageBindOutput(heads: pass.heads, dimension: dimension, clips: clips, scale: built.logitScale)
        }
        let length = values.count / items
        var heads: [Float] = []
        heads.reserveCapacity(items * dimension)
        var start = 0
        while start < items {
            let end = min(items, start + perPass)
            let slice = Array(values[start * length..<end * length])
            heads += built.run(slice, items: end - start, clips: isVideo, threads: threads, record: false).heads
            start = end
        }
        return ImageBindOutput(heads: heads, dimension: dimension, clips: clips, scale: built.logitScale)
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
        let pass = built.run(ids: padded, threads: threads, record: false)
        return ImageBindOutput(heads: pass.heads, dimension: dimension, clips: 1, scale: built.logitScale)
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
