// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement and whole-file reads through POSIX calls (the module does not use Foundation).
///
/// Both stream: an index is written from and read into its own arrays, never through a second full copy.
enum FileStorage {
    /// Lets `body` write a file at `path` atomically.
    ///
    /// The bytes go to a temporary file in the same folder, which is synced and renamed over the destination;
    /// then the folder is synced. A crash or an error leaves the previous file, if any, untouched.
    static func writeAtomically(
        to path: String,
        _ body: (inout FileSink) throws(VectorIndexError) -> Void
    ) throws(VectorIndexError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = unsafe open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var sink = FileSink(fd: fd, path: temporary)
        do throws(VectorIndexError) {
            try body(&sink)
            guard fsync(fd) == 0 else { throw failure("cannot sync \(temporary)") }
        } catch {
            close(fd)
            unsafe unlink(temporary)
            throw error
        }
        close(fd)
        guard unsafe rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unsafe unlink(temporary)
            throw error
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let folderFD = unsafe open(folder.isEmpty ? "/" : folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Opens the file at `path` and lets `body` read it from the start.
    static func withContents<Result>(
        of path: String,
        _ body: (inout FileSource) throws(VectorIndexError) -> Result
    ) throws(VectorIndexError) -> Result {
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw failure("cannot stat \(path)") }
        var source = FileSource(fd: fd, path: path, length: Int(info.st_size))
        return try body(&source)
    }

    static func failure(_ what: String) -> VectorIndexError {
        let code = errno
        let reason = unsafe strerror(code).map { unsafe String(cString: $0) } ?? "errno \(code)"
        return VectorIndexError(.fileSystem, "\(what): \(reason)")
    }
}

/// Writes to an open file descriptor, retrying short writes and interruptions.
struct FileSink: ByteSink {
    typealias Failure = VectorIndexError
    let fd: Int32
    let path: String

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(VectorIndexError) {
        var done = 0
        while done < bytes.count {
            let n = unsafe systemWrite(fd, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileStorage.failure("cannot write \(path)") }
            done += n
        }
    }
}

/// Reads from an open file descriptor whose length was taken when it was opened.
struct FileSource: ByteSource {
    let fd: Int32
    let path: String
    let length: Int

    mutating func read(into buffer: UnsafeMutableRawBufferPointer, _ what: String) throws(VectorIndexError) {
        var done = 0
        while done < buffer.count {
            let n = unsafe systemRead(fd, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30))
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileStorage.failure("cannot read \(path)") }
            guard n > 0 else { throw IndexFileCoding.truncated(what) }
            done += n
        }
    }
}

// The C calls, under names that the `read(into:)` / `write(_:)` requirements do not shadow.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    unsafe read(fd, buffer, count)
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    unsafe write(fd, buffer, count)
}
