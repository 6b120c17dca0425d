// SPDX-License-Identifier: Apache-2.0

/// The array-level entry points of the scan decoder: they lend the file, tables and buffers to it as raw pointers
/// for one scan (or one final transform) and never let a pointer out.
extension JPEGScanDecoder {
    /// What one scan decodes and how.
    struct Job {
        var scan: JPEGScan
        var frame: JPEGFrame
        /// The offset of the scan's first byte of entropy-coded data in the file.
        var dataStart: Int
        var restartInterval: Int
        /// Whether the frame's pixels are converted band by band while this (only) scan is decoded.
        var streaming: Bool
        var transform: JPEGColorTransform
    }

    /// Decodes the entropy-coded data of one scan into the planes (sequential) or coefficients (progressive),
    /// and for a streamed frame converts the pixels band by band into `pixels`.
    /// - Parameters:
    ///   - job: The scan, the frame layout and where the data starts.
    ///   - file: The whole file.
    ///   - tables: The Huffman decoding tables (``JPEGHuffmanDecodingTables/storage``).
    ///   - quantization: Four quantisation tables of 64 entries, natural order.
    ///   - planes: The component sample planes (``JPEGFrame/planeSize`` bytes).
    ///   - coefficients: The progressive coefficients (``JPEGFrame/coefficientCount``), or one dummy block.
    ///   - pixels: The output pixels of a streamed frame (width × height × channels), else unused.
    ///   - damage: The damage log, updated.
    ///   - lastGoodRow: libjpeg's `last_good_iMCU_row`, updated.
    /// - Returns: Where the search for the next marker starts and the bytes loaded but not used.
    /// - Throws: ``MediaDecodingError`` for data that cannot be decoded, or damage that is refused.
    static func decode(
        _ job: Job,
        file: [UInt8],
        tables: [Int32],
        quantization: [Int32],
        planes: inout [UInt8],
        coefficients: inout [Int16],
        pixels: inout [UInt8],
        damage: inout JPEGDamageLog,
        lastGoodRow: inout Int
    ) throws(MediaDecodingError) -> (position: Int, unusedBytes: Int) {
        let frame = job.frame
        var end = (position: job.dataStart, unusedBytes: 0)
        try unsafe file.withUnsafeBufferPointer { (file) throws(MediaDecodingError) in
            try unsafe planes.withUnsafeMutableBufferPointer { (planeBuffer) throws(MediaDecodingError) in
                try unsafe coefficients.withUnsafeMutableBufferPointer {
                    (coefficientBuffer) throws(MediaDecodingError) in
                    try unsafe tables.withUnsafeBufferPointer { (huffmanBuffer) throws(MediaDecodingError) in
                        try unsafe quantization.withUnsafeBufferPointer { (quantBuffer) throws(MediaDecodingError) in
                            try unsafe withUnsafeTemporaryAllocation(of: Int32.self, capacity: 128) {
                                (scratch) throws(MediaDecodingError) in
                                let coefficientBase = coefficientBuffer.baseAddress!
                                var targets: [JPEGScanDecoder.Target] = []
                                for (i, index) in job.scan.componentIndices.enumerated() {
                                    let component = frame.components[index]
                                    unsafe targets.append(
                                        JPEGScanDecoder.Target(
                                            componentIndex: index,
                                            h: component.h,
                                            v: component.v,
                                            dcTable: huffmanBuffer.baseAddress! + job.scan.dcSlots[i]
                                                * JPEGHuffmanDecodingTables.stride,
                                            acTable: huffmanBuffer.baseAddress! + job.scan.acSlots[i]
                                                * JPEGHuffmanDecodingTables.stride,
                                            quant: quantBuffer.baseAddress! + component.quantSlot * 64,
                                            plane: planeBuffer.baseAddress! + component.planeOffset,
                                            planeStride: component.planeStride,
                                            ringRows: component.ringRows,
                                            coefficients: coefficientBase + component.coefficientOffset,
                                            blocksPerRow: component.paddedBlocksWide,
                                            blocksWide: component.blocksWide,
                                            blocksHigh: component.blocksHigh
                                        )
                                    )
                                }
                                var decoder = unsafe JPEGScanDecoder(
                                    reader: JPEGBitReader(
                                        file,
                                        start: job.dataStart,
                                        rejectsInvalidCodes: damage.rejects
                                    ),
                                    targets: targets,
                                    scan: job.scan,
                                    frame: frame,
                                    restartInterval: job.restartInterval,
                                    scratch: scratch.baseAddress!,
                                    damage: damage
                                )
                                defer {
                                    damage = decoder.damage
                                    lastGoodRow = decoder.lastGoodRow(after: lastGoodRow)
                                }
                                guard job.streaming else {
                                    end = try decoder.run { _ throws(MediaDecodingError) in }
                                    return
                                }
                                // Convert each band once the band below it (its lower context row) is decoded.
                                let bandHeight = job.scan.componentIndices.count == 1 ? 8 : 8 * frame.vMax
                                var converted = 0
                                try unsafe pixels.withUnsafeMutableBufferPointer {
                                    (output) throws(MediaDecodingError) in
                                    let planeBase = unsafe UnsafePointer(planeBuffer.baseAddress!)
                                    let outputBase = output.baseAddress!
                                    let convert = { (rows: Range<Int>) in
                                        unsafe JPEGColorConverter.convert(
                                            rows: rows,
                                            frame: frame,
                                            planes: planeBase,
                                            transform: job.transform,
                                            output: outputBase
                                        )
                                    }
                                    end = try decoder.run { (bandsDone) throws(MediaDecodingError) in
                                        let ready = min((bandsDone - 1) * bandHeight, frame.height)
                                        if ready > converted {
                                            convert(converted..<ready)
                                            converted = ready
                                        }
                                    }
                                    convert(converted..<frame.height)
                                }
                            }
                        }
                    }
                }
            }
        }
        return end
    }

    /// After a progressive frame's last scan: dequantises every block and runs the inverse DCT into the planes.
    static func transformCoefficients(
        frame: JPEGFrame,
        coefficients: inout [Int16],
        quantization: [Int32],
        planes: inout [UInt8]
    ) {
        unsafe coefficients.withUnsafeMutableBufferPointer { coefficientBuffer in
            unsafe planes.withUnsafeMutableBufferPointer { planeBuffer in
                unsafe quantization.withUnsafeBufferPointer { quantBuffer in
                    unsafe withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { scratch in
                        unsafe transformCoefficients(
                            frame: frame,
                            coefficients: coefficientBuffer.baseAddress!,
                            quantization: quantBuffer.baseAddress!,
                            planes: planeBuffer.baseAddress!,
                            scratch: scratch.baseAddress!
                        )
                    }
                }
            }
        }
    }
}
