// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor with the few operations the persistence code needs: whole writes and reads that
/// retry interruptions and short counts, `fsync`, `ftruncate`, and the current length.
///
/// The descriptor is closed by ``close()`` or when the last reference goes away.
package final class OpenFile {
    /// How to open a file.
    package enum Mode: Sendable {
        /// Read only; the file must exist.
        case read
        /// Read and write; created (empty) when missing.
        case readWrite
        /// Write only; the file must not exist (used for temporary files).
        case createNew
    }

    package private(set) var descriptor: Int32
    /// The path the file was opened with, for messages.
    package let path: String

    /// Opens `path`.
    package init(_ path: String, mode: Mode) throws(FileError) {
        let flags: Int32 =
            switch mode {
            case .read: O_RDONLY | O_CLOEXEC
            case .readWrite: O_RDWR | O_CREAT | O_CLOEXEC
            case .createNew: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
            }
        let fd = unsafe open(path, flags, 0o644)
        guard fd >= 0 else { throw FileError.system("cannot open", path: path) }
        descriptor = fd
        self.path = path
    }

    deinit {
        close()
    }

    /// Closes the file now; later operations fail with `EBADF`.
    package func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    /// The file's current length in bytes.
    package func length() throws(FileError) -> Int {
        var info = stat()
        guard unsafe fstat(descriptor, &info) == 0 else { throw FileError.system("cannot stat", path: path) }
        return Int(info.st_size)
    }

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = unsafe systemWrite(descriptor, base + done, min(bytes.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileError.system("cannot write", path: path) }
            done += n
        }
    }

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: [UInt8]) throws(FileError) {
        let whole = bytes[...]  // a slice's `span` back-deploys; `Array.span` needs macOS 26 / iOS 26
        try unsafe whole.span.bytes.withUnsafeBytes { (raw) throws(FileError) in try unsafe write(raw) }
    }

    /// Fills `buffer` from the current position; returns how many bytes were read (fewer only at the end).
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = unsafe systemRead(descriptor, base + done, min(buffer.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileError.system("cannot read", path: path) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads from `offset` into `buffer` without moving the position, until it is full or the file ends;
    /// returns how many bytes were read.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = unsafe systemPRead(descriptor, base + done, min(buffer.count - done, 1 << 30), offset + done)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileError.system("cannot read", path: path) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads the whole file; a large one is read in two halves at once (the copy out of the page cache and the
    /// first touch of the new pages are most of the time, and they split well).
    package func readAll() throws(FileError) -> [UInt8] {
        let count = try length()
        let parts = count >= 16 << 20 ? 2 : 1
        let partSize = (count + parts - 1) / parts
        var results = [Result<Int, FileError>](repeating: .success(0), count: parts)
        let bytes = unsafe [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let whole = UnsafeMutableRawBufferPointer(buffer)
            unsafe results.withUnsafeMutableBufferPointer { results in
                Parallel.forEach(parts: parts) { part in
                    let start = part * partSize
                    let end = min(count, start + partSize)
                    let slice = unsafe UnsafeMutableRawBufferPointer(rebasing: whole[start..<end])
                    unsafe results[part] = Result { () throws(FileError) in try unsafe read(into: slice, at: start) }
                }
            }
            // The bytes read without a gap (a file cut meanwhile ends early).
            initialized = 0
            for (part, result) in results.enumerated() {
                guard case .success(let n) = result else { break }
                initialized += n
                if n < min(count, (part + 1) * partSize) - part * partSize { break }
            }
        }
        for result in results { if case .failure(let error) = result { throw error } }
        try seek(to: bytes.count)
        return bytes
    }

    /// Moves the position to `offset` bytes from the start.
    package func seek(to offset: Int) throws(FileError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else { throw FileError.system("cannot seek", path: path) }
    }

    /// Moves the position to the end of the file.
    package func seekToEnd() throws(FileError) {
        guard lseek(descriptor, 0, SEEK_END) >= 0 else { throw FileError.system("cannot seek", path: path) }
    }

    /// Flushes the file's data and metadata to stable storage.
    package func sync() throws(FileError) {
        guard fsync(descriptor) == 0 else { throw FileError.system("cannot sync", path: path) }
    }

    /// Cuts the file to `length` bytes.
    package func truncate(to length: Int) throws(FileError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw FileError.system("cannot truncate", path: path)
        }
    }
}

// The C calls, under names that the methods do not shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    unsafe read(fd, buffer, count)
}

private func systemPRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Int {
    unsafe pread(fd, buffer, count, off_t(offset))
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    unsafe write(fd, buffer, count)
}

private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
