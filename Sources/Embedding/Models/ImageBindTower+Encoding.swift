// SPDX-License-Identifier: Apache-2.0

extension ImageBindTower {
    /// What one pass computes; the stem and hidden states only when recorded.
    struct Pass {
        /// `items × outFeatures`: the head outputs (before normalisation).
        var heads: [Float]
        /// `items × patches × width` after the stem (and its LayerNorm), when recorded.
        var stem: [Float]
        /// The tokens entering the trunk, after the pre-trunk LayerNorm, and after each block, when recorded.
        var hidden: [[Float]]
    }

    /// The output width of the head.
    var outFeatures: Int { headProjection.outFeatures }

    /// Floats per item of a patch stem without a time axis (an image, a spectrogram, a depth map, an IMU series).
    var itemLength: Int {
        guard case .patches(let conv, let size, _, let repeatFrames) = stem else { return 0 }
        return conv.channels * size.h * size.w * (repeatFrames > 1 ? 1 : size.t)
    }

    /// Floats per video clip (`channels × frames × height × width`), for a stem that repeats images into frames.
    var clipLength: Int? {
        guard case .patches(let conv, let size, _, let repeatFrames) = stem, repeatFrames > 1 else { return nil }
        return conv.channels * size.t * size.h * size.w
    }

    /// The per-item input shape without a time axis (`[C, H, W]`; IMU `[6, T]`).
    var itemShape: [Int] {
        guard case .patches(let conv, let size, _, _) = stem else { return [tokens] }
        return tower == .imu ? [conv.channels, size.w] : [conv.channels, size.h, size.w]
    }

    /// Runs a patch tower on `items` inputs stored back to back: images or maps (`itemLength` each) or, when
    /// `clips`, video clips (`clipLength` each).
    func run(_ x: [Float], items: Int, clips: Bool, threads: Int, record: Bool) -> Pass {
        guard case .patches(let conv, let size, let norm, let repeatFrames) = stem else {
            preconditionFailure("run(_:items:) needs a patch stem")
        }
        var input = x
        if repeatFrames > 1 && !clips {
            // PadIm2Video: every image becomes `repeatFrames` identical frames, [C, T, H, W].
            let plane = size.h * size.w
            input = [Float]()
            input.reserveCapacity(items * conv.channels * repeatFrames * plane)
            for item in 0..<items {
                for c in 0..<conv.channels {
                    let from = (item * conv.channels + c) * plane
                    for _ in 0..<repeatFrames { input += x[from..<from + plane] }
                }
            }
        }
        var patches = conv(input, items: items, size: size, threads: threads)
        norm?.apply(&patches)
        let d = width
        let count = tokens - 1
        var tokensIn = [Float](repeating: 0, count: items * tokens * d)
        for item in 0..<items {
            let base = item * tokens * d
            for j in 0..<d { tokensIn[base + j] = classToken![j] + positions[j] }
            for t in 0..<count {
                let from = (item * count + t) * d
                let to = base + (t + 1) * d
                for j in 0..<d { tokensIn[to + j] = patches[from + j] + positions[(t + 1) * d + j] }
            }
        }
        var pass = trunk(tokensIn, items: items, length: tokens, threads: threads, record: record)
        pass.heads = head(pass.heads, items: items, length: tokens, rows: Array(repeating: 0, count: items))
        if record { pass.stem = patches }
        return pass
    }

    /// Runs the text tower on token sequences of one common length (at most ``tokens``), each pooled at its
    /// first largest id (the end-of-text token).
    func run(ids: [[Int]], threads: Int, record: Bool) -> Pass {
        guard case .tokens(let table, _) = stem else { preconditionFailure("run(ids:) needs the text tower") }
        let d = width
        let length = ids[0].count
        var x = [Float](repeating: 0, count: ids.count * length * d)
        for (s, sequence) in ids.enumerated() {
            for (p, id) in sequence.enumerated() {
                let row = (s * length + p) * d
                for j in 0..<d { x[row + j] = table[id * d + j] + positions[p * d + j] }
            }
        }
        var pass = trunk(x, items: ids.count, length: length, threads: threads, record: record)
        pass.heads = head(pass.heads, items: ids.count, length: length, rows: ids.map(Self.poolingPosition))
        return pass
    }

    /// The position of the first largest id (`argmax`, as the reference pools text).
    static func poolingPosition(_ ids: [Int]) -> Int {
        var best = 0
        for i in ids.indices where ids[i] > ids[best] { best = i }
        return best
    }

    /// The head: LayerNorm of the selected row of each item, then the bias-free projection.
    private func head(_ last: [Float], items: Int, length: Int, rows: [Int]) -> [Float] {
        let d = width
        var selected = [Float]()
        selected.reserveCapacity(items * d)
        for item in 0..<items {
            let from = (item * length + rows[item]) * d
            selected += last[from..<from + d]
        }
        headNorm.apply(&selected)
        return headProjection(selected, rows: items, threads: 1)
    }
}
