// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// The two passes of a resize (or of a window of it), in Pillow's order; a pass is skipped when its axis keeps
/// its size and the window covers it.
struct ResizePlan {
    let inWidth: Int
    let inHeight: Int
    let outWidth: Int
    let outHeight: Int
    let columns: Range<Int>
    let rows: Range<Int>
    let channels: Int
    let filter: ResizeFilter

    func run<Sample: FixedWidthInteger & UnsignedInteger, Accumulator: FixedWidthInteger & SignedInteger>(
        _ input: [Sample],
        _: Accumulator.Type,
        level: InstructionLevel = .current
    ) -> [Sample] {
        // Pillow: vertical first only when the height loses more than twice as many rows as the width loses columns.
        let verticalFirst = inHeight - outHeight > 0 && inHeight - outHeight > 2 * (inWidth - outWidth)
        var current = input
        var currentWidth = inWidth
        var currentHeight = inHeight
        var vertical: ResampleCoefficients?
        for horizontal in verticalFirst ? [false, true] : [true, false] {
            if horizontal {
                if outWidth == inWidth {
                    if columns != 0..<inWidth {
                        current = cropColumns(current, width: currentWidth, height: currentHeight)
                        currentWidth = columns.count
                    }
                    continue
                }
                let table = ResampleCoefficients(
                    inputSize: inWidth,
                    outputSize: outWidth,
                    filter: filter,
                    window: columns
                )
                // Horizontal first: only the input rows the vertical pass will read (Pillow does the same).
                var needed = 0..<currentHeight
                if !verticalFirst && outHeight != inHeight {
                    vertical = ResampleCoefficients(
                        inputSize: inHeight,
                        outputSize: outHeight,
                        filter: filter,
                        window: rows
                    )
                    needed = vertical!.inputSpan
                    vertical = vertical!.shifted(by: needed.lowerBound)
                }
                current = ResamplePass<Sample, Accumulator>.horizontal(
                    current,
                    width: currentWidth,
                    height: currentHeight,
                    channels: channels,
                    table: table,
                    rows: needed,
                    level: level
                )
                currentWidth = columns.count
                currentHeight = needed.count
            } else {
                if outHeight == inHeight {
                    if rows != 0..<inHeight {
                        let rowLength = currentWidth * channels
                        current = Array(current[(rows.lowerBound * rowLength)..<(rows.upperBound * rowLength)])
                        currentHeight = rows.count
                    }
                    continue
                }
                let table =
                    vertical
                    ?? ResampleCoefficients(inputSize: inHeight, outputSize: outHeight, filter: filter, window: rows)
                current = ResamplePass<Sample, Accumulator>.vertical(
                    current,
                    width: currentWidth,
                    channels: channels,
                    table: table,
                    level: level
                )
                currentHeight = rows.count
            }
        }
        return current
    }

    private func cropColumns<Sample>(_ values: [Sample], width: Int, height: Int) -> [Sample] {
        var out = [Sample]()
        out.reserveCapacity(columns.count * height * channels)
        for y in 0..<height {
            let start = (y * width + columns.lowerBound) * channels
            out.append(contentsOf: values[start..<(start + columns.count * channels)])
        }
        return out
    }
}
