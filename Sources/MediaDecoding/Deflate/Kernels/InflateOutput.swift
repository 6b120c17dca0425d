// SPDX-License-Identifier: Apache-2.0

/// The growing output of ``Inflater``: a zero-filled array written by index (cheaper than appending byte by
/// byte), grown by doubling up to the caller's limit, and trimmed to the bytes written at the end.
struct InflateOutput {
    private(set) var storage: [UInt8]
    /// The number of bytes written.
    private(set) var count = 0
    let limit: Int

    init(sizeHint: Int, limit: Int) {
        self.limit = limit
        storage = [UInt8](repeating: 0, count: max(0, min(sizeHint, limit)))
    }

    /// Makes room for `extra` more bytes, or throws if that would pass the limit.
    private mutating func reserve(_ extra: Int) throws(MediaDecodingError) {
        guard extra <= limit - count else { throw .limit("inflated data exceeds \(limit) bytes") }
        let needed = count + extra
        if needed > storage.count {
            let grown = min(limit, max(needed, storage.count * 2, 4096))
            storage.append(contentsOf: repeatElement(0, count: grown - storage.count))
        }
    }

    mutating func append(_ byte: UInt8) throws(MediaDecodingError) {
        if count == storage.count { try reserve(1) }
        storage[count] = byte
        count += 1
    }

    mutating func append(contentsOf bytes: ArraySlice<UInt8>) throws(MediaDecodingError) {
        try reserve(bytes.count)
        storage.replaceSubrange(count..<(count + bytes.count), with: bytes)
        count += bytes.count
    }

    /// Copies `length` bytes starting `distance` bytes back (the ranges may overlap).
    mutating func copy(distance: Int, length: Int) throws(MediaDecodingError) {
        guard distance <= count else {
            throw .corrupt("deflate distance \(distance) reaches before the start of the output")
        }
        try reserve(length)
        let start = count
        let end = count + length
        unsafe storage.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            var to = start
            var from = start - distance
            // Eight bytes at a time when source and destination are at least eight apart (no overlap within a
            // word); the rest, and short distances that repeat a run, byte by byte in order.
            if distance >= 8 {
                while to &+ 8 <= end {
                    let word = unsafe UnsafeRawPointer(base + from).loadUnaligned(as: UInt64.self)
                    unsafe UnsafeMutableRawPointer(base + to).storeBytes(of: word, as: UInt64.self)
                    to &+= 8
                    from &+= 8
                }
            }
            while to < end {
                unsafe base[to] = base[from]
                to &+= 1
                from &+= 1
            }
        }
        count = end
    }

    /// The bytes written, with the unused tail removed.
    consuming func finish() -> [UInt8] {
        var bytes = storage
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
