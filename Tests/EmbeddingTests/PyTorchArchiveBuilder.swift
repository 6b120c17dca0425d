// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation

/// Writes pickle bytes opcode by opcode, for tests (protocol 2, as `torch.save` writes them).
struct PickleWriter {
    var bytes: [UInt8] = [0x80, 2]

    mutating func op(_ code: UInt8) { bytes.append(code) }
    mutating func mark() { op(0x28) }
    mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes += [0x58] + littleEndianBytes(UInt64(utf8.count), count: 4) + utf8
    }
    mutating func int(_ value: Int) {
        if (0..<256).contains(value) {
            bytes += [0x4B, UInt8(value)]
        } else if (Int(Int32.min)...Int(Int32.max)).contains(value) {
            bytes += [0x4A] + littleEndianBytes(UInt64(UInt32(bitPattern: Int32(value))), count: 4)
        } else {
            bytes += [0x8A, 8] + littleEndianBytes(UInt64(bitPattern: Int64(value)), count: 8)
        }
    }
    mutating func tuple(_ values: [Int]) {
        mark()
        for v in values { int(v) }
        op(0x74)
    }
    mutating func stop() { op(0x2E) }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` with the storage's persistent id.
    mutating func tensor(storage: String, key: String, count: Int, offset: Int, shape: [Int], strides: [Int]) {
        global("torch._utils", "_rebuild_tensor_v2")
        mark()
        mark()
        string("storage")
        global("torch", storage)
        string(key)
        string("cpu")
        int(count)
        op(0x74)  // TUPLE
        op(0x51)  // BINPERSID
        int(offset)
        tuple(shape)
        tuple(strides)
        op(0x89)  // NEWFALSE
        global("collections", "OrderedDict")
        op(0x29)  // EMPTY_TUPLE
        op(0x52)  // REDUCE
        op(0x74)  // TUPLE
        op(0x52)  // REDUCE
    }
}

/// One tensor of a test checkpoint.
struct PickledTensor {
    var name: String
    var storage = "FloatStorage"
    var key: String
    var count: Int
    var offset = 0
    var shape: [Int]
    var strides: [Int]
}

/// Writes `torch.save`-shaped zip archives (stored members) for tests.
struct PyTorchArchiveBuilder {
    var root = "archive"
    var members: [(name: String, bytes: [UInt8])] = []

    /// `data.pkl` for a flat state dict of `tensors`, then one storage member per distinct key.
    static func stateDictPickle(_ tensors: [PickledTensor]) -> [UInt8] {
        var p = PickleWriter()
        p.global("collections", "OrderedDict")
        p.op(0x29)
        p.op(0x52)
        p.mark()
        for t in tensors {
            p.string(t.name)
            p.tensor(
                storage: t.storage,
                key: t.key,
                count: t.count,
                offset: t.offset,
                shape: t.shape,
                strides: t.strides
            )
        }
        p.op(0x75)  // SETITEMS
        p.stop()
        return p.bytes
    }

    mutating func add(_ name: String, _ bytes: [UInt8]) { members.append((root + "/" + name, bytes)) }

    /// A float32 state dict: each tensor contiguous in its own storage.
    static func floats(_ tensors: [(name: String, shape: [Int], values: [Float])]) -> PyTorchArchiveBuilder {
        var builder = PyTorchArchiveBuilder()
        let pickled = tensors.enumerated().map { index, t in
            PickledTensor(
                name: t.name,
                key: String(index),
                count: t.values.count,
                shape: t.shape,
                strides: contiguousStrides(t.shape)
            )
        }
        builder.add("data.pkl", stateDictPickle(pickled))
        builder.add("byteorder", Array("little".utf8))
        for (index, t) in tensors.enumerated() {
            builder.add("data/\(index)", t.values.flatMap { littleEndianBytes(UInt64($0.bitPattern), count: 4) })
        }
        builder.add("version", Array("3\n".utf8))
        return builder
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for d in shape.indices.reversed() {
            strides[d] = step
            step *= shape[d]
        }
        return strides
    }

    /// The archive: local headers, data, central directory, end record.
    func data() -> Data {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, bytes) in members {
            let nameBytes = Array(name.utf8)
            let offset = out.count
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            out += le32(bytes.count) + le32(bytes.count) + le16(nameBytes.count) + le16(0) + nameBytes + bytes
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(bytes.count) + le32(bytes.count) + le16(nameBytes.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let directoryOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
        out += le32(central.count) + le32(directoryOffset) + le16(0)
        return Data(out)
    }

    private func le16(_ v: Int) -> [UInt8] { littleEndianBytes(UInt64(v), count: 2) }
    private func le32(_ v: Int) -> [UInt8] { littleEndianBytes(UInt64(v), count: 4) }
}
