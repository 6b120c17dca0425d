// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation

/// CPU per second of waiting, and requests/s, for the socket transport beside URLSession.
enum HTTPReport {
    static func run(waitSeconds: Double) async throws {
        let server = try LoopbackServer()
        let base = "http://127.0.0.1:\(server.port)"
        let transports: [(String, any HTTPTransport)] = [
            ("SocketHTTPTransport", SocketHTTPTransport()),
            ("URLSessionTransport", URLSessionTransport()),
        ]
        print(
            "waiting \(waitSeconds) s for a silent loopback server (process CPU, user + system), fresh transport per row:"
        )
        print("| transport | requests in flight | CPU s | wall s | CPU s per s of waiting |")
        print("|---|---|---|---|---|")
        let makers: [(String, () -> any HTTPTransport)] = [
            ("SocketHTTPTransport", { SocketHTTPTransport() }),
            ("URLSessionTransport", { URLSessionTransport() }),
        ]
        for (name, make) in makers {
            for inFlight in [1, 1, 1, 4, 4, 4] {
                // A fresh transport per trial, as a program that makes one request would have.
                let transport = make()
                // Warm-up: one quick request opens the session or the event loop.
                _ = try await transport.send(HTTPRequest(url: URL(string: base + "/ping")!))
                let url = URL(string: base + "/wait?ms=\(Int(waitSeconds * 1000))")!
                let cpu0 = processCPU()
                let wall0 = Date()
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<inFlight {
                        group.addTask { try await transport.send(HTTPRequest(url: url, timeout: .seconds(60))).status }
                    }
                    for try await status in group { precondition(status == 200) }
                }
                let cpu = processCPU() - cpu0
                let wall = Date().timeIntervalSince(wall0)
                print(
                    "| \(name) | \(inFlight) | \(String(format: "%.3f", cpu)) | \(String(format: "%.2f", wall)) | "
                        + "**\(String(format: "%.4f", cpu / wall))** |"
                )
            }
        }
        print(
            "\nrequests/s against the loopback server (GET, 11-byte JSON body, keep-alive where the transport pools):"
        )
        print("| transport | concurrency | requests | req/s | CPU ms per request |")
        print("|---|---|---|---|---|")
        for (name, transport) in transports {
            for concurrency in [1, 8] {
                let url = URL(string: base + "/ping")!
                let total = 3000
                for _ in 0..<100 { _ = try await transport.send(HTTPRequest(url: url)) }
                let cpu0 = processCPU()
                let wall0 = Date()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<concurrency {
                        group.addTask {
                            for _ in stride(from: worker, to: total, by: concurrency) {
                                let response = try await transport.send(HTTPRequest(url: url))
                                precondition(response.status == 200 && response.body.count == 11)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let cpu = processCPU() - cpu0
                let wall = Date().timeIntervalSince(wall0)
                print(
                    "| \(name) | \(concurrency) | \(total) | **\(Int(Double(total) / wall))** | "
                        + "\(String(format: "%.3f", cpu / Double(total) * 1000)) |"
                )
            }
        }
    }
}
