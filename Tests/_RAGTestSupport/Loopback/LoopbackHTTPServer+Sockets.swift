// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Foundation
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The socket side of ``LoopbackHTTPServer``: listen, accept, read one request, write one response.
extension LoopbackHTTPServer {
    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    static func listen() throws -> (fd: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(description: "socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = unsafe withUnsafePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { unsafe bind(fd, $0, length) }
        }
        guard bound == 0, systemListen(fd, 64) == 0 else {
            close(fd)
            throw SocketError(description: "bind/listen failed: errno \(errno)")
        }
        var actual = sockaddr_in()
        var actualLength = length
        _ = unsafe withUnsafeMutablePointer(to: &actual) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                unsafe getsockname(fd, $0, &actualLength)
            }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// A socket bound to `127.0.0.1:port` that does not listen (`nil` when the port cannot be bound): connections
    /// to the port are refused, and the system gives the port to no other socket while it is open.
    static func reserve(port: Int) -> Int32? {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = unsafe withUnsafePointer(to: &address) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { unsafe bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func accept(_ listener: Int32) -> Int32? {
        #if canImport(Glibc)
        let fd = Glibc.accept(listener, nil, nil)
        #else
        let fd = Darwin.accept(listener, nil, nil)
        #endif
        return fd >= 0 ? fd : nil
    }

    static func shutdown(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        #else
        _ = Darwin.shutdown(fd, SHUT_RDWR)
        #endif
    }

    static func shutdownAndClose(_ fd: Int32) {
        shutdown(fd)
        close(fd)
    }

    /// Whether the peer has closed its side (a non-blocking peek reads end-of-file).
    static func peerClosed(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = unsafe recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0
    }

    static func readSome(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let n = unsafe chunk.withUnsafeMutableBytes { unsafe recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        return true
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = unsafe bytes[offset...].withUnsafeBytes { raw in
                unsafe send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Reads requests from `fd` and answers them until a response closes the connection.
    func serve(_ fd: Int32) {
        var yes: Int32 = 1
        _ = unsafe setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var buffer: [UInt8] = []
        while let keepAlive = serveOne(fd, &buffer), keepAlive {}
    }

    /// Reads one request and answers it; returns whether the connection stays open, `nil` when it failed.
    private func serveOne(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd = buffer.firstRange(of: separator)?.lowerBound
        while headEnd == nil {
            guard Self.readSome(fd, into: &buffer), buffer.count < 1 << 20 else { return nil }
            headEnd = buffer.firstRange(of: separator)?.lowerBound
        }
        guard let headEnd, var request = LoopbackHTTPRequest.parseHead(buffer[..<headEnd]) else {
            _ = Self.writeAll(
                fd,
                Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)[...]
            )
            return nil
        }
        let length = Int(request.header("Content-Length") ?? "0") ?? 0
        var body = Array(buffer[(headEnd + 4)...])
        while body.count < length {
            guard Self.readSome(fd, into: &body) else { return nil }
        }
        request.body = Array(body.prefix(length))
        buffer = Array(body.dropFirst(length))

        let response = handler(for: request)?(request) ?? .text("no route for \(request.path)", status: 404)
        WireRecorder.record(
            path: request.target,
            request: request.body,
            status: response.status,
            response: response.body,
            malformed: response.headers.contains { $0.name == WireRecorder.malformedHeader }
        )
        if response.neverRespond {
            _ = wait(.seconds(3600), whileConnected: fd)
            return nil
        }
        if response.delay > .zero, !wait(response.delay, whileConnected: fd) { return nil }
        return write(response, for: request, to: fd) && response.keepAlive
    }

    private func write(_ response: LoopbackHTTPResponse, for request: LoopbackHTTPRequest, to fd: Int32) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(LoopbackHTTPResponse.reason(response.status))\r\n"
        var hasLength = false
        for field in response.headers {
            if field.name.lowercased() == "content-length" { hasLength = true }
            if field.name.lowercased() == "connection" { continue }
            head += "\(field.name): \(field.value)\r\n"
        }
        if response.chunkSize != nil {
            head += "Transfer-Encoding: chunked\r\n"
        } else if !hasLength {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += response.keepAlive ? "\r\n" : "Connection: close\r\n\r\n"
        guard Self.writeAll(fd, Array(head.utf8)[...]), request.method != "HEAD" else { return false }
        var wire = response.body
        var pieces: [Range<Int>] = [0..<wire.count]
        if let size = response.chunkSize {
            (wire, pieces) = Self.chunkedEncoding(response.body, size: max(1, size))
        }
        if let reset = response.resetAfterBodyBytes {
            _ = Self.writeAll(fd, wire.prefix(reset))
            Thread.sleep(forTimeInterval: 0.05)  // let the client read what was sent before the reset
            var linger = linger(l_onoff: 1, l_linger: 0)
            _ = unsafe setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            return false
        }
        if let stall = response.stallAfterBodyBytes {
            _ = Self.writeAll(fd, wire.prefix(stall))
            _ = wait(.seconds(3600), whileConnected: fd)
            return false
        }
        if let cut = response.closeAfterBodyBytes {
            _ = Self.writeAll(fd, wire.prefix(cut))
            Thread.sleep(forTimeInterval: 0.05)  // let the client read what was sent before the close
            return false
        }
        for piece in pieces {
            guard Self.writeAll(fd, wire[piece]) else { return false }
            if response.pause > .zero {
                guard isRunning else { return false }
                let (seconds, attoseconds) = response.pause.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) * 1e-18)
            }
        }
        return true
    }

    /// The chunked encoding of `body` in chunks of `size` bytes, and the byte range of each chunk on the wire.
    static func chunkedEncoding(_ body: [UInt8], size: Int) -> ([UInt8], [Range<Int>]) {
        var wire: [UInt8] = []
        var pieces: [Range<Int>] = []
        var start = 0
        while start < body.count {
            let end = min(body.count, start + size)
            let from = wire.count
            wire += Array(String(end - start, radix: 16).utf8) + [13, 10] + body[start..<end] + [13, 10]
            pieces.append(from..<wire.count)
            start = end
        }
        pieces.append(wire.count..<(wire.count + 5))
        wire += Array("0\r\n\r\n".utf8)
        return (wire, pieces)
    }
}

#if canImport(Glibc)
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { Glibc.listen(fd, backlog) }
#else
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { Darwin.listen(fd, backlog) }
#endif
