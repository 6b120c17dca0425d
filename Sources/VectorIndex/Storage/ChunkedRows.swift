// SPDX-License-Identifier: Apache-2.0

/// Fixed-width rows stored in chunks of ``rowsPerChunk`` rows, each chunk its own copy-on-write buffer.
///
/// Indexes search a snapshot (a copy of this value taken under their lock) while writers keep changing the
/// index. With one flat buffer, the first write after a snapshot would copy every row. Here a copy shares
/// every chunk; a write then copies only the array of chunk references (one word per chunk) and the chunks
/// it touches, so a write costs O(batch + chunk + count / rowsPerChunk), not O(count).
///
/// Every chunk but the last is full, so row `r` lives in chunk `r >> chunkShift` at local row
/// `r & (rowsPerChunk - 1)`. The chunks are `ContiguousArray`s (``ChunkedRows``) or cache-line-aligned storage
/// (``AlignedChunkedRows``, for rows that scans stream through).
///
/// The value is 24 bytes (width and shift stored narrow): an IVF-PQ index holds three of these per list, and at
/// 100 vectors a list every 8 bytes saved per column saves 0.24 bytes a vector.
struct ChunkedRowStorage<Chunk: RowChunk & Sendable>: Sendable where Chunk.Element: BitwiseCopyable & Sendable {
    typealias Element = Chunk.Element

    /// The chunks, each holding `rowsPerChunk × width` elements (the last one possibly fewer).
    private(set) var chunks: [Chunk] = []
    /// The number of rows.
    private(set) var count = 0
    private let storedWidth: Int32
    private let storedShift: UInt8

    /// Elements per row.
    var width: Int { Int(storedWidth) }
    /// `rowsPerChunk == 1 << chunkShift`.
    var chunkShift: Int { Int(storedShift) }

    /// Creates empty storage for rows of `width` elements in chunks of `1 << chunkShift` rows.
    init(width: Int, chunkShift: Int) {
        precondition(width >= 1 && width <= Int32.max && chunkShift >= 0 && chunkShift < 32)
        storedWidth = Int32(width)
        storedShift = UInt8(chunkShift)
    }

    /// The number of rows per chunk.
    var rowsPerChunk: Int { 1 << chunkShift }

    var isEmpty: Bool { count == 0 }

    /// The chunk holding `row` and the row's index inside it.
    @inline(__always)
    func position(ofRow row: Int) -> (chunk: Int, row: Int) {
        (row &>> chunkShift, row & (rowsPerChunk &- 1))
    }

    /// The global rows stored in chunk `chunk`.
    func rows(inChunk chunk: Int) -> Range<Int> {
        let start = chunk << chunkShift
        return start..<min(count, start + rowsPerChunk)
    }

    /// Row `row`'s elements.
    func row(_ row: Int) -> [Element] {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        let (c, r) = position(ofRow: row)
        return chunks[c].withElements { $0.extracting(r * width..<(r + 1) * width).copiedElements() }
    }

