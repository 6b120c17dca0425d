// SPDX-License-Identifier: Apache-2.0

/// Walks the marker segments of a JPEG file (ITU T.81 Annex B), decodes each scan as it arrives and returns the
/// finished frame's pixels.
///
/// Supported: SOF0 (baseline), SOF1 (extended sequential, 8-bit) and SOF2 (progressive), Huffman coded, with
/// 1, 3 or 4 components, any integral sampling factors and restart intervals. Lossless, hierarchical and
/// arithmetic-coded frames and 12-bit precision throw ``MediaDecodingError/Code/unsupported``.
///
/// Markers are found as libjpeg-turbo finds them (`next_marker` and `skip_variable` in its `jdmarker.c`): bytes
/// that belong to no segment are skipped (with a warning), APPn and COM segments are skipped by their length
/// whatever they hold, and the end of the data reads as EOI (with a warning). What libjpeg refuses (a second
/// SOI, an unknown marker, bad tables or frame headers) is refused here too.
struct JPEGStream {
    private let bytes: [UInt8]
    private let limits: DecodingLimits
    private var huffman = JPEGHuffmanDecodingTables()
    /// Four quantisation tables of 64 entries each, natural order.
    private var quantization = [Int32](repeating: 0, count: 256)
    private var quantizationDefined = [false, false, false, false]
    private var restartInterval = 0
    private var frame: JPEGFrame?
    private var planes: [UInt8] = []
    private var coefficients: [Int16] = []
    /// The finished pixels of a frame converted while its only scan was decoded.
    private var streamedPixels: [UInt8]?
    private var scansDecoded = 0
    /// Progression state for libjpeg's block smoothing (progressive frames).
    private var smoothing = JPEGBlockSmoothing(componentCount: 0)
    private var sawJFIF = false
    private var adobeTransform: Int?
    /// The EXIF orientation tag (1...8) of the first EXIF APP1 segment, if any.
    private(set) var orientation: Int?
    /// The damage recovered from so far.
    private(set) var damage: JPEGDamageLog

    /// The most scans a file may have (libjpeg-turbo suggests the same bound for untrusted files).
    static let maxScans = 500

    init(_ bytes: [UInt8], limits: DecodingLimits, rejectsDamage: Bool = true) {
        self.bytes = bytes
        self.limits = limits
        self.damage = JPEGDamageLog(rejects: rejectsDamage)
    }

    /// The next marker from `start` by libjpeg's rules, with a warning for skipped bytes (`unused` more are
    /// counted as skipped) and for the end of the data.
    private mutating func nextMarker(from start: Int, unused: Int = 0) throws(MediaDecodingError) -> JPEGMarkerHit {
        let hit = JPEGMarkerHit.find(in: bytes, from: start)
        if hit.skipped + unused > 0 {
            try damage.report(
                MediaDecodingWarning(
                    .extraneousData,
                    "\(hit.skipped + unused) extraneous bytes before marker \(hex8(hit.code))",
                    offset: hit.offset
                ),
                as: .corrupt
            )
        }
        if hit.atEndOfData {
            try damage.report(
                MediaDecodingWarning(.prematureEndOfFile, "the file ends without EOI", offset: hit.offset),
                as: .truncated
            )
        }
        return hit
    }

