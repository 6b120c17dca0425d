// SPDX-License-Identifier: Apache-2.0

extension VideoClip {
    /// The indices of `n` frames spread uniformly over the clip.
    ///
    /// With `T` frames, ``SamplingConvention/segmentCentres`` picks `⌊(2i + 1) · T / 2n⌋` (the frame under the
    /// centre of each of `n` equal segments); ``SamplingConvention/linspace`` picks `⌊i · (T - 1) / (n - 1)⌋`
    /// like pytorchvideo's `uniform_temporal_subsample`. When `n > T` indices repeat.
    /// - Parameters:
    ///   - n: The number of samples, zero or more.
    ///   - convention: Where the samples go; segment centres by default.
    /// - Returns: `n` ascending frame indices in `0 ..< frameCount`.
    /// - Precondition: `n >= 0`.
    public func frameIndices(
        sampledUniformly n: Int,
        convention: SamplingConvention = .segmentCentres
    ) -> [Int] {
        precondition(n >= 0, "cannot sample a negative number of frames")
        let total = frameCount
        return (0..<n).map { i in
            switch convention {
            case .segmentCentres:
                let (q, _) = (2 * n).dividingFullWidth((2 * i + 1).multipliedFullWidth(by: total))
                return min(q, total - 1)
            case .linspace:
                guard n > 1 else { return 0 }
                let (q, _) = (n - 1).dividingFullWidth(i.multipliedFullWidth(by: total - 1))
                return min(q, total - 1)
            }
        }
    }

    /// Decodes `n` frames spread uniformly over the clip (each distinct frame is decoded once).
    /// - Parameters:
    ///   - n: The number of frames, zero or more.
    ///   - convention: Where the samples go; segment centres by default.
    /// - Returns: The frames at ``frameIndices(sampledUniformly:convention:)``, in order.
    /// - Throws: What ``frame(at:)`` throws.
    /// - Precondition: `n >= 0`.
    public func frames(
        sampledUniformly n: Int,
        convention: SamplingConvention = .segmentCentres
    ) throws(MediaDecodingError) -> [Image] {
        var frames = [Image]()
        frames.reserveCapacity(n)
        var last: (index: Int, image: Image)?
        for index in frameIndices(sampledUniformly: n, convention: convention) {
            if let last, last.index == index {
                frames.append(last.image)
                continue
            }
            let image = try frame(at: index)
            last = (index, image)
            frames.append(image)
        }
        return frames
    }
}
