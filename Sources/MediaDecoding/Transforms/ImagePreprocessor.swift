// SPDX-License-Identifier: Apache-2.0

/// Turns a decoded image into a vision model's input tensor: flatten alpha, resize the short side, centre-crop,
/// scale to [0, 1] and normalise per channel.
///
/// ```swift
/// let image = try MediaDecoder().decodeImage(bytes)
/// let pixels = ImagePreprocessor.clip(image)   // 3 × 224 × 224, as CLIPImageProcessor returns
/// ```
public struct ImagePreprocessor: Sendable, Hashable {
    /// The length the shorter side is resized to; the longer side becomes `Int(shortestEdge × long / short)`
    /// (truncated, as transformers and torchvision compute it).
    public var shortestEdge: Int
    /// The width of the centre crop.
    public var cropWidth: Int
    /// The height of the centre crop.
    public var cropHeight: Int
    /// The resize filter.
    public var filter: ResizeFilter
    /// Whether to produce one gray plane (`L`, depth and thermal in ImageBind) instead of three RGB planes.
    public var grayscale: Bool
    /// Per-channel means subtracted after scaling to [0, 1].
    public var mean: [Float]
    /// Per-channel standard deviations divided by.
    public var std: [Float]
    /// What happens to an alpha channel (composited over white by default, as transformers' CLIP processor does).
    public var alpha: AlphaHandling
    /// How an odd crop margin is split (floor by default, as transformers does).
    public var cropRounding: CropRounding

    /// What happens to an image's alpha channel.
    public enum AlphaHandling: Sendable, Hashable {
        /// Composite over white (transformers' `convert_rgb` for CLIP).
        case compositeOverWhite
        /// Ignore it (Pillow's `convert("RGB")` and `convert("L")`, as ImageBind and Weaviate's container do).
        case drop
    }

    /// How the centre crop's offset is rounded when the margin is odd.
    public enum CropRounding: Sendable, Hashable {
        /// `⌊(size − crop) / 2⌋` (transformers' `CLIPImageProcessor`).
        case floor
        /// `round((size − crop) / 2)` with halves to even (torchvision's `CenterCrop`: 335 → 56, not 55).
        case halfToEven
    }

    /// Creates a preprocessor.
    /// - Parameters:
    ///   - shortestEdge: The length the shorter side is resized to.
    ///   - cropWidth: The width of the centre crop, at most `shortestEdge` unless the image is already large.
    ///   - cropHeight: The height of the centre crop.
    ///   - filter: The resize filter.
    ///   - grayscale: Whether to output a single luminance plane.
    ///   - mean: One mean per output channel.
    ///   - std: One standard deviation per output channel.
    ///   - alpha: What happens to an alpha channel.
    ///   - cropRounding: How an odd crop margin is split.
    /// - Precondition: Positive sizes; `mean` and `std` have 1 entry (`grayscale`) or 3.
    public init(
        shortestEdge: Int,
        cropWidth: Int,
        cropHeight: Int,
        filter: ResizeFilter = .bicubic,
        grayscale: Bool = false,
        mean: [Float],
        std: [Float],
        alpha: AlphaHandling = .compositeOverWhite,
        cropRounding: CropRounding = .floor
    ) {
        precondition(shortestEdge > 0 && cropWidth > 0 && cropHeight > 0, "sizes must be positive")
        precondition(mean.count == (grayscale ? 1 : 3) && std.count == mean.count, "one mean/std per channel")
        self.shortestEdge = shortestEdge
        self.cropWidth = cropWidth
        self.cropHeight = cropHeight
        self.filter = filter
        self.grayscale = grayscale
        self.mean = mean
        self.std = std
        self.alpha = alpha
        self.cropRounding = cropRounding
    }

    /// CLIP's channel means, `(0.48145466, 0.4578275, 0.40821073)`.
    public static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// CLIP's channel standard deviations, `(0.26862954, 0.26130258, 0.27577711)`.
    public static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// OpenAI CLIP (and ImageBind vision): short side → 224 bicubic, centre crop 224 × 224, CLIP mean/std.
    ///
    /// Matches transformers' `CLIPImageProcessor` (Pillow backend) on `openai/clip-vit-base-patch32`:
    /// alpha is composited over white first.
    public static let clip = ImagePreprocessor(
        shortestEdge: 224,
        cropWidth: 224,
        cropHeight: 224,
        mean: clipMean,
        std: clipStd
    )

