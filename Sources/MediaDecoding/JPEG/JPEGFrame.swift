// SPDX-License-Identifier: Apache-2.0

/// One image component from a SOF segment, with its geometry in blocks and where its samples live.
struct JPEGComponent: Sendable {
    /// The component identifier the scans refer to.
    var id: UInt8
    /// Horizontal and vertical sampling factors (1...4).
    var h: Int
    var v: Int
    /// The quantisation table slot (0...3).
    var quantSlot: Int
    /// The component's own size in samples: `ceil(frameWidth * h / hMax)` × `ceil(frameHeight * v / vMax)`.
    var width = 0
    var height = 0
    /// Blocks that hold real samples: `ceil(width / 8)` × `ceil(height / 8)` (a non-interleaved scan's order).
    var blocksWide = 0
    var blocksHigh = 0
    /// Blocks including the MCU padding of interleaved scans: `mcusWide * h` × `mcusHigh * v`.
    var paddedBlocksWide = 0
    var paddedBlocksHigh = 0
    /// Where this component's samples start in the frame's sample plane buffer; rows are ``planeStride`` apart.
    var planeOffset = 0
    /// Where this component's coefficients start in the coefficient buffer (progressive frames only).
    var coefficientOffset = 0
    /// Rows the plane holds when it is a ring of three bands (streamed decoding), or 0 for the whole component.
    var ringRows = 0

    /// Bytes between rows of this component's sample plane.
    var planeStride: Int { paddedBlocksWide * 8 }

    /// The offset of sample row `row` from the start of the plane.
    @inline(__always)
    func rowOffset(_ row: Int) -> Int {
        (ringRows > 0 ? row % ringRows : row) * planeStride
    }
}

/// The frame header (SOF) and the layout derived from it.
struct JPEGFrame: Sendable {
    /// Whether the frame is progressive (SOF2) rather than sequential (SOF0/SOF1).
    var isProgressive: Bool
    var width: Int
    var height: Int
    var components: [JPEGComponent]
    var hMax: Int
    var vMax: Int
    /// MCUs of an interleaved scan across and down the image.
    var mcusWide: Int
    var mcusHigh: Int
    /// Samples in all component planes together.
    var planeSize: Int
    /// Coefficients in all components together (progressive frames; 0 otherwise).
    var coefficientCount: Int

    /// Parses a SOF0/1/2 segment and lays out the component planes.
    /// - Throws: `.corrupt` for impossible values, `.unsupported` for precision other than 8 bits or sampling
    ///   factors whose ratio to the largest is not an integer, `.limitExceeded` past `limits`.
    init(
        _ bytes: [UInt8],
        _ range: Range<Int>,
        isProgressive: Bool,
        limits: DecodingLimits
    ) throws(MediaDecodingError) {
        var reader = ByteReader(Array(bytes[range]), format: "JPEG")
        let precision = try reader.readByte("SOF precision")
        guard precision == 8 else {
            throw .unsupported("JPEG sample precision \(precision) bits is not supported (only 8-bit)")
        }
        let height = Int(try reader.readUInt16BE("SOF height"))
        let width = Int(try reader.readUInt16BE("SOF width"))
        let count = Int(try reader.readByte("SOF component count"))
        guard height > 0 else {
            throw .unsupported("JPEG with height 0 in SOF (height defined by a later DNL marker) is not supported")
        }
        guard [1, 3, 4].contains(count) else {
            throw .unsupported("JPEG with \(count) components is not supported (1, 3 or 4)")
        }
        try limits.checkImage(width: width, height: height, bytesPerPixel: count, format: "JPEG")
        var components = [JPEGComponent]()
        for index in 0..<count {
            let id = try reader.readByte("SOF component id")
            let factors = try reader.readByte("SOF sampling factors")
            let quant = try reader.readByte("SOF quantisation table")
            let h = Int(factors >> 4)
            let v = Int(factors & 15)
            guard (1...4).contains(h), (1...4).contains(v), quant < 4 else {
                throw .corrupt("JPEG component \(index) has sampling \(h)x\(v) and table \(quant)")
            }
            guard !components.contains(where: { $0.id == id }) else {
                throw .corrupt("JPEG component id \(id) appears twice in SOF")
            }
            components.append(JPEGComponent(id: id, h: h, v: v, quantSlot: Int(quant)))
        }
        let hMax = components.map(\.h).max() ?? 1
        let vMax = components.map(\.v).max() ?? 1
        let mcusWide = (width + 8 * hMax - 1) / (8 * hMax)
        let mcusHigh = (height + 8 * vMax - 1) / (8 * vMax)
        var planeSize = 0
        var coefficients = 0
        for index in components.indices {
            var c = components[index]
            guard hMax % c.h == 0, vMax % c.v == 0 else {
                throw .unsupported("JPEG sampling factors \(c.h)x\(c.v) with maximum \(hMax)x\(vMax) are not integral")
            }
            c.width = (width * c.h + hMax - 1) / hMax
            c.height = (height * c.v + vMax - 1) / vMax
            c.blocksWide = (c.width + 7) / 8
            c.blocksHigh = (c.height + 7) / 8
            c.paddedBlocksWide = mcusWide * c.h
            c.paddedBlocksHigh = mcusHigh * c.v
            c.planeOffset = planeSize
            planeSize += c.paddedBlocksWide * c.paddedBlocksHigh * 64
            if isProgressive {
                c.coefficientOffset = coefficients
                coefficients += c.paddedBlocksWide * c.paddedBlocksHigh * 64
            }
            components[index] = c
        }
        // Planes (1 byte per sample) plus coefficients (2 bytes each) are the decoder's working memory.
        guard planeSize + 2 * coefficients <= limits.maxDecompressedBytes else {
            throw .limit("JPEG \(width)x\(height) needs more than \(limits.maxDecompressedBytes) bytes to decode")
        }
        self.isProgressive = isProgressive
        self.width = width
        self.height = height
        self.components = components
        self.hMax = hMax
        self.vMax = vMax
        self.mcusWide = mcusWide
        self.mcusHigh = mcusHigh
        self.planeSize = planeSize
        self.coefficientCount = coefficients
    }
}

extension JPEGFrame {
    /// Lays the planes out as rings of three bands of block rows each, for a sequential frame whose one scan
    /// holds every component: the scan decoder writes band `n` while the colour converter reads bands
    /// `n − 2` and `n − 1`, so the planes stay small and in cache.
    /// - Parameter single: Whether the scan has one component (its bands are 8 rows, not `8 × v`).
    mutating func useBandRings(single: Bool) {
        planeSize = 0
        for index in components.indices {
            components[index].ringRows = 3 * (single ? 8 : 8 * components[index].v)
            components[index].planeOffset = planeSize
            planeSize += components[index].ringRows * components[index].planeStride
        }
    }
}

/// A scan header (SOS): which components, their table slots, and the progressive band and bit position.
struct JPEGScan: Sendable {
    /// Indices into ``JPEGFrame/components``, in scan order.
    var componentIndices: [Int]
    /// DC table slot (0...3) and AC table slot (4...7) per scan component.
    var dcSlots: [Int]
    var acSlots: [Int]
    /// Spectral selection start and end (zig-zag indices).
    var spectralStart: Int
    var spectralEnd: Int
    /// Successive approximation: the previous and the current point transform.
    var approximationHigh: Int
    var approximationLow: Int
}
