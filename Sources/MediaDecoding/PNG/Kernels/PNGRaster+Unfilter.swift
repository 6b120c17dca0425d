// SPDX-License-Identifier: Apache-2.0

extension PNGRaster {
    static func unfilterRow(
        _ data: inout [UInt8],
        filter: UInt8,
        start: Int,
        count: Int,
        previous: Int?,
        stride: Int
    ) throws(MediaDecodingError) {
        guard filter <= 4 else { throw .corrupt("PNG row filter type \(filter) is invalid") }
        guard filter != 0, !(filter == 2 && previous == nil) else { return }
        // Raw pointers: the checked subscripts of an inout array cost more than the arithmetic here.
        unsafe data.withUnsafeMutableBufferPointer { buffer in
            let row = unsafe buffer.baseAddress! + start
            let up = unsafe previous.map { unsafe buffer.baseAddress! + $0 }
            let lead = min(stride, count)
            switch unsafe (filter, up) {
            case (1, _), (4, nil):
                // Paeth without a previous row predicts from the left neighbour, as Sub does.
                var i = stride
                while i < count {
                    unsafe row[i] &+= row[i &- stride]
                    i &+= 1
                }
            case (2, let up?):
                for i in 0..<count { unsafe row[i] &+= up[i] }
            case (3, nil):
                var i = stride
                while i < count {
                    unsafe row[i] &+= row[i &- stride] >> 1
                    i &+= 1
                }
            case (3, let up?):
                for i in 0..<lead { unsafe row[i] &+= up[i] >> 1 }
                var i = stride
                while i < count {
                    let sum = unsafe UInt16(row[i &- stride]) &+ UInt16(up[i])
                    unsafe row[i] &+= UInt8(truncatingIfNeeded: sum >> 1)
                    i &+= 1
                }
            case (4, let up?):
                for i in 0..<lead { unsafe row[i] &+= up[i] }
                var i = stride
                while i < count {
                    let left = unsafe Int(row[i &- stride])
                    let above = unsafe Int(up[i])
                    let upLeft = unsafe Int(up[i &- stride])
                    let distanceLeft = abs(above &- upLeft)
                    let distanceUp = abs(left &- upLeft)
                    let distanceUpLeft = abs(left &+ above &- 2 &* upLeft)
                    let predictor: Int
                    if distanceLeft <= distanceUp, distanceLeft <= distanceUpLeft {
                        predictor = left
                    } else if distanceUp <= distanceUpLeft {
                        predictor = above
                    } else {
                        predictor = upLeft
                    }
                    unsafe row[i] &+= UInt8(truncatingIfNeeded: predictor)
                    i &+= 1
                }
            default:
                break
            }
        }
    }
}
