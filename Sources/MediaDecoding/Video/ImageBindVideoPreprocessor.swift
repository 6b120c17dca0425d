// SPDX-License-Identifier: Apache-2.0

/// ImageBind's video input (`load_and_transform_video_data` in ImageBind's `data.py`, the pipeline Weaviate's
/// `multi2vec-bind` container also runs): ``clipCount`` clips of ``clipSeconds``, ``framesPerClip`` frames
/// each, scaled to a short side of ``shortSide`` with bilinear interpolation (no antialiasing, as
/// pytorchvideo's `ShortSideScale`), normalised with CLIP's mean and standard deviation, and cut into
/// ``cropCount`` square views (left or top, centre, right or bottom).
///
/// The result is `clipCount × cropCount` views, clip-major, each `3 × framesPerClip × crop × crop` floats
/// (channel, frame, row, column): the `[15, 3, 2, 224, 224]` input whose embeddings ImageBind averages.
///
/// ```swift
/// let views = try ImageBindVideoPreprocessor()(clip)     // 15 views of 3 × 2 × 224 × 224
/// ```
public struct ImageBindVideoPreprocessor: Sendable {
    /// Seconds per clip (2).
    public var clipSeconds: Int
    /// Clips per video (5).
    public var clipCount: Int
    /// Frames sampled per clip (2): the first and last frame of the clip's span.
    public var framesPerClip: Int
    /// The length the short side is scaled to (224).
    public var shortSide: Int
    /// The side of each square view (224).
    public var crop: Int
    /// Views per clip (3).
    public var cropCount: Int
    /// Channel means (CLIP's).
    public var mean: [Float]
    /// Channel standard deviations (CLIP's).
    public var std: [Float]

    /// Creates a preprocessor with ImageBind's defaults.
    /// - Parameters:
    ///   - clipSeconds: Seconds per clip.
    ///   - clipCount: Clips per video.
    ///   - framesPerClip: Frames per clip.
    ///   - shortSide: The scaled short side.
    ///   - crop: The view side.
    ///   - cropCount: Views per clip, 1 (centre) or 3.
    /// - Precondition: Positive values, `crop <= shortSide`, `cropCount` 1 or 3.
    public init(
        clipSeconds: Int = 2,
        clipCount: Int = 5,
        framesPerClip: Int = 2,
        shortSide: Int = 224,
        crop: Int = 224,
        cropCount: Int = 3
    ) {
        precondition(clipSeconds > 0 && clipCount > 0 && framesPerClip > 0 && crop > 0, "positive values")
        precondition(crop <= shortSide && (cropCount == 1 || cropCount == 3), "invalid crops")
        self.clipSeconds = clipSeconds
        self.clipCount = clipCount
        self.framesPerClip = framesPerClip
        self.shortSide = shortSide
        self.crop = crop
        self.cropCount = cropCount
        mean = ImagePreprocessor.clipMean
        std = ImagePreprocessor.clipStd
    }

    /// Floats per view: `3 × framesPerClip × crop × crop`.
    public var viewLength: Int { 3 * framesPerClip * crop * crop }

    /// The frame indices of every clip, as pytorchvideo places clips (`ConstantClipsPerVideoSampler`: clip `k`
    /// spans `[k·s, k·s + clipSeconds]` with `s = max(duration − clipSeconds, 0) / (clipCount − 1)`), decord
    /// reads them (frames `⌈fps·start⌉ ..< min(⌈fps·end⌉, frameCount)`) and `UniformTemporalSubsample` picks
    /// ``framesPerClip`` of them (`⌊i · (T − 1) / (n − 1)⌋`).
    /// - Parameters:
    ///   - frameCount: The frames in the video.
    ///   - framesPerSecond: The average frame rate; the duration is `frameCount / framesPerSecond`.
    /// - Returns: ``clipCount`` arrays of ``framesPerClip`` indices.
    public func frameIndices(frameCount: Int, framesPerSecond: Double) -> [[Int]] {
        guard frameCount > 0, framesPerSecond > 0 else { return [] }
        let duration = Double(frameCount) / framesPerSecond
        let latest = max(duration - Double(clipSeconds), 0)
        let divisor = Double(max(clipCount - 1, 1))
        return (0..<clipCount).map { k in
            let start = Double(k) * latest / divisor
            let first = min(Int((framesPerSecond * start).rounded(.up)), frameCount - 1)
            let end = min(Int((framesPerSecond * (start + Double(clipSeconds))).rounded(.up)), frameCount)
            let span = max(end - first, 1)
            return (0..<framesPerClip).map { i in
                first + (framesPerClip == 1 ? 0 : i * (span - 1) / (framesPerClip - 1))
            }
        }
    }

