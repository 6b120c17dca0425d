// SPDX-License-Identifier: Apache-2.0

internal import Embedding
public import struct Foundation.Date
public import struct Foundation.UUID

/// The type of a property in a collection's schema.
public enum PropertyType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A string, searchable by keyword and usable as a vector source.
    case text
    /// A 64-bit signed integer.
    case integer
    /// A 64-bit floating-point number.
    case double
    /// `true` or `false`.
    case bool
    /// A point in time.
    case date
    /// A list of strings.
    case textArray
    /// A UUID (for example a reference to another object).
    case uuid
    /// Bytes kept in the collection's blob store (an image, a sound, a video, a document), addressed by their
    /// SHA-256; usable as a media vector source.
    case blob

    /// The type's name, such as `textArray`.
    public var description: String { rawValue }
}

/// A value stored in an object's property.
///
/// Values are checked against the property's ``PropertyType`` on insert and update; a property that is absent
/// from an object is null.
public enum PropertyValue: Sendable, Hashable, CustomStringConvertible {
    /// A string.
    case text(String)
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A finite 64-bit floating-point number.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A point in time.
    case date(Date)
    /// A list of strings.
    case textArray([String])
    /// A UUID.
    case uuid(UUID)
    /// Bytes in the collection's blob store. On insert, give the bytes in ``ObjectInput/blobs`` instead; the
    /// collection stores them and sets this value.
    case blob(BlobReference)

    /// The type this value has.
    public var type: PropertyType {
        switch self {
        case .text: .text
        case .integer: .integer
        case .double: .double
        case .bool: .bool
        case .date: .date
        case .textArray: .textArray
        case .uuid: .uuid
        case .blob: .blob
        }
    }

    /// The string, for a text value.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// A readable rendering of the value.
    public var description: String {
        switch self {
        case .text(let value): "\"\(value)\""
        case .integer(let value): "\(value)"
        case .double(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .date(let value): "\(value)"
        case .textArray(let value): "\(value)"
        case .uuid(let value): value.uuidString
        case .blob(let value): "blob \(value.key.prefix(12))… (\(value.byteCount) bytes)"
        }
    }
}

/// The address of bytes in a collection's blob store: their SHA-256 in lower-case hex, and their length.
public struct BlobReference: Sendable, Hashable {
    /// The SHA-256 of the bytes, 64 lower-case hexadecimal digits.
    public let key: String
    /// The number of bytes.
    public let byteCount: Int

    /// Creates a reference; `key` must be 64 lower-case hexadecimal digits.
    ///
    /// - Throws: ``RetrievalError/Code/invalidObject`` for a malformed key or a negative count, so a key can
    ///   never name a path outside the blob store.
    public init(key: String, byteCount: Int) throws(RetrievalError) {
        guard Self.isValidKey(key) else {
            throw RetrievalError(
                .invalidObject,
                "a blob key must be 64 lower-case hex digits, got \"\(key.prefix(80))\""
            )
        }
        guard byteCount >= 0 else { throw RetrievalError(.invalidObject, "a blob cannot have \(byteCount) bytes") }
        self.key = key
        self.byteCount = byteCount
    }

    /// The reference a blob store gives `bytes`: their SHA-256 in lower-case hex and their length.
    ///
    /// Use it to recognise content already stored (a file indexed before) without storing it again.
    public init(hashing bytes: [UInt8]) {
        key = SHA256.hash(bytes).hexString
        byteCount = bytes.count
    }

    /// Whether `key` is 64 lower-case hexadecimal digits.
    static func isValidKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
