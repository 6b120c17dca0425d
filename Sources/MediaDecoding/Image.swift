// SPDX-License-Identifier: Apache-2.0

/// A decoded still image: interleaved, row-major samples, top row first.
///
/// Samples are 8-bit (`[UInt8]`) or 16-bit (`[UInt16]`, native integers, not byte-swapped) and hold
/// `width × height × format.channelCount` values. Alpha, when present, is straight (not premultiplied).
///
/// ```swift
/// let image = try MediaDecoder().decodeImage(bytes)
/// let rgb = image.convertedToRGB8()      // 3 bytes per pixel, whatever the source format
/// ```
public struct Image: Sendable, Hashable {
    /// The sample storage of an image, by bit depth.
    public enum Samples: Sendable, Hashable {
        /// 8 bits per sample.
        case uint8([UInt8])
        /// 16 bits per sample (native `UInt16` values, most significant bit = brightest).
        case uint16([UInt16])

        /// The number of samples stored.
        public var count: Int {
            switch self {
            case .uint8(let values): values.count
            case .uint16(let values): values.count
            }
        }
    }

    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// The channels of each pixel.
    public let format: PixelFormat
    /// The interleaved samples, `width × height × format.channelCount` of them.
    public let samples: Samples

    /// Creates an image from interleaved row-major samples.
    /// - Parameters:
    ///   - width: The width in pixels.
    ///   - height: The height in pixels.
    ///   - format: The channels of each pixel.
    ///   - samples: `width × height × format.channelCount` samples.
    /// - Precondition: `width ≥ 0`, `height ≥ 0` and the sample count matches.
    public init(width: Int, height: Int, format: PixelFormat, samples: Samples) {
        precondition(width >= 0 && height >= 0, "negative image size")
        precondition(samples.count == width * height * format.channelCount, "sample count does not match size")
        self.width = width
        self.height = height
        self.format = format
        self.samples = samples
    }

    /// The number of bits per sample: 8 or 16.
    public var bitDepth: Int {
        switch samples {
        case .uint8: 8
        case .uint16: 16
        }
    }

    /// The 8-bit samples, or `nil` for a 16-bit image.
    public var uint8Samples: [UInt8]? {
        if case .uint8(let values) = samples { return values }
        return nil
    }

    /// The 16-bit samples, or `nil` for an 8-bit image.
    public var uint16Samples: [UInt16]? {
        if case .uint16(let values) = samples { return values }
        return nil
    }

    /// The number of pixels, `width × height`.
    public var pixelCount: Int { width * height }
}
