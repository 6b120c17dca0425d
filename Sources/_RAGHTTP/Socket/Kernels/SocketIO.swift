// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Non-blocking socket calls that suspend the task (never a thread) on the ``SocketEventLoop`` until the socket is
/// ready: connect, send everything, receive some.
struct SocketIO: Sendable {
    let loop: SocketEventLoop
    /// Names the request in error messages.
    let description: String
    /// How long each wait may last.
    let timeout: Duration

    /// Resolves `host` and connects to the first address that accepts, returning a non-blocking socket.
    ///
    /// Name resolution uses `getaddrinfo`, which blocks the calling thread for host names (not for the numeric
    /// addresses and `localhost` that local servers use).
    func connect(host: String, port: Int) async throws(HTTPError) -> Int32 {
        var hints = unsafe addrinfo()
        unsafe hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        unsafe hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        unsafe hints.ai_socktype = SOCK_STREAM
        #endif
        unsafe hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = unsafe getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = unsafe list else {
            throw HTTPError(.connection, "\(description): cannot resolve the host (getaddrinfo \(status))")
        }
        defer { unsafe freeaddrinfo(first) }
        var lastErrno: Int32 = 0
        var cursor: UnsafeMutablePointer<addrinfo>? = unsafe first
        while let entry = unsafe cursor {
            unsafe cursor = unsafe entry.pointee.ai_next
            let fd = socket(unsafe entry.pointee.ai_family, unsafe entry.pointee.ai_socktype, 0)
            guard fd >= 0 else {
                lastErrno = errno
                continue
            }
            Self.configure(fd)
            if unsafe Self.systemConnect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 {
                return fd
            }
            lastErrno = errno
            guard lastErrno == EINPROGRESS || lastErrno == EINTR else {
                Self.close(fd)
                continue
            }
            do {
                try await waitFor(fd, .writable)
            } catch {
                Self.close(fd)
                throw error
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = unsafe getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code == 0 { return fd }
            lastErrno = code
            Self.close(fd)
        }
        throw HTTPError(.connection, "\(description): cannot connect (\(Self.errorName(lastErrno)))")
    }

    /// Writes all of `bytes`, waiting for room as needed.
    func sendAll(_ fd: Int32, _ bytes: [UInt8]) async throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let sent = unsafe bytes.withUnsafeBytes { raw in
                unsafe Self.systemSend(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            guard sent < 0, code == EAGAIN || code == EWOULDBLOCK || code == EINTR else {
                throw HTTPError(.connection, "\(description): sending failed (\(Self.errorName(code)))")
            }
            try await waitFor(fd, .writable)
        }
    }

    /// Reads what is available (up to `limit` bytes), waiting until something is; empty at end-of-file.
    func receive(_ fd: Int32, limit: Int = 65_536) async throws(HTTPError) -> [UInt8] {
        while true {
            var received = 0
            let bytes = unsafe [UInt8](unsafeUninitializedCapacity: limit) { buffer, count in
                received = unsafe recv(fd, buffer.baseAddress, limit, 0)
                count = max(received, 0)
            }
            if received >= 0 { return bytes }
            let code = errno
            guard code == EAGAIN || code == EWOULDBLOCK || code == EINTR else {
                let what = code == ECONNRESET ? "the connection was reset" : "receiving failed"
                throw HTTPError(.connection, "\(description): \(what) (\(Self.errorName(code)))")
            }
            try await waitFor(fd, .readable)
        }
    }

    private func waitFor(_ fd: Int32, _ interest: SocketInterest) async throws(HTTPError) {
        switch await loop.wait(fd, for: interest, until: .now + timeout) {
        case .ready: return
        case .timedOut: throw HTTPError(.timeout, "\(description) timed out")
        case .cancelled: throw HTTPError(.cancelled, "\(description) was cancelled")
        }
    }

    /// Whether an idle pooled socket is still usable: nothing to read and not closed by the peer.
    static func isIdleUsable(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = unsafe recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Closes a socket.
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    private static func configure(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var yes: Int32 = 1
        _ = unsafe setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private static func systemConnect(
        _ fd: Int32,
        _ address: UnsafeMutablePointer<sockaddr>?,
        _ length: socklen_t
    ) -> Int32 {
        #if canImport(Glibc)
        unsafe Glibc.connect(fd, address, length)
        #else
        unsafe Darwin.connect(fd, address, length)
        #endif
    }

    private static func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        unsafe send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        #else
        unsafe send(fd, bytes, count, 0)
        #endif
    }

    static func errorName(_ code: Int32) -> String {
        guard let text = unsafe strerror(code) else { return "errno \(code)" }
        return unsafe String(cString: text) + ", errno \(code)"
    }
}
