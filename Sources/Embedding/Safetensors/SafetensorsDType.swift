// SPDX-License-Identifier: Apache-2.0

/// An element type named in a safetensors header.
///
/// The byte-sized standard names are recognised, so a header's sizes can be validated; ``isReadable`` says
/// whether this library can convert the elements (F32, F16 and BF16 to `Float`, I64 to `Int64`). A name it does
/// not recognise (a newer or sub-byte type such as `F4`) still opens: only reading that tensor fails, with
/// ``EmbeddingError/Code/unsupportedDType`` naming the type, and every other tensor of the file loads.
public struct SafetensorsDType: Sendable, Hashable, CustomStringConvertible {
    /// The header spelling, for example `F32`.
    public let name: String
    /// Bytes per element; 0 for a type this library does not recognise (see ``isRecognized``).
    public let size: Int

    private init(_ name: String, _ size: Int) {
        self.name = name
        self.size = size
    }

    /// IEEE 754 binary32.
    public static let f32 = SafetensorsDType("F32", 4)
    /// IEEE 754 binary16, converted to `Float` when loaded.
    public static let f16 = SafetensorsDType("F16", 2)
    /// bfloat16 (the top half of a binary32), converted to `Float` when loaded.
    public static let bf16 = SafetensorsDType("BF16", 2)
    /// Signed 64-bit integers (for example `position_ids` buffers).
    public static let i64 = SafetensorsDType("I64", 8)

    private static let known: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8, "F8_E8M0": 1, "C64": 8,
    ]

    /// The dtype spelled `name` in a header, or `nil` for a name this library does not recognise.
    public init?(name: String) {
        guard let size = Self.known[name] else { return nil }
        self.init(name, size)
    }

    /// A type named in a header that this library does not recognise: its tensors can be listed, not read.
    static func unrecognized(_ name: String) -> SafetensorsDType { SafetensorsDType(name, 0) }

    /// Whether the element size is known (every byte-sized standard type); headers are size-checked only then.
    public var isRecognized: Bool { size > 0 }

    /// Whether this library converts elements of this type (F32, F16, BF16 to `Float`; I64 to `Int64`).
    public var isReadable: Bool { self == .f32 || self == .f16 || self == .bf16 || self == .i64 }

    /// Whether elements convert to `Float`.
    public var isFloatingPoint: Bool { self == .f32 || self == .f16 || self == .bf16 }

    /// The header spelling.
    public var description: String { name }
}
