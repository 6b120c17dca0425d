// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation

/// Prompt assembly: a chat request with retrieved JPEGs, turned into the OpenAI request body (decode, downscale
/// to a 512-pixel side, re-encode as JPEG 85, base64 data URLs, JSON), captured by a transport that does not send.
enum PromptReport {
    final class Capture: HTTPTransport, @unchecked Sendable {
        nonisolated(unsafe) var bodySize = 0

        func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
            bodySize = request.body.count
            let reply =
                #"{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"#
            return HTTPStreamingResponse(
                head: HTTPResponseHead(status: 200, url: request.url),
                body: .just(Array(reply.utf8))
            )
        }
    }

    static func run(files: [String]) async throws {
        precondition(!files.isEmpty, "give the JPEG files")
        let images = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let capture = Capture()
        let model = OpenAIChatModel(
            model: "gpt-4o",
            baseURL: URL(string: "http://127.0.0.1:9/v1")!,
            apiKey: "",
            imagePolicy: ImagePolicy(maxSide: 512, jpegQuality: 85),
            transport: capture
        )
        let parts: [ContentPart] =
            [.text("Which of these shows the answer?")]
            + images.map { .image(ChatImage(data: $0, mediaType: "image/jpeg", detail: .low)) }
        let request = ChatRequest(messages: [.user(parts)])
        var cpu: [Double] = []
        var wall: [Double] = []
        for round in 0..<16 {
            let cpu0 = processCPU()
            let wall0 = Date()
            _ = try await model.complete(request)
            if round > 0 {
                cpu.append((processCPU() - cpu0) * 1000)
                wall.append(Date().timeIntervalSince(wall0) * 1000)
            }
        }
        print(
            "prompt assembly, \(files.count) images → \(capture.bodySize) bytes of JSON: "
                + "CPU median \(String(format: "%.1f", median(cpu))) ms, wall median \(String(format: "%.1f", median(wall))) ms"
        )
    }
}
