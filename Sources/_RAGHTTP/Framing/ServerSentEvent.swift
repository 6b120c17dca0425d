// SPDX-License-Identifier: Apache-2.0

/// One event of a `text/event-stream` body.
package struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` name, or `nil` for the default (`message`).
    package var event: String?
    /// The `data:` lines of the event joined with `\n`.
    package var data: String
    /// The last `id:` seen in the stream so far, if any.
    package var id: String?
    /// The last `retry:` reconnection time (milliseconds) seen in the stream so far, if any.
    package var retry: Int?

    /// Creates an event.
    package init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// Parses a `text/event-stream` body fed in chunks split at any byte, following the WHATWG HTML event-stream
/// interpretation rules.
///
/// Lines end in CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are one line
/// end). A line starting with `:` is a comment (keep-alives). `field: value` drops one space after the colon; a
/// line without a colon is a field with an empty value. `data` lines accumulate, joined by `\n`; a blank line
/// dispatches the event if any data arrived. `event`, `id` and `retry` are recorded; other fields are ignored. A
/// leading byte-order mark is skipped, and an unterminated block at the end of the stream is discarded, as the
/// specification says.
package struct ServerSentEventParser: Sendable {
    /// The longest line accepted, in bytes; a longer one is a malformed stream.
    package let maxLineBytes: Int

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var atStart = true
    private var data: [String] = []
    private var hasData = false
    private var event: String?
    private var lastID: String?
    private var retry: Int?

    /// Creates a parser.
    /// - Parameter maxLineBytes: The longest line accepted; 32 MiB by default (inline images can be large).
    package init(maxLineBytes: Int = 32 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds the next chunk and returns the events it completes, in order.
    /// - Throws: ``HTTPError/Code/invalidResponse`` when a line exceeds ``maxLineBytes``.
    package mutating func feed(_ chunk: some Collection<UInt8>) throws(HTTPError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in chunk {
            switch byte {
            case 0x0D:
                lastWasCR = true
                processLine(into: &events)
            case 0x0A:
                if lastWasCR {
                    lastWasCR = false
                } else {
                    processLine(into: &events)
                }
            default:
                lastWasCR = false
                line.append(byte)
                guard line.count <= maxLineBytes else {
                    throw HTTPError(.invalidResponse, "an event-stream line is longer than \(maxLineBytes) bytes")
                }
            }
        }
        return events
    }

    /// Ends the stream; an event still missing its blank line is discarded.
    package mutating func finish() {
        line = []
        data = []
        hasData = false
        event = nil
    }

    private mutating func processLine(into events: inout [ServerSentEvent]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if atStart {
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty {
            dispatch(into: &events)
            return
        }
        if bytes.first == UInt8(ascii: ":") { return }
        let name: String
        var valueText = ""
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            name = String(decoding: bytes[..<colon], as: UTF8.self)
            var rest = bytes[(colon + 1)...]
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            valueText = String(decoding: rest, as: UTF8.self)
        } else {
            name = String(decoding: bytes, as: UTF8.self)
        }
        switch name {
        case "data":
            data.append(valueText)
            hasData = true
        case "event":
            event = valueText
        case "id":
            if !valueText.utf8.contains(0) { lastID = valueText }
        case "retry":
            if !valueText.isEmpty, valueText.utf8.allSatisfy({ (0x30...0x39).contains($0) }) { retry = Int(valueText) }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            data = []
            hasData = false
            event = nil
        }
        guard hasData else { return }
        let name = (event?.isEmpty ?? true) ? nil : event
        events.append(ServerSentEvent(event: name, data: data.joined(separator: "\n"), id: lastID, retry: retry))
    }
}
