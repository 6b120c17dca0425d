// SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading the files of a checkpoint or tokenizer folder, with the module's two failure codes.
enum LocalFile {
    /// The bytes at `url`, memory-mapped when `mapped` and the file system allows it.
    ///
    /// A mapped file is mapped read-only and private by this type itself (Foundation's `mappedIfSafe` reads the
    /// whole file into memory on Linux), so weight files cost address space, not memory: only the pages a
    /// reader touches become resident, as page cache the kernel can drop.
    /// - Throws: ``EmbeddingError/Code/notFound`` when there is no file, ``EmbeddingError/Code/fileSystem``
    ///   when it exists but cannot be read.
    static func read(_ url: URL, mapped: Bool = false) throws(EmbeddingError) -> Data {
        try load(url, mapped: mapped).data
    }

    /// The bytes at `url`, and whether they are a memory mapping this type made (see ``releasePages(_:_:)``).
    /// - Throws: As ``read(_:mapped:)``.
    static func load(_ url: URL, mapped: Bool) throws(EmbeddingError) -> (data: Data, isMapped: Bool) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw EmbeddingError(.notFound, "no file at \(url.path)")
        }
        if mapped, let data = map(url.path) { return (data, true) }
        do {
            return (try Data(contentsOf: url), false)
        } catch {
            throw EmbeddingError(.fileSystem, "cannot read \(url.path)", underlying: error)
        }
    }

    /// A private read-only mapping of the file, unmapped when the last copy of the `Data` goes; `nil` when the
    /// file cannot be mapped (empty, or not a regular file), and the caller reads it instead.
    private static func map(_ path: String) -> Data? {
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard unsafe fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else {
            return nil
        }
        let count = Int(status.st_size)
        guard let base = unsafe mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), unsafe base != MAP_FAILED
        else { return nil }
        return unsafe Data(
            bytesNoCopy: base,
            count: count,
            deallocator: .custom { pointer, length in
                _ = unsafe munmap(pointer, length)
            }
        )
    }

    /// Lets the kernel drop the resident pages of `range` of a mapping made by ``load(_:mapped:)``.
    ///
    /// Called once bytes were copied out: the pages stop counting towards the process's memory, and are read
    /// from the file again if touched again. Only whole pages inside `range` are released.
    /// - Precondition: `data` is a mapping ``load(_:mapped:)`` returned with `isMapped` true.
    static func releasePages(_ data: Data, _ range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        unsafe data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            let start = Int(bitPattern: base) + range.lowerBound
            let first = (start + page - 1) / page * page
            let last = (Int(bitPattern: base) + range.upperBound) / page * page
            guard last > first else { return }
            _ = unsafe madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED)
        }
    }
}
