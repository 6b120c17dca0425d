// SPDX-License-Identifier: Apache-2.0

public import Foundation

/// Writes the request bodies our clients send in tests, and the scripted answers, to the folder named by
/// `MMRAG_WIRE_RECORD_DIR`, so that `.ci/validate-sdk-shapes.py` can check them with the providers' own SDK types.
///
/// Each exchange becomes `<uuid>.json`: `{"path": …, "status": …, "request": <body as text>, "response": <body as
/// text>, "malformed": …}`. Nothing is written when the variable is unset. An answer a test makes wrong on purpose
/// carries the ``malformedHeader`` field, and is recorded as `"malformed": true` so the SDK check skips it.
public enum WireRecorder {
    /// The folder, if recording is on.
    public static let directory: URL? = ProcessInfo.processInfo.environment["MMRAG_WIRE_RECORD_DIR"].map {
        URL(fileURLWithPath: $0, isDirectory: true)
    }

    /// The header field that marks a scripted answer as deliberately not the provider's shape.
    public static let malformedHeader = "X-Test-Malformed"

    /// Records one exchange (request path with query, request body, response status and body).
    public static func record(path: String, request: [UInt8], status: Int, response: [UInt8], malformed: Bool) {
        guard let directory else { return }
        let entry: [String: Any] = [
            "path": path, "status": status,
            "request": String(decoding: request, as: UTF8.self),
            "response": String(decoding: response, as: UTF8.self), "malformed": malformed,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: entry) else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: directory.appendingPathComponent(UUID().uuidString + ".json"))
    }
}
