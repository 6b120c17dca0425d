// SPDX-License-Identifier: Apache-2.0

/// A chunk of rows whose first element starts on a 64-byte boundary (a cache line, and one AVX-512 register).
///
/// A `ContiguousArray`'s elements start 32 bytes into its heap object, and a large block from the allocator starts
/// 16 bytes into a page, so rows stored there begin 48 bytes past a cache line and a 64-byte load of such a row
/// spans two lines. Scanning 100,000 rows of 384 floats that way ran about a quarter slower than from an aligned
/// start with the same kernel (see `Documentation/Benchmarks.md`); rows of a multiple of 16 floats stored here are
/// all aligned. Copies share the storage until one is written to, as arrays do.
struct AlignedRowChunk<Element: BitwiseCopyable & Sendable>: RowChunk, Sendable {
    /// The alignment of the first element, in bytes.
    static var alignment: Int { 64 }

    /// `nil` until the first element or reservation.
    private var storage: AlignedRowStorage<Element>?

    init() {}

    init(exactly elements: ContiguousArray<Element>) {
        reserveCapacity(elements.count)
        appendElements(elements)
    }

    init<Failure: Error>(
        count: Int,
        initializingBytesWith initialize: (UnsafeMutableRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        guard count > 0 else { return }
        let fresh = AlignedRowStorage<Element>(capacity: count)
        try unsafe initialize(
            UnsafeMutableRawBufferPointer(start: fresh.base, count: count * MemoryLayout<Element>.stride)
        )
        fresh.count = count
        storage = fresh
    }

    var count: Int { storage?.count ?? 0 }
    var capacity: Int { storage?.capacity ?? 0 }

    /// The storage object (16-byte object header, pointer, capacity, count, rounded up by the allocator) and at
    /// most 48 bytes of alignment padding with the allocator's own header in front of the elements.
    static var overheadBytes: Int { 48 + 64 }

    mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { reallocate(capacity: minimumCapacity) }
    }

    mutating func appendElements(_ elements: some Collection<Element>) {
        let added = elements.count
        guard added > 0 else { return }
        let needed = count + added
        if needed > capacity {
            reallocate(capacity: needed)
        } else {
            makeUnique()
        }
        // `reallocate` and `makeUnique` leave storage in place and uniquely referenced.
        let target = storage!
        let start = unsafe target.base + target.count
        let copied: Void? = elements.withContiguousStorageIfAvailable { source in
            unsafe start.initialize(from: source.baseAddress!, count: added)
        }
        if copied == nil {
            var i = 0
            for element in elements {
                unsafe (start + i).initialize(to: element)
                i += 1
            }
        }
        target.count = needed
    }

    mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "cannot remove \(k) of \(count) elements")
        guard k > 0 else { return }
        makeUnique()
        storage!.count -= k
    }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "index \(position) out of range 0..<\(count)")
            return unsafe storage!.base[position]
        }
        set {
            precondition(position >= 0 && position < count, "index \(position) out of range 0..<\(count)")
            makeUnique()
            unsafe storage!.base[position] = newValue
        }
    }

    func withElements<Result, Failure: Error>(
        _ body: (Span<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        guard let storage else { return try body(Span()) }
        return try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            let elements = unsafe Span(_unsafeStart: storage.base, count: storage.count)
            return try body(elements)
        }
    }

    /// Copies the storage when another chunk shares it.
    private mutating func makeUnique() {
        guard storage != nil, !isKnownUniquelyReferenced(&storage!) else { return }
        reallocate(capacity: capacity)
    }

    /// Moves the elements into new storage with room for `capacity` elements.
    private mutating func reallocate(capacity: Int) {
        let fresh = AlignedRowStorage<Element>(capacity: capacity)
        if let storage {
            unsafe fresh.base.initialize(from: storage.base, count: storage.count)
            fresh.count = storage.count
        }
        storage = fresh
    }
}

/// The heap storage of an ``AlignedRowChunk``: written only while one chunk holds it (the chunk copies it first
/// otherwise), so sharing it across tasks is safe.
@safe private final class AlignedRowStorage<Element: BitwiseCopyable & Sendable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        let bytes = max(1, capacity) * MemoryLayout<Element>.stride
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: bytes,
            alignment: max(AlignedRowChunk<Element>.alignment, MemoryLayout<Element>.alignment)
        )
        unsafe base = raw.bindMemory(to: Element.self, capacity: max(1, capacity))
    }

    deinit { unsafe base.deallocate() }
}

extension Span where Element: BitwiseCopyable {
    /// The elements, copied into a new array.
    func copiedElements() -> [Element] {
        unsafe withUnsafeBufferPointer { unsafe Array($0) }
    }
}

extension ContiguousArray where Element: BitwiseCopyable {
    /// Appends a copy of `elements` (one copy, straight from the span's storage).
    mutating func append(copying elements: Span<Element>) {
        unsafe elements.withUnsafeBufferPointer { unsafe append(contentsOf: $0) }
    }
}
