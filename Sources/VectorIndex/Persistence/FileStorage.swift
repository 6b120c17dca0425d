// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe replacement through POSIX calls (the module does not use Foundation).
enum FileStorage {
    /// Writes `bytes` to `path` atomically.
    ///
    /// The bytes go to a temporary file in the same folder, which is synced and renamed over the destination;
    /// then the folder is synced. A crash leaves either the old file or the new one, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(VectorIndexError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = unsafe open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var written = 0
        while written < bytes.count {
            let n = unsafe bytes.withUnsafeBytes { raw in
                unsafe write(fd, raw.baseAddress! + written, min(raw.count - written, 1 << 30))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let error = failure("cannot write \(temporary)")
                close(fd)
                unsafe unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure("cannot sync \(temporary)")
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
        let dirfd = unsafe open(folder.isEmpty ? "/" : folder, O_RDONLY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Reads the whole file at `path`.
    static func read(_ path: String) throws(VectorIndexError) -> [UInt8] {
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw failure("cannot stat \(path)") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = unsafe bytes.withUnsafeMutableBytes { raw in
                unsafe Glue.read(fd, raw.baseAddress! + done, min(size - done, 1 << 30))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("cannot read \(path)") }
            guard n > 0 else { break }
            done += n
        }
        guard done == size else {
            throw VectorIndexError(.fileSystem, "\(path) changed size while it was read")
        }
        return bytes
    }

    private static func failure(_ what: String) -> VectorIndexError {
        let code = errno
        let reason = unsafe strerror(code).map { unsafe String(cString: $0) } ?? "errno \(code)"
        return VectorIndexError(.fileSystem, "\(what): \(reason)")
    }
}

/// The C `read`, reachable from code that has a local named `read`.
private enum Glue {
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
        unsafe Darwin.read(fd, buffer, count)
        #elseif canImport(Musl)
        unsafe Musl.read(fd, buffer, count)
        #else
        unsafe Glibc.read(fd, buffer, count)
        #endif
    }
}
