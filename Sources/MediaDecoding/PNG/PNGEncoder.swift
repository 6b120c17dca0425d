// SPDX-License-Identifier: Apache-2.0

/// Encodes an ``Image`` as a PNG file (ISO/IEC 15948) with our own DEFLATE compressor.
///
/// Gray, gray + alpha, RGB and RGBA at 8 or 16 bits per sample map to PNG colour types 0, 4, 2 and 6; the
/// file holds IHDR, one IDAT and IEND, each with its CRC-32, and the zlib stream ends with its Adler-32. Each
/// row gets the filter (None, Sub, Up, Average or Paeth) whose output has the smallest sum of absolute values
/// taken as signed bytes, the heuristic libpng uses.
///
/// ```swift
/// let png = PNGEncoder().encode(image)
/// let again = try PNGDecoder().decode(png, limits: .default)   // == image
/// ```
public struct PNGEncoder: Sendable {
    /// The DEFLATE effort, 0 (stored) to 9 (smallest file).
    public var compressionLevel: Int
    /// Whether to choose a filter per row (`true`) or use filter None everywhere.
    public var adaptiveFiltering: Bool

    /// Creates an encoder.
    /// - Parameters:
    ///   - compressionLevel: 0 (stored) to 9; values outside are clamped. The default 6 is a good balance.
    ///   - adaptiveFiltering: Whether to pick a filter per row; `false` writes filter None (fastest).
    public init(compressionLevel: Int = 6, adaptiveFiltering: Bool = true) {
        self.compressionLevel = min(max(compressionLevel, 0), 9)
        self.adaptiveFiltering = adaptiveFiltering
    }

    /// Encodes `image` as a PNG file.
    /// - Parameter image: Any ``Image``; 16-bit samples are written big-endian as PNG requires.
    /// - Returns: The complete file.
    /// - Precondition: Width and height are 1...2^31 − 1 (the PNG limit).
    public func encode(_ image: Image) -> [UInt8] {
        precondition(
            (1...0x7FFF_FFFF).contains(image.width) && (1...0x7FFF_FFFF).contains(image.height),
            "PNG images must be 1...2^31-1 pixels wide and high"
        )
        let colorType: UInt8
        switch image.format {
        case .gray: colorType = 0
        case .grayAlpha: colorType = 4
        case .rgb: colorType = 2
        case .rgba: colorType = 6
        }
        let bytesPerSample = image.bitDepth / 8
        let bytesPerPixel = image.format.channelCount * bytesPerSample
        let rowBytes = image.width * bytesPerPixel
        let raw = Self.bigEndianSamples(image)
        let filtered = filter(raw, rowBytes: rowBytes, height: image.height, bytesPerPixel: bytesPerPixel)

        var file = PNGDecoder.signature
        var header = [UInt8]()
        header.appendUInt32BE(UInt32(image.width))
        header.appendUInt32BE(UInt32(image.height))
        header += [UInt8(image.bitDepth), colorType, 0, 0, 0]
        Self.appendChunk("IHDR", header, to: &file)
        Self.appendChunk("IDAT", Zlib.compress(filtered, level: compressionLevel), to: &file)
        Self.appendChunk("IEND", [], to: &file)
        return file
    }

    private static func bigEndianSamples(_ image: Image) -> [UInt8] {
        switch image.samples {
        case .uint8(let values):
            return values
        case .uint16(let values):
            var bytes = [UInt8](repeating: 0, count: values.count * 2)
            for (i, value) in values.enumerated() {
                bytes[2 * i] = UInt8(value >> 8)
                bytes[2 * i + 1] = UInt8(truncatingIfNeeded: value)
            }
            return bytes
        }
    }

    /// Prefixes every row with its filter type and filters it (PNG §9).
    private func filter(_ raw: [UInt8], rowBytes: Int, height: Int, bytesPerPixel: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        var best = [UInt8](repeating: 0, count: rowBytes)
        let zeroRow = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<height {
            let row = raw[(y * rowBytes)..<((y + 1) * rowBytes)]
            let above = y > 0 ? raw[((y - 1) * rowBytes)..<(y * rowBytes)] : zeroRow[0..<rowBytes]
            var bestType = 0
            var bestScore = Int.max
            for type in adaptiveFiltering ? 0...4 : 0...0 {
                let score = Self.apply(type, row, above, bytesPerPixel, into: &candidate)
                if score < bestScore {
                    bestScore = score
                    bestType = type
                    swap(&best, &candidate)
                }
            }
            let start = y * (rowBytes + 1)
            out[start] = UInt8(bestType)
            out.replaceSubrange((start + 1)...(start + rowBytes), with: best)
        }
        return out
    }

    /// Filters one row with `type`; returns the sum of the outputs' magnitudes as signed bytes.
    private static func apply(
        _ type: Int,
        _ row: ArraySlice<UInt8>,
        _ above: ArraySlice<UInt8>,
        _ bpp: Int,
        into out: inout [UInt8]
    ) -> Int {
        let r = row.startIndex
        let u = above.startIndex
        var score = 0
        for i in 0..<row.count {
            let x = row[r + i]
            let a = i >= bpp ? row[r + i - bpp] : 0
            let b = above[u + i]
            let c = i >= bpp ? above[u + i - bpp] : 0
            let predictor: UInt8
            switch type {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
            default: predictor = paeth(a, b, c)
            }
            let value = x &- predictor
            out[i] = value
            score += value < 128 ? Int(value) : 256 - Int(value)
        }
        return score
    }

    @inline(__always)
    private static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb, pa <= pc { return a }
        return pb <= pc ? b : c
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        file.appendUInt32BE(UInt32(data.count))
        let typeStart = file.count
        file += Array(type.utf8)
        file += data
        file.appendUInt32BE(CRC32.checksum(file, typeStart..<file.count))
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as four big-endian bytes.
    mutating func appendUInt32BE(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