    /// Decodes the whole file.
    mutating func decode() throws(MediaDecodingError) -> Image {
        guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw bytes.count < 3
                ? .truncated("JPEG file is shorter than its SOI marker") : .corrupt("no JPEG SOI marker")
        }
        var position = 2
        var unused = 0
        while true {
            let hit = try nextMarker(from: position, unused: unused)
            unused = 0
            let marker = hit.code
            position = hit.end
            switch marker {
            case 0xD9:
                return try finish()
            case 0xD8:
                throw .corrupt("JPEG has a second SOI marker at offset \(hit.offset)")
            case 0x01, 0xD0...0xD7:
                continue  // TEM and stray RSTn carry no segment.
            case 0xC0...0xC7, 0xC9...0xCF, 0xDA...0xDD, 0xE0...0xEF, 0xFE:
                break
            default:
                // JPG, JPGn, DHP, EXP and reserved markers: libjpeg refuses them.
                throw .corrupt("JPEG has an unsupported marker \(hex8(marker)) at offset \(hit.offset)")
            }
            if (0xE0...0xEF).contains(marker) || marker == 0xFE || marker == 0xDC || marker == 0xCC {
                // libjpeg's skip_variable: the length, then that many bytes whatever they are.
                position = skipVariable(marker, at: position)
                continue
            }
            guard position + 2 <= bytes.count else { throw .truncated("JPEG segment \(hex8(marker)) has no length") }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2 else { throw .corrupt("JPEG segment \(hex8(marker)) has length \(length)") }
            guard position + length <= bytes.count else {
                throw .truncated("JPEG segment \(hex8(marker)) needs \(length) bytes at offset \(position)")
            }
            let body = (position + 2)..<(position + length)
            position += length
            switch marker {
            case 0xC0, 0xC1, 0xC2:
                guard frame == nil else { throw .unsupported("JPEG with more than one frame is not supported") }
                frame = try JPEGFrame(bytes, body, isProgressive: marker == 0xC2, limits: limits)
            case 0xC3, 0xC5, 0xC6, 0xC7:
                throw .unsupported("JPEG lossless or hierarchical coding (\(hex8(marker))) is not supported")
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw .unsupported("JPEG arithmetic coding (\(hex8(marker))) is not supported")
            case 0xC4:
                try readHuffmanTables(body)
            case 0xDB:
                try readQuantizationTables(body)
            case 0xDD:
                guard body.count == 2 else { throw .corrupt("JPEG DRI segment has length \(length), not 4") }
                restartInterval = Int(bytes[body.lowerBound]) << 8 | Int(bytes[body.lowerBound + 1])
            default:  // 0xDA
                (position, unused) = try decodeScan(header: body, dataStart: position)
            }
        }
    }

    /// Skips an APPn, COM, DNL or DAC segment at `start` (its length field) as libjpeg does, noting the JFIF,
    /// Adobe and EXIF segments on the way, and returns where the search for the next marker goes on.
    ///
    /// Like libjpeg, a length below 2 skips nothing more, and a length past the end of the data skips to the end.
    private mutating func skipVariable(_ marker: Int, at start: Int) -> Int {
        guard start + 2 <= bytes.count else { return bytes.count }
        let length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
        let end = length >= 2 ? min(start + length, bytes.count) : start + 2
        let body = (start + 2)..<max(start + 2, end)
        switch marker {
        case 0xE0:
            // libjpeg looks at the first 14 bytes only, and only when the segment has them all.
            if length >= 16, bytes[body].starts(with: [0x4A, 0x46, 0x49, 0x46, 0]) { sawJFIF = true }
        case 0xE1:
            if orientation == nil, bytes[body].starts(with: [0x45, 0x78, 0x69, 0x66, 0, 0]) {
                orientation = EXIFOrientation.parse(bytes, (body.lowerBound + 6)..<body.upperBound)
            }
        case 0xEE:
            if length >= 14, body.count >= 12, bytes[body].starts(with: Array("Adobe".utf8)) {
                adobeTransform = Int(bytes[body.lowerBound + 11])
            }
        default:
            break
        }
        return length >= 2 ? start + length : start + 2
    }

    private mutating func readQuantizationTables(_ body: Range<Int>) throws(MediaDecodingError) {
        var offset = body.lowerBound
        while offset < body.upperBound {
            let precision = Int(bytes[offset] >> 4)
            let slot = Int(bytes[offset] & 15)
            guard precision <= 1, slot < 4 else {
                throw .corrupt("JPEG DQT has precision \(precision) and slot \(slot)")
            }
            let size = precision == 0 ? 64 : 128
            guard offset + 1 + size <= body.upperBound else { throw .corrupt("JPEG DQT segment is too short") }
            for k in 0..<64 {
                let value =
                    precision == 0
                    ? Int32(bytes[offset + 1 + k])
                    : Int32(bytes[offset + 1 + 2 * k]) << 8 | Int32(bytes[offset + 2 + 2 * k])
                quantization[slot * 64 + JPEGZigZag.natural[k]] = value
            }
            quantizationDefined[slot] = true
            offset += 1 + size
        }
    }

    private mutating func readHuffmanTables(_ body: Range<Int>) throws(MediaDecodingError) {
        var offset = body.lowerBound
        while offset < body.upperBound {
            let tableClass = Int(bytes[offset] >> 4)
            let slot = Int(bytes[offset] & 15)
            guard tableClass <= 1, slot < 4 else {
                throw .corrupt("JPEG DHT has class \(tableClass) and slot \(slot)")
            }
            guard offset + 17 <= body.upperBound else { throw .corrupt("JPEG DHT segment is too short") }
            let counts = Array(bytes[(offset + 1)..<(offset + 17)])
            let total = counts.reduce(0) { $0 + Int($1) }
            guard offset + 17 + total <= body.upperBound else { throw .corrupt("JPEG DHT segment is too short") }
            let table = try JPEGHuffmanTable(
                counts: counts,
                symbols: Array(bytes[(offset + 17)..<(offset + 17 + total)])
            )
            huffman.install(table, slot: tableClass * 4 + slot)
            offset += 17 + total
        }
    }

    /// Parses an SOS header, decodes the scan's data starting at `dataStart` and returns where the search for the
    /// next marker starts, and how many bytes of data the reader loaded but the scan did not use.
    private mutating func decodeScan(
        header body: Range<Int>,
        dataStart: Int
    ) throws(MediaDecodingError) -> (position: Int, unused: Int) {
        guard var frame else { throw .corrupt("JPEG scan (SOS) comes before the frame header (SOF)") }
        // A progressive scan can cover a whole component with a few bytes of end-of-band runs, so a small file
        // with many scans could cost hours; valid files have a few dozen at most.
        guard scansDecoded < Self.maxScans else {
            throw .limit("JPEG has more than \(Self.maxScans) scans")
        }
        let scan = try parseScanHeader(body, frame: frame)
        guard streamedPixels == nil else {
            throw .corrupt("sequential JPEG has another scan after one that held every component")
        }
        if damage.rejects {
            try checkDataSuffices(for: scan, frame: frame, dataStart: dataStart)
        }
        // A sequential frame whose first scan holds every component is converted to pixels band by band while
        // it is decoded; other frames keep whole planes until EOI.
        let streaming =
            !frame.isProgressive && scansDecoded == 0 && scan.componentIndices.count == frame.components.count
        let transform = colorTransform(frame)
        var pixels: [UInt8] = []
        if streaming {
            frame.useBandRings(single: scan.componentIndices.count == 1)
            self.frame = frame
            pixels = JPEGColorConverter.pixelBuffer(
                count: frame.width * frame.height * JPEGColorConverter.channels(transform)
            )
        }
        if planes.isEmpty {
            smoothing = JPEGBlockSmoothing(componentCount: frame.components.count)
            planes = [UInt8](repeating: 0, count: frame.planeSize)
            // Sequential frames need no coefficient storage; a dummy block keeps the buffer pointer non-nil.
            coefficients = [Int16](repeating: 0, count: frame.isProgressive ? frame.coefficientCount : 64)
        }
        huffman.installStandardTablesWhereMissing()
        for (i, index) in scan.componentIndices.enumerated() {
            let quant = frame.components[index].quantSlot
            guard quantizationDefined[quant] else { throw .corrupt("JPEG quantisation table \(quant) is not defined") }
            let needsDC = !frame.isProgressive || (scan.spectralStart == 0 && scan.approximationHigh == 0)
            let needsAC = !frame.isProgressive || scan.spectralStart > 0
            if needsDC, !huffman.defined[scan.dcSlots[i]] {
                throw .corrupt("JPEG Huffman DC table \(scan.dcSlots[i]) is not defined")
            }
            if needsDC, huffman.largestSymbol[scan.dcSlots[i]] > 15 {
                // libjpeg refuses such a table when a scan uses it, in every mode (JERR_BAD_HUFF_TABLE).
                throw .corrupt(
                    "JPEG Huffman DC table \(scan.dcSlots[i]) has symbol \(huffman.largestSymbol[scan.dcSlots[i]]), over 15"
                )
            }
            if needsAC, !huffman.defined[scan.acSlots[i]] {
                throw .corrupt("JPEG Huffman AC table \(scan.acSlots[i] - 4) is not defined")
            }
        }
        if frame.isProgressive { smoothing.begin(scan) }
        let interval = restartInterval
        var end = (position: dataStart, unusedBytes: 0)
        var lastGoodRow = smoothing.lastGoodRow
        var damage = self.damage
        let tables = huffman.storage
        let quantization = self.quantization
        // Take the buffers out of `self` for the duration of the scan so they are mutated in place.
        var planes = self.planes
        var coefficients = self.coefficients
        self.planes = []
        self.coefficients = []
        defer {
            self.planes = planes
            self.coefficients = coefficients
        }
        end = try JPEGScanDecoder.decode(
            JPEGScanDecoder.Job(
                scan: scan,
                frame: frame,
                dataStart: dataStart,
                restartInterval: interval,
                streaming: streaming,
                transform: transform
            ),
            file: bytes,
            tables: tables,
            quantization: quantization,
            planes: &planes,
            coefficients: &coefficients,
            pixels: &pixels,
            damage: &damage,
            lastGoodRow: &lastGoodRow
        )
        self.damage = damage
        smoothing.lastGoodRow = lastGoodRow
        if streaming { streamedPixels = pixels }
        scansDecoded += 1
        return (end.position, end.unusedBytes)
    }

    /// A cheap guard against huge frames with little data, before any plane is allocated: every block of a
    /// sequential scan costs at least 2 bits (a DC code and an end-of-block code) and every block of a
    /// progressive DC scan at least 1; AC scans can cover many blocks with one end-of-band run.
    private func checkDataSuffices(for scan: JPEGScan, frame: JPEGFrame, dataStart: Int) throws(MediaDecodingError) {
        let bitsPerBlock = frame.isProgressive ? (scan.spectralStart == 0 ? 1 : 0) : 2
        guard bitsPerBlock > 0 else { return }
        var blocks = 0
        if scan.componentIndices.count == 1 {
            let component = frame.components[scan.componentIndices[0]]
            blocks = component.blocksWide * component.blocksHigh
        } else {
            for index in scan.componentIndices {
                blocks += frame.mcusWide * frame.mcusHigh * frame.components[index].h * frame.components[index].v
            }
        }
        let available = (bytes.count - dataStart) * 8
        guard available >= blocks * bitsPerBlock else {
            throw .truncated("JPEG scan of \(blocks) blocks cannot fit in the \(bytes.count - dataStart) bytes left")
        }
    }

    private func parseScanHeader(_ body: Range<Int>, frame: JPEGFrame) throws(MediaDecodingError) -> JPEGScan {
        var reader = ByteReader(Array(bytes[body]), format: "JPEG")
        let count = Int(try reader.readByte("SOS component count"))
        guard (1...4).contains(count) else { throw .corrupt("JPEG scan has \(count) components") }
        var indices = [Int]()
        var dcSlots = [Int]()
        var acSlots = [Int]()
        var blocksPerMCU = 0
        for _ in 0..<count {
            let id = try reader.readByte("SOS component id")
            let tables = try reader.readByte("SOS table selectors")
            guard let index = frame.components.firstIndex(where: { $0.id == id }), !indices.contains(index) else {
                throw .corrupt("JPEG scan refers to unknown or repeated component id \(id)")
            }
            guard tables >> 4 < 4, tables & 15 < 4 else { throw .corrupt("JPEG scan selects Huffman table over 3") }
            indices.append(index)
            dcSlots.append(Int(tables >> 4))
            acSlots.append(4 + Int(tables & 15))
            blocksPerMCU += frame.components[index].h * frame.components[index].v
        }
        guard count == 1 || blocksPerMCU <= 10 else {
            throw .corrupt("JPEG interleaved scan has \(blocksPerMCU) blocks per MCU, more than 10")
        }
        let start = Int(try reader.readByte("SOS spectral start"))
        let end = Int(try reader.readByte("SOS spectral end"))
        let approximation = try reader.readByte("SOS successive approximation")
        let scan = JPEGScan(
            componentIndices: indices,
            dcSlots: dcSlots,
            acSlots: acSlots,
            spectralStart: start,
            spectralEnd: end,
            approximationHigh: Int(approximation >> 4),
            approximationLow: Int(approximation & 15)
        )
        if frame.isProgressive {
            guard start <= end, end <= 63, (start == 0) == (end == 0), start == 0 || count == 1,
                scan.approximationLow <= 13, scan.approximationHigh <= 13
            else {
                throw .corrupt("JPEG progressive scan has invalid band \(start)...\(end) or point transform")
            }
        }
        // Sequential scans ignore Ss, Se, Ah and Al, as libjpeg does.
        return scan
    }

    private mutating func finish() throws(MediaDecodingError) -> Image {
        guard let frame else { throw .corrupt("JPEG has no frame header (SOF) before EOI") }
        guard scansDecoded > 0 else { throw .corrupt("JPEG has no scan before EOI") }
        if let streamedPixels {
            return JPEGColorConverter.image(frame: frame, pixels: streamedPixels, transform: colorTransform(frame))
        }
        var planes = self.planes
        self.planes = []
        let quantization = self.quantization
        if frame.isProgressive {
            var coefficients = self.coefficients
            self.coefficients = []
            if smoothing.applies(to: frame, quantization: quantization) {
                coefficients = smoothing.smoothed(coefficients, frame: frame, quantization: quantization)
            }
            JPEGScanDecoder.transformCoefficients(
                frame: frame,
                coefficients: &coefficients,
                quantization: quantization,
                planes: &planes
            )
        }
        return JPEGColorConverter.image(frame: frame, planes: planes, transform: colorTransform(frame))
    }

    /// libjpeg's rules: JFIF means YCbCr; otherwise the Adobe transform flag; otherwise the component ids.
    private func colorTransform(_ frame: JPEGFrame) -> JPEGColorTransform {
        switch frame.components.count {
        case 1:
            return .gray
        case 3:
            if sawJFIF { return .yCbCr }
            if let adobeTransform { return adobeTransform == 0 ? .rgb : .yCbCr }
            let ids = frame.components.map(\.id)
            return ids == [0x52, 0x47, 0x42] ? .rgb : .yCbCr
        default:
            if let adobeTransform { return adobeTransform == 2 ? .ycck : .cmyk(inverted: true) }
            return .cmyk(inverted: false)
        }
    }
}
