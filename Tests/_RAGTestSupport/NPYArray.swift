// SPDX-License-Identifier: Apache-2.0

public import Foundation

/// An array read from a NumPy `.npy` file (format versions 1–3, little-endian, C order).
///
/// Supports the element types the fixtures use: `<f4`, `<f2`, `<i4`, `|u1`, `<u2` (plus `<f8` and `<i8`).
public struct NPYArray: Sendable {
    /// Element types this reader understands.
    public enum ElementType: String, Sendable {
        case float32 = "<f4"
        case float16 = "<f2"
        case float64 = "<f8"
        case int32 = "<i4"
        case int64 = "<i8"
        case uint8 = "|u1"
        case uint16 = "<u2"

        var size: Int {
            switch self {
            case .uint8: 1
            case .float16, .uint16: 2
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }
    }

    /// Why a file could not be read.
    public struct FormatError: Error, CustomStringConvertible {
        /// What is wrong with the file.
        public let description: String
    }

    /// The shape, outermost dimension first.
    public let shape: [Int]
    /// The element type stored in the file.
    public let elementType: ElementType
    /// The raw little-endian element bytes, `shape.reduce(1, *) * elementSize` of them.
    public let payload: [UInt8]

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Reads the file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(data: Data(contentsOf: url))
    }

    /// Parses the bytes of an `.npy` file.
    public init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw FormatError(description: "not an .npy file")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else if major == 2 || major == 3 {
            guard bytes.count >= 12 else { throw FormatError(description: "truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        } else {
            throw FormatError(description: "unsupported .npy version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
            let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8)
        else { throw FormatError(description: "truncated header") }
        guard
            let descr = Self.value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")),
            let type = ElementType(rawValue: descr == "<u1" ? "|u1" : descr)
        else { throw FormatError(description: "unsupported dtype in header \(header)") }
        guard Self.value(of: "fortran_order", in: header)?.contains("False") == true else {
            throw FormatError(description: "Fortran-order arrays are not supported")
        }
        guard let shapeText = header.range(of: "'shape':").map({ header[$0.upperBound...] }),
            let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")")
        else { throw FormatError(description: "no shape in header \(header)") }
        let dims = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        shape = dims
        elementType = type
        let start = headerStart + headerLength
        let expected = dims.reduce(1, *) * type.size
        guard bytes.count - start >= expected else {
            throw FormatError(description: "payload has \(bytes.count - start) bytes, shape needs \(expected)")
        }
        payload = Array(bytes[start..<start + expected])
    }

    private static func value(of key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        let rest = header[r.upperBound...]
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
    }

    /// The elements converted to `Float` (exact for every supported type but the 64-bit integers).
    public var floats: [Float] {
        let p = payload
        return (0..<count).map { i in
            switch elementType {
            case .float32: Float(bitPattern: p.littleEndianUInt32(at: i * 4))
            case .float16: Float(Float16(bitPattern: p.littleEndianUInt16(at: i * 2)))
            case .float64: Float(Double(bitPattern: p.littleEndianUInt64(at: i * 8)))
            case .int32: Float(Int32(bitPattern: p.littleEndianUInt32(at: i * 4)))
            case .int64: Float(Int64(bitPattern: p.littleEndianUInt64(at: i * 8)))
            case .uint8: Float(p[i])
            case .uint16: Float(p.littleEndianUInt16(at: i * 2))
            }
        }
    }

    /// The elements converted to `Int` (floating-point elements are truncated toward zero).
    public var integers: [Int] {
        let p = payload
        switch elementType {
        case .int32: return (0..<count).map { Int(Int32(bitPattern: p.littleEndianUInt32(at: $0 * 4))) }
        case .int64: return (0..<count).map { Int(Int64(bitPattern: p.littleEndianUInt64(at: $0 * 8))) }
        case .uint8: return p.map { Int($0) }
        case .uint16: return (0..<count).map { Int(p.littleEndianUInt16(at: $0 * 2)) }
        default: return floats.map { Int($0) }
        }
    }
}