    /// ImageBind's vision transform (`load_and_transform_vision_data`): Pillow's `convert("RGB")` (alpha dropped),
    /// short side → 224 bicubic, torchvision's centre crop 224 × 224 (offsets rounded half to even), CLIP mean/std.
    public static let imageBind = ImagePreprocessor(
        shortestEdge: 224,
        cropWidth: 224,
        cropHeight: 224,
        mean: clipMean,
        std: clipStd,
        alpha: .drop,
        cropRounding: .halfToEven
    )

    /// Weaviate's `multi2vec-bind` depth and thermal transform: Pillow's `convert("L")` (alpha dropped), short side
    /// → 224 bicubic, torchvision's centre crop 224 (half to even), mean 0.48145466, std 0.26862954.
    public static let imageBindGray = ImagePreprocessor(
        shortestEdge: 224,
        cropWidth: 224,
        cropHeight: 224,
        grayscale: true,
        mean: [clipMean[0]],
        std: [clipStd[0]],
        alpha: .drop,
        cropRounding: .halfToEven
    )

    /// ImageBind's depth/thermal preset: one `L` plane, short side → 224 bicubic, centre crop 224,
    /// mean 0.48145466, std 0.26862954.
    public static let clipGray = ImagePreprocessor(
        shortestEdge: 224,
        cropWidth: 224,
        cropHeight: 224,
        grayscale: true,
        mean: [clipMean[0]],
        std: [clipStd[0]]
    )

    /// The output size of the resize step for an image of `width × height`.
    /// - Parameters:
    ///   - width: The input width.
    ///   - height: The input height.
    /// - Returns: The resized width and height.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if width <= height {
            return (shortestEdge, Int(Double(shortestEdge) * Double(height) / Double(width)))
        }
        return (Int(Double(shortestEdge) * Double(width) / Double(height)), shortestEdge)
    }

    /// Preprocesses one image.
    /// - Parameter image: Any decoded image (gray, RGB, with or without alpha, 8 or 16 bits).
    /// - Returns: A `1 × cropHeight × cropWidth` or `3 × cropHeight × cropWidth` tensor.
    /// - Precondition: The image is not empty, and the resized image is at least as large as the crop.
    public func callAsFunction(_ image: Image) -> PlanarTensor {
        precondition(image.width > 0 && image.height > 0, "cannot preprocess an empty image")
        var working = alpha == .drop ? image.convertedToRGB8() : image.flattened()
        if grayscale { working = working.luminance() }
        let size = resizedSize(width: image.width, height: image.height)
        precondition(size.width >= cropWidth && size.height >= cropHeight, "crop is larger than the resized image")
        // Only the centre crop of the resize is computed; it equals resize-then-crop exactly.
        let left = Self.offset(size.width - cropWidth, cropRounding)
        let top = Self.offset(size.height - cropHeight, cropRounding)
        if size.width == working.width && size.height == working.height {
            working = working.cropped(x: left, y: top, width: cropWidth, height: cropHeight)
        } else {
            working = working.resized(
                width: size.width,
                height: size.height,
                filter: filter,
                columns: left..<(left + cropWidth),
                rows: top..<(top + cropHeight)
            )
        }
        return working.normalizedTensor(mean: mean, std: std)
    }

    /// Half of `margin`, rounded as `rounding` says.
    static func offset(_ margin: Int, _ rounding: CropRounding) -> Int {
        switch rounding {
        case .floor: margin / 2
        case .halfToEven: margin % 2 == 1 && (margin / 2) % 2 == 1 ? margin / 2 + 1 : margin / 2
        }
    }
}

extension Image {
    /// This 8-bit RGB image as gray with Pillow's `convert("L")` weights, `(R×19595 + G×38470 + B×7471 + 2^15) >> 16`.
    func luminance() -> Image {
        guard format == .rgb, case .uint8(let rgb) = samples else { preconditionFailure("luminance needs RGB8") }
        var out = [UInt8](repeating: 0, count: pixelCount)
        for p in 0..<pixelCount {
            let sum = UInt32(rgb[p * 3]) * 19595 + UInt32(rgb[p * 3 + 1]) * 38470 + UInt32(rgb[p * 3 + 2]) * 7471
            out[p] = UInt8(truncatingIfNeeded: (sum + 0x8000) >> 16)
        }
        return Image(width: width, height: height, format: .gray, samples: .uint8(out))
    }
}
