// SPDX-License-Identifier: Apache-2.0

/// Decodes JPEG files (ITU T.81 / JFIF / Adobe / EXIF) in pure Swift.
///
/// Supported: baseline (SOF0), extended sequential 8-bit (SOF1, including 16-bit quantisation tables) and
/// progressive (SOF2: spectral selection and successive approximation) Huffman-coded frames; any integral
/// sampling factors (4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1, …); restart intervals; streams without DHT segments
/// (Motion-JPEG: the Annex K tables are assumed).
///
/// Output, matching Pillow / libjpeg-turbo's defaults (accurate integer IDCT, "fancy" triangular chroma
/// upsampling for 2:1 ratios, libjpeg's fixed-point colour conversion):
/// - 1 component → ``PixelFormat/gray``;
/// - 3 components → ``PixelFormat/rgb``: YCbCr converted with full-range BT.601, or copied when the file says
///   it stores RGB (Adobe transform 0, or component ids `R`, `G`, `B`);
/// - 4 components (CMYK, or YCCK with Adobe transform 2) → ``PixelFormat/rgb`` by Pillow's naive formula
///   without colour management; Adobe files' inverted samples are handled.
///
/// A progressive frame whose low-frequency coefficients are not all known to full precision (a file cut before
/// its last scan) is block-smoothed exactly as libjpeg-turbo 3.x smooths it, so its pixels match too.
///
/// By default the EXIF Orientation tag is applied, so the image comes out upright (width and height swap for
/// orientations 5 to 8); create the decoder with `appliesEXIFOrientation: false` to get the stored pixels.
///
/// Damaged files are decoded as libjpeg-turbo (Pillow's decoder) decodes them, by default: junk between
/// segments or before a marker is skipped, APPn segments with a wrong length are skipped by libjpeg's rule, a
/// scan whose data ends early (at a marker or at the end of a file cut short) is finished the way libjpeg
/// finishes it (the rest of the restart interval mid-grey), invalid Huffman codes read as symbol 0, and missing
/// or out-of-order restart markers are resynchronised. Each is reported as a ``MediaDecodingWarning`` by
/// ``decodeReportingWarnings(_:limits:)``. Create the decoder with `damageHandling: .reject` to get a
/// ``MediaDecodingError`` naming the damage instead. What libjpeg refuses (a second SOI, unknown markers, bad
/// tables or headers) is always refused.
///
/// ```swift
/// let decoded = try JPEGDecoder().decodeReportingWarnings(bytes, limits: .default)
/// for warning in decoded.warnings { print(warning) }    // "extraneousData: 3 extraneous bytes before …"
/// let strict = JPEGDecoder(damageHandling: .reject)     // throws on the same file
/// ```
///
/// Not supported (``MediaDecodingError/Code/unsupported``): arithmetic coding (SOF9–SOF15), lossless and
/// hierarchical frames, 12-bit samples, and heights defined by a DNL marker.
public struct JPEGDecoder: ImageDecoder {
    /// What the decoder does with damaged data that libjpeg-turbo recovers from with a warning.
    public enum DamageHandling: Sendable, Hashable {
        /// Recover as libjpeg-turbo does and report a ``MediaDecodingWarning`` (the default, like Pillow).
        case recover
        /// Throw a ``MediaDecodingError`` naming the damage (`.corrupt`, or `.truncated` when the data ends).
        case reject
    }

    /// Whether ``decode(_:limits:)`` turns the image upright according to its EXIF Orientation tag.
    public var appliesEXIFOrientation: Bool
    /// What to do with damaged data that libjpeg-turbo recovers from.
    public var damageHandling: DamageHandling

    /// Creates a JPEG decoder.
    /// - Parameters:
    ///   - appliesEXIFOrientation: Whether to apply the EXIF Orientation tag (the default) or return the pixels
    ///     as stored.
    ///   - damageHandling: Whether to recover from damaged data as libjpeg-turbo does (the default) or refuse it.
    public init(appliesEXIFOrientation: Bool = true, damageHandling: DamageHandling = .recover) {
        self.appliesEXIFOrientation = appliesEXIFOrientation
        self.damageHandling = damageHandling
    }

    /// Whether `header` starts with a JPEG SOI marker followed by another marker (`FF D8 FF`).
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a JPEG signature.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        header.starts(with: [0xFF, 0xD8, 0xFF])
    }

    /// Decodes a JPEG file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the frame size before any image memory is allocated.
    /// - Returns: The image, in the format described on ``JPEGDecoder``.
    /// - Throws: ``MediaDecodingError``: `.truncated` (the data ends before any scan, or, when damage is
    ///   rejected, early), `.corrupt` (bad markers, tables or headers, or damaged data when it is rejected),
    ///   `.unsupported` (see above) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        try decodeReportingWarnings(bytes, limits: limits).image
    }

    /// Decodes a JPEG file and lists the damage recovered from.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the frame size before any image memory is allocated.
    /// - Returns: The image, in the format described on ``JPEGDecoder``, and the warnings (empty for an intact
    ///   file; never any with `damageHandling: .reject`).
    /// - Throws: ``MediaDecodingError``, as ``decode(_:limits:)``.
    public func decodeReportingWarnings(
        _ bytes: [UInt8],
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> DecodedImage {
        var stream = JPEGStream(bytes, limits: limits, rejectsDamage: damageHandling == .reject)
        var image = try stream.decode()
        if appliesEXIFOrientation, let orientation = stream.orientation {
            image = image.applyingEXIFOrientation(orientation)
        }
        return DecodedImage(image: image, warnings: stream.damage.warnings)
    }

    /// The EXIF Orientation tag (1...8) of a JPEG file, read from its first EXIF APP1 segment without decoding
    /// the image.
    /// - Parameter bytes: The file, or at least all of its segments before the first scan.
    /// - Returns: The orientation, or `nil` when the file has none (or a damaged EXIF block).
    public static func exifOrientation(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var position = 2
        while position + 4 <= bytes.count, bytes[position] == 0xFF {
            let marker = bytes[position + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let body = (position + 4)..<min(position + 2 + length, bytes.count)
            if marker == 0xE1, length >= 8, bytes[body].starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) {
                return EXIFOrientation.parse(bytes, (body.lowerBound + 6)..<body.upperBound)
            }
            guard length >= 2 else { return nil }
            position += 2 + length
        }
        return nil
    }
}
