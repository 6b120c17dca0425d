// SPDX-License-Identifier: Apache-2.0

/// The storage of one chunk of ``ChunkedRowStorage``: a growable run of elements with value semantics (copying a
/// chunk shares its storage until one copy is written to).
///
/// Two kinds exist: `ContiguousArray` (the smallest header, for the many short chunks of IVF-PQ lists) and
/// ``AlignedRowChunk`` (storage that starts on a cache line, for the rows a flat scan streams through).
protocol RowChunk<Element> {
    associatedtype Element

    /// Creates an empty chunk that holds no storage.
    init()
    /// Creates a chunk holding exactly `elements`, adopting the array's storage where the chunk type allows.
    init(exactly elements: ContiguousArray<Element>)
    /// Creates a chunk of `count` elements whose bytes `initialize` writes, all of them, or throws (then no
    /// chunk is made). The buffer is the chunk's own storage: nothing is zero-filled or copied.
    init<Failure: Error>(
        count: Int,
        initializingBytesWith initialize: (UnsafeMutableRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure)

    /// The number of elements.
    var count: Int { get }
    /// The number of elements the storage has room for.
    var capacity: Int { get }
    /// Bytes the storage holds beyond `capacity` elements: object header, counts, allocation padding.
    static var overheadBytes: Int { get }

    /// Makes room for at least `minimumCapacity` elements.
    mutating func reserveCapacity(_ minimumCapacity: Int)
    /// Appends `elements`, growing the storage to exactly what is needed when it lacks room.
    mutating func appendElements(_ elements: some Collection<Element>)
    /// Removes the last `k` elements.
    mutating func removeLast(_ k: Int)
    /// The element at `position` (`0 ..< count`).
    subscript(position: Int) -> Element { get set }

    /// Calls `body` with the elements, lent for the duration of the call.
    func withElements<Result, Failure: Error>(
        _ body: (Span<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result
}

extension ContiguousArray: RowChunk {
    init(exactly elements: ContiguousArray<Element>) { self = elements }

    init<Failure: Error>(
        count: Int,
        initializingBytesWith initialize: (UnsafeMutableRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        var failure: Failure?
        self = unsafe ContiguousArray(unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Failure) {
                try unsafe initialize(UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
    }

    /// The array buffer's header: reference-counted object header, count and capacity.
    static var overheadBytes: Int { 32 }

    mutating func appendElements(_ elements: some Collection<Element>) { append(contentsOf: elements) }

    func withElements<Result, Failure: Error>(
        _ body: (Span<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(span)
    }
}