    /// Preprocesses a decoded clip: samples the frames of ``frameIndices(frameCount:framesPerSecond:)`` (each
    /// decoded once) and returns every clip's views.
    /// - Parameter clip: The video.
    /// - Returns: `clipCount × cropCount` views of ``viewLength`` floats, clip-major.
    /// - Throws: What decoding a frame throws; ``MediaDecodingError/Code/unsupported`` when the frames of one clip
    ///   differ in size or a frame is empty.
    public func callAsFunction(_ clip: VideoClip) throws(MediaDecodingError) -> [ContiguousArray<Float>] {
        let rate = Double(clip.frameCount) / clip.duration
        var decoded: [Int: Image] = [:]
        var views: [ContiguousArray<Float>] = []
        for indices in frameIndices(frameCount: clip.frameCount, framesPerSecond: rate) {
            var frames: [Image] = []
            for index in indices {
                if decoded[index] == nil { decoded[index] = try clip.frame(at: index) }
                frames.append(decoded[index]!)
            }
            guard frames[0].width > 0, frames[0].height > 0,
                frames.allSatisfy({ $0.width == frames[0].width && $0.height == frames[0].height })
            else {
                throw MediaDecodingError(.unsupported, "the sampled frames \(indices) are empty or differ in size")
            }
            views += self.views(of: frames)
        }
        return views
    }

    /// The views of one clip's frames (all of one size; alpha is dropped, gray is repeated to RGB).
    /// - Parameter frames: ``framesPerClip`` frames of one clip, in order.
    /// - Returns: ``cropCount`` views of ``viewLength`` floats.
    /// - Precondition: `frames.count == framesPerClip`, all of one non-empty size.
    public func views(of frames: [Image]) -> [ContiguousArray<Float>] {
        precondition(frames.count == framesPerClip, "one clip has \(framesPerClip) frames")
        let width = frames[0].width
        let height = frames[0].height
        precondition(width > 0 && height > 0, "empty frame")
        precondition(frames.allSatisfy { $0.width == width && $0.height == height }, "frames of one size")
        let (outW, outH) =
            width <= height
            ? (shortSide, Int((Double(height) / Double(width) * Double(shortSide)).rounded(.down)))
            : (Int((Double(width) / Double(height) * Double(shortSide)).rounded(.down)), shortSide)
        let plane = outW * outH
        // Scaled, normalised frames as [channel][frame][row][column].
        var scaled = [Float](repeating: 0, count: 3 * framesPerClip * plane)
        let columns = Self.taps(input: width, output: outW)
        let rows = Self.taps(input: height, output: outH)
        for (f, frame) in frames.enumerated() {
            let rgb = frame.convertedToRGB8().uint8Samples!
            for c in 0..<3 {
                let base = (c * framesPerClip + f) * plane
                let m = Double(mean[c])
                let s = Double(std[c])
                for y in 0..<outH {
                    let (y0, y1, wy) = rows[y]
                    for x in 0..<outW {
                        let (x0, x1, wx) = columns[x]
                        func at(_ yy: Int, _ xx: Int) -> Double { Double(rgb[(yy * width + xx) * 3 + c]) / 255 }
                        let top = (1 - wx) * at(y0, x0) + wx * at(y0, x1)
                        let bottom = (1 - wx) * at(y1, x0) + wx * at(y1, x1)
                        let value = (1 - wy) * top + wy * bottom
                        scaled[base + y * outW + x] = Float((value - m) / s)
                    }
                }
            }
        }
        // SpatialCrop: offsets 0, ⌈(size − crop) / 2⌉, size − crop along the long side; centred on the short one.
        let longIsWidth = outW >= outH
        let extra = (longIsWidth ? outW : outH) - crop
        let offsets = cropCount == 1 ? [(extra + 1) / 2] : [0, (extra + 1) / 2, extra]
        let across = ((longIsWidth ? outH : outW) - crop + 1) / 2
        return offsets.map { offset in
            let left = longIsWidth ? offset : across
            let top = longIsWidth ? across : offset
            var view = ContiguousArray<Float>()
            view.reserveCapacity(viewLength)
            for cf in 0..<(3 * framesPerClip) {
                for y in 0..<crop {
                    let from = cf * plane + (top + y) * outW + left
                    view += scaled[from..<from + crop]
                }
            }
            return view
        }
    }

    /// torch's bilinear source taps (`align_corners=False`, no antialiasing): for each output index the two input
    /// indices and the weight of the second.
    static func taps(input: Int, output: Int) -> [(Int, Int, Double)] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { i in
            let source = max(scale * (Double(i) + 0.5) - 0.5, 0)
            let i0 = min(Int(source), input - 1)
            let i1 = min(i0 + 1, input - 1)
            return (i0, i1, source - Double(i0))
        }
    }
}
