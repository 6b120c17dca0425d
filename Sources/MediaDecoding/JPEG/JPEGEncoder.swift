// SPDX-License-Identifier: Apache-2.0

/// Encodes an ``Image`` as a baseline JFIF JPEG: for example to shrink a picture before sending it to a
/// generator model.
///
/// Quality 1...100 scales the example tables of ITU T.81 Annex K the way the IJG libraries (and so Pillow)
/// do, so `quality: 90` here gives the same quantisation tables as Pillow's `quality=90`. Colour images are
/// converted to full-range YCbCr (BT.601) and written with 4:2:0 or 4:4:4 chroma; gray images as a single
/// component. Alpha is dropped and 16-bit samples keep their high byte. Huffman tables are the Annex K ones
/// or, with `optimizedHuffmanTables`, built from the image's own statistics (smaller files, two passes).
///
/// ```swift
/// let jpeg = JPEGEncoder(quality: 85).encode(image)
/// ```
public struct JPEGEncoder: Sendable {
    /// How the two chroma components are sampled relative to luma.
    public enum ChromaSampling: Sendable, Hashable {
        /// Full-resolution chroma (4:4:4).
        case full
        /// Chroma halved in both directions (4:2:0), the usual choice for photographs.
        case half
    }

    /// The quality, 1 (smallest) to 100 (largest); clamped to that range.
    public var quality: Int
    /// Chroma resolution for colour images.
    public var chromaSampling: ChromaSampling
    /// Whether to build Huffman tables from the image's statistics instead of using the Annex K tables.
    public var optimizedHuffmanTables: Bool

    /// Creates an encoder.
    /// - Parameters:
    ///   - quality: 1...100 (IJG scale); the default 85.
    ///   - chromaSampling: ``ChromaSampling/half`` (4:2:0, the default) or ``ChromaSampling/full`` (4:4:4).
    ///   - optimizedHuffmanTables: Whether to optimise the Huffman tables (default `false`).
    public init(quality: Int = 85, chromaSampling: ChromaSampling = .half, optimizedHuffmanTables: Bool = false) {
        self.quality = min(max(quality, 1), 100)
        self.chromaSampling = chromaSampling
        self.optimizedHuffmanTables = optimizedHuffmanTables
    }

    /// A quantisation table scaled for `quality` as the IJG libraries do.
    ///
    /// The factor is `5000 / q` below 50 and `200 − 2q` from 50; entries are clamped to 1...255 (baseline).
    /// The encoder applies it to the Annex K tables.
    /// - Parameters:
    ///   - base: A table (any order; entries are scaled independently).
    ///   - quality: 1...100; clamped to that range.
    /// - Returns: The scaled table, in the same order.
    public static func scaledQuantizationTable(_ base: [UInt16], quality: Int) -> [UInt16] {
        let q = min(max(quality, 1), 100)
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return base.map { UInt16(min(max((Int($0) * scale + 50) / 100, 1), 255)) }
    }

    /// Encodes `image` as a JPEG file.
    /// - Parameter image: Any ``Image``; see ``JPEGEncoder`` for how formats are mapped.
    /// - Returns: The complete file.
    /// - Precondition: Width and height are 1...65535 (the JPEG limit).
    public func encode(_ image: Image) -> [UInt8] {
        precondition(
            (1...65_535).contains(image.width) && (1...65_535).contains(image.height),
            "JPEG images must be 1...65535 pixels wide and high"
        )
        let gray = image.format == .gray || image.format == .grayAlpha
        let planes = Self.componentPlanes(image, gray: gray)
        let factor = !gray && chromaSampling == .half ? 2 : 1
        let luma = Self.scaledQuantizationTable(JPEGStandardTables.luminanceQuantization, quality: quality)
        let chroma = Self.scaledQuantizationTable(JPEGStandardTables.chrominanceQuantization, quality: quality)
        var components: [JPEGEncodedComponent] = []
        for (index, plane) in planes.enumerated() {
            let sampling = index == 0 ? factor : 1
            let blocks = JPEGEncodedComponent.quantizedBlocks(
                plane,
                width: image.width,
                height: image.height,
                subsample: index == 0 ? 1 : factor,
                mcuSize: 8 * factor,
                quant: index == 0 ? luma : chroma
            )
            components.append(
                JPEGEncodedComponent(
                    id: UInt8(index + 1),
                    sampling: sampling,
                    table: index == 0 ? 0 : 1,
                    blocks: blocks
                )
            )
        }
        var entropy = JPEGEntropyEncoder(
            components: components,
            mcusWide: (image.width + 8 * factor - 1) / (8 * factor)
        )
        let tables =
            optimizedHuffmanTables ? entropy.optimizedTables(tableCount: gray ? 1 : 2) : Self.standardTables(gray)
        let scanData = entropy.encode(tables)

        var file: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF 1.01, no density, no thumbnail.
        file += [0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        file += [0xFF, 0xDB, 0, UInt8(2 + 65 * (gray ? 1 : 2))]
        let quantTables = gray ? [luma] : [luma, chroma]
        for slot in quantTables.indices {
            file.append(UInt8(slot))
            file += JPEGZigZag.natural.map { UInt8(quantTables[slot][$0]) }
        }
        let frameLength = 8 + 3 * components.count
        file += [0xFF, 0xC0, 0, UInt8(frameLength), 8]
        file += [
            UInt8(image.height >> 8), UInt8(image.height & 0xFF), UInt8(image.width >> 8), UInt8(image.width & 0xFF),
        ]
        file.append(UInt8(components.count))
        for component in components {
            file += [component.id, UInt8(component.sampling << 4 | component.sampling), UInt8(component.table)]
        }
        var huffmanSegment: [UInt8] = []
        for (slot, pair) in tables.enumerated() {
            for (tableClass, table) in [(0, pair.dc), (1, pair.ac)] {
                huffmanSegment.append(UInt8(tableClass << 4 | slot))
                huffmanSegment += table.counts + table.symbols
            }
        }
        file += [0xFF, 0xC4, UInt8((huffmanSegment.count + 2) >> 8), UInt8((huffmanSegment.count + 2) & 0xFF)]
        file += huffmanSegment
        let scanLength = 6 + 2 * components.count
        file += [0xFF, 0xDA, 0, UInt8(scanLength), UInt8(components.count)]
        for component in components {
            file += [component.id, UInt8(component.table << 4 | component.table)]
        }
        file += [0, 63, 0]
        file += scanData
        file += [0xFF, 0xD9]
        return file
    }

    private static func standardTables(_ gray: Bool) -> [(dc: JPEGHuffmanTable, ac: JPEGHuffmanTable)] {
        let luma = (JPEGStandardTables.dcLuminance, JPEGStandardTables.acLuminance)
        let chroma = (JPEGStandardTables.dcChrominance, JPEGStandardTables.acChrominance)
        return gray ? [luma] : [luma, chroma]
    }

    /// The image as one (gray) or three (Y, Cb, Cr) full-resolution 8-bit planes.
    private static func componentPlanes(_ image: Image, gray: Bool) -> [[UInt8]] {
        let eight: [UInt8]
        switch image.samples {
        case .uint8(let values): eight = values
        case .uint16(let values): eight = values.map { UInt8($0 >> 8) }
        }
        let channels = image.format.channelCount
        let count = image.pixelCount
        if gray {
            return [(0..<count).map { eight[$0 * channels] }]
        }
        let (y, cb, cr) = JPEGEncoderKernels.ycbcrPlanes(eight, channels: channels, count: count)
        return [y, cb, cr]
    }
}