    /// Calls `body` with chunk `chunk`'s elements, lent for the call.
    func withChunk<Result, Failure: Error>(
        _ chunk: Int,
        _ body: (Span<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try chunks[chunk].withElements(body)
    }

    /// The first element of row `row` (the element itself when `width == 1`).
    subscript(row: Int) -> Element {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        let (c, r) = position(ofRow: row)
        return chunks[c][r * width]
    }

    /// Appends the rows stored back to back in `elements` (a multiple of ``width`` elements).
    ///
    /// Capacity: a chunk this call starts is allocated for exactly the rows it receives. A partial last chunk
    /// that must grow grows to exactly its new size when `exact` is set or this call adds at least a quarter of
    /// its rows, and otherwise geometrically, by a quarter of its rows (at least one; never beyond one chunk).
    /// Appending a few rows at a time so copies a chunk O(log rowsPerChunk) times, about four rows per row
    /// appended in all, and only the last chunk holds slack: at most a quarter of its rows.
    mutating func append(contentsOf elements: some Collection<Element>, exact: Bool = false) {
        precondition(elements.count % width == 0, "appended elements do not split into rows of \(width)")
        var rest = elements[...]
        let chunkElements = rowsPerChunk * width
        while !rest.isEmpty {
            if chunks.isEmpty || chunks[chunks.count - 1].count == chunkElements {
                var chunk = Chunk()
                chunk.reserveCapacity(min(chunkElements, rest.count))
                chunks.append(chunk)
            }
            let last = chunks.count - 1
            let held = chunks[last].count
            let take = min(chunkElements - held, rest.count)
            let end = rest.index(rest.startIndex, offsetBy: take)
            if held + take > chunks[last].capacity {
                let step = max(width, held / width / 4 * width)
                let grown = exact || take >= step ? held + take : min(chunkElements, held + step)
                chunks[last].reserveCapacity(grown)
            }
            chunks[last].appendElements(rest[..<end])
            rest = rest[end...]
        }
        count += elements.count / width
    }

    /// Appends the rows in `chunk`, adopting it as a chunk when it starts one and fits in it.
    mutating func append(contentsOf chunk: Chunk) {
        precondition(chunk.count % width == 0, "appended elements do not split into rows of \(width)")
        guard count & (rowsPerChunk - 1) == 0, chunk.count <= rowsPerChunk * width, chunk.count > 0 else {
            chunk.withElements { append(contentsOf: $0.copiedElements()) }
            return
        }
        chunks.append(chunk)
        count += chunk.count / width
    }

    /// Overwrites row `row` with `elements` (exactly ``width`` of them).
    mutating func replaceRow(_ row: Int, with elements: some Collection<Element>) {
        precondition(row >= 0 && row < count && elements.count == width)
        let (c, r) = position(ofRow: row)
        var j = r * width
        for value in elements {
            chunks[c][j] = value
            j += 1
        }
    }

    /// Moves the last row into `row` (unless it is the last) and drops the last row.
    mutating func removeRowByMovingLast(_ row: Int) {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        let last = count - 1
        if row != last {
            let (lc, lr) = position(ofRow: last)
            let (c, r) = position(ofRow: row)
            for j in 0..<width { chunks[c][r * width + j] = chunks[lc][lr * width + j] }
        }
        let lc = chunks.count - 1
        chunks[lc].removeLast(width)
        if chunks[lc].count == 0 { chunks.removeLast() }
        count -= 1
    }

    /// Gives back the growth slack of the last chunk (small appends grow it geometrically), copying its rows
    /// once into a chunk of their exact size; does nothing when the slack is under 64 bytes (allocator
    /// rounding).
    mutating func trim() {
        guard let last = chunks.indices.last,
            (chunks[last].capacity - chunks[last].count) * MemoryLayout<Element>.stride >= 64
        else { return }
        var exact = Chunk()
        exact.reserveCapacity(chunks[last].count)
        chunks[last].withElements { exact.appendElements($0.copiedElements()) }
        chunks[last] = exact
    }

    /// Removes every row.
    mutating func removeAll() {
        chunks = []
        count = 0
    }

    /// Bytes held by the chunks (their capacity and overhead) and the chunk array.
    var memoryFootprint: Int {
        let chunkArray =
            chunks.capacity == 0
            ? 0 : ContiguousArray<Chunk>.overheadBytes + chunks.capacity * MemoryLayout<Chunk>.stride
        return chunks.reduce(chunkArray) { $0 + Chunk.overheadBytes + $1.capacity * MemoryLayout<Element>.stride }
    }

    /// All elements, row after row, in one new array.
    func joined() -> ContiguousArray<Element> {
        var all = ContiguousArray<Element>()
        all.reserveCapacity(count * width)
        for chunk in chunks { chunk.withElements { all.append(copying: $0) } }
        return all
    }
}

/// Rows in `ContiguousArray` chunks: the smallest per-chunk overhead, for many short chunks.
typealias ChunkedRows<Element: BitwiseCopyable & Sendable> = ChunkedRowStorage<ContiguousArray<Element>>

/// Rows in chunks that start on a cache line, so that rows of a multiple of 16 floats are all 64-byte aligned.
typealias AlignedChunkedRows<Element: BitwiseCopyable & Sendable> = ChunkedRowStorage<AlignedRowChunk<Element>>
