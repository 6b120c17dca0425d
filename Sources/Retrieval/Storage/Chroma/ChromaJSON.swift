// SPDX-License-Identifier: Apache-2.0

/// A JSON value as the Chroma adapter writes it: integers stay integers and doubles stay doubles on the wire (Chroma
/// compares an integer field only with integer operands), and key order is kept (a `where` with one key per
/// object).
indirect enum ChromaJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A 32-bit float in its shortest round-trip form (vectors).
    case float(Float)
    case string(String)
    case array([ChromaJSON])
    case object([(String, ChromaJSON)])

    static func == (a: ChromaJSON, b: ChromaJSON) -> Bool { a.encoded() == b.encoded() }
    func hash(into hasher: inout Hasher) { hasher.combine(encoded()) }

    /// The UTF-8 text.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    /// The UTF-8 text as a string (tests and messages).
    var text: String { String(decoding: encoded(), as: UTF8.self) }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .int(let value): out += Array(String(value).utf8)
        case .double(let value): Self.write(value, to: &out)
        case .float(let value): out += Array((value.isFinite ? "\(value)" : "0.0").utf8)
        case .string(let value): Self.write(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A finite double in Swift's shortest round-trip form, always with a `.` or an exponent so that the server
    /// reads a float (non-finite values never get here: they are refused before encoding).
    static func write(_ value: Double, to out: inout [UInt8]) {
        var text = value.isFinite ? "\(value)" : "0.0"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        out += Array(text.utf8)
    }

    /// A string with the escapes JSON requires.
    static func write(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
