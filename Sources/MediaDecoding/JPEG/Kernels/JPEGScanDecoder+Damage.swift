// SPDX-License-Identifier: Apache-2.0

/// Damaged entropy-coded data, handled as libjpeg-turbo handles it (its `jdhuff.c`, `jdphuff.c` and
/// `jdmarker.c`): restart markers found or resynchronised, units of an interval whose data ran out filled, and
/// the silent repairs counted for the warnings.
extension JPEGScanDecoder {
    /// libjpeg's `process_restart` and `read_restart_marker`: expects `RST<expected>`, and when another marker
    /// comes instead, resynchronises as `jpeg_resync_to_restart` does.
    mutating func processRestart(_ expected: Int) throws(MediaDecodingError) {
        let leftover = reader.unusedBytes
        var hit = unsafe JPEGMarkerHit.find(in: reader.bytes, from: reader.position)
        try reportEnd(hit)
        if hit.skipped + leftover > 0 {
            try damage.report(
                MediaDecodingWarning(
                    .extraneousData,
                    "\(hit.skipped + leftover) extraneous bytes before marker \(hex8(hit.code))",
                    offset: hit.offset
                ),
                as: .corrupt
            )
        }
        predictors = (0, 0, 0, 0)
        endOfBandRun = 0
        if hit.code == 0xD0 + expected {
            reader.restart(at: hit.end)
            insufficientData = false
            return
        }
        try damage.report(
            MediaDecodingWarning(
                .restartMarkerMismatch,
                "found marker \(hex8(hit.code)) instead of RST\(expected)",
                offset: hit.offset
            ),
            as: hit.atEndOfData ? .truncated : .corrupt
        )
        // Bounded: every pass moves past a marker, and the data has an end.
        while true {
            let code = hit.code
            if code >= 0xD0 && code <= 0xD7 {
                let distance = (code - 0xD0 - expected) & 7
                if distance == 0 || distance == 3 || distance == 4 || distance == 5 {
                    // The expected marker, or one too far away to guess: discard it and go on.
                    reader.restart(at: hit.end)
                    insufficientData = false
                    return
                }
                if distance >= 6 {
                    // An earlier marker: look further.
                    hit = unsafe JPEGMarkerHit.find(in: reader.bytes, from: hit.end)
                    try reportEnd(hit)
                    continue
                }
                // One of the next two: this interval's data is missing, so stop at the marker.
            } else if code < 0xC0 {
                hit = unsafe JPEGMarkerHit.find(in: reader.bytes, from: hit.end)
                try reportEnd(hit)
                continue
            }
            // A marker that is no RST (or one of the next two): stay on it; this interval reads as empty.
            reader.restart(at: hit.offset)
            return
        }
    }

    private mutating func reportEnd(_ hit: JPEGMarkerHit) throws(MediaDecodingError) {
        guard hit.atEndOfData else { return }
        try damage.report(
            MediaDecodingWarning(.prematureEndOfFile, "the file ends inside a scan, without EOI", offset: hit.offset),
            as: .truncated
        )
    }

    /// A unit of an interval whose data has run out: sequential blocks are written as zero coefficients
    /// (mid-grey), progressive ones keep what earlier scans gave them.
    mutating func skipUnit(_ single: Bool, _ unitX: Int, _ unitY: Int) {
        guard case .sequential = mode else { return }
        if single {
            fillGrey(0, unitX, unitY)
            return
        }
        for t in 0..<targets.count {
            let target = targets[t]
            for y in 0..<target.v {
                for x in 0..<target.h {
                    fillGrey(t, unitX * target.h + x, unitY * target.v + y)
                }
            }
        }
    }

    private func fillGrey(_ t: Int, _ blockX: Int, _ blockY: Int) {
        let target = targets[t]
        let row = target.ringRows > 0 ? ringOffset &* (target.ringRows / 3) &+ blockY &* 8 : blockY &* 8
        let output = unsafe target.plane + row * target.planeStride + blockX * 8
        unsafe JPEGIDCT.transformDCOnly(0, into: output, stride: target.planeStride)
    }

    /// A refinement symbol whose size is not 1 (libjpeg's "bad Huffman code" warning; read as size 1).
    @inline(never)
    mutating func noteBadRefinementSize() throws(MediaDecodingError) {
        if damage.rejects {
            throw .corrupt("JPEG damaged data: a progressive refinement symbol has a size other than 1")
        }
        badRefinementSizes &+= 1
    }

    /// A zero run past the end of a block: libjpeg stores the value in the last coefficient.
    @inline(never)
    mutating func noteOverrun() throws(MediaDecodingError) {
        if damage.rejects {
            throw .corrupt("JPEG damaged data: AC coefficients run past the end of a block")
        }
        coefficientOverruns &+= 1
    }
}
