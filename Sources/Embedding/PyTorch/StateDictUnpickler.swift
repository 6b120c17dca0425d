// SPDX-License-Identifier: Apache-2.0

/// Interprets the `data.pkl` of a PyTorch checkpoint without executing it: a stack machine over the pickle
/// opcodes a state dict needs, with the only callable globals being `collections.OrderedDict` and PyTorch's
/// tensor and parameter rebuild functions, and the typed storage classes as persistent-id markers.
///
/// Every other opcode or global is refused with ``EmbeddingError/Code/unsupportedCheckpoint`` naming it (a
/// global is refused when the `GLOBAL` opcode names it, before anything could call it); malformed bytes (a
/// truncated argument, a pop from an empty stack, a memo index never stored) are
/// ``EmbeddingError/Code/corruptFile``. Dictionaries and lists live in tables and are referred to by index,
/// which gives them Python's reference semantics (a memoised dictionary filled later is the same dictionary).
struct StateDictUnpickler {
    /// A value on the machine's stack.
    enum Value {
        case none
        case bool(Bool)
        case int(Int64)
        case float(Double)
        case string(String)
        case tuple([Value])
        /// A list, by index into the list table.
        case list(Int)
        /// A dictionary, by index into the dictionary table.
        case dict(Int)
        case global(Global)
        case storage(Storage)
        case tensor(Tensor)

        /// What the value is, for messages.
        var kind: String {
            switch self {
            case .none: "None"
            case .bool: "a bool"
            case .int: "an int"
            case .float: "a float"
            case .string: "a string"
            case .tuple: "a tuple"
            case .list: "a list"
            case .dict: "a dict"
            case .global(let global): "the global \(global)"
            case .storage: "a storage"
            case .tensor: "a tensor"
            }
        }
    }

    /// The globals the machine accepts.
    enum Global: Equatable, CustomStringConvertible {
        case orderedDict
        case rebuildTensor
        case rebuildParameter
        case rebuildParameterWithState
        /// `torch.FloatStorage` and its siblings: the element type of a persistent id's storage.
        case storageType(String, SafetensorsDType)

        /// The typed storage classes `torch.save` names, with their element types.
        static let storageTypes: [String: String] = [
            "FloatStorage": "F32", "HalfStorage": "F16", "BFloat16Storage": "BF16", "DoubleStorage": "F64",
            "LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8",
            "ByteStorage": "U8", "BoolStorage": "BOOL",
        ]

        /// The global `module.name`, or `nil` when it is not allowed.
        init?(module: String, name: String) {
            switch (module, name) {
            case ("collections", "OrderedDict"): self = .orderedDict
            case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
            case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
            case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
            case ("torch", _):
                guard let dtype = Self.storageTypes[name].flatMap(SafetensorsDType.init(name:)) else { return nil }
                self = .storageType(name, dtype)
            default: return nil
            }
        }

        var description: String {
            switch self {
            case .orderedDict: "collections.OrderedDict"
            case .rebuildTensor: "torch._utils._rebuild_tensor_v2"
            case .rebuildParameter: "torch._utils._rebuild_parameter"
            case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
            case .storageType(let name, _): "torch.\(name)"
            }
        }
    }

    /// A storage named by a persistent id: the archive member `<root>/data/<key>`.
    struct Storage: Hashable {
        let key: String
        let dtype: SafetensorsDType
        /// The number of elements.
        let count: Int
    }

    /// A tensor rebuilt by `_rebuild_tensor_v2`: a view of a storage.
    struct Tensor {
        let storage: Storage
        /// In elements.
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    private let bytes: [UInt8]
    private let sourceName: String
    private var position = 0
    private var stack: [Value] = []
    private var marks: [Int] = []
    private var memo: [UInt32: Value] = [:]
    private var lists: [[Value]] = []
    private var dicts: [[(key: String, value: Value)]] = []
    private var dictIndex: [[String: Int]] = []

    private init(_ bytes: [UInt8], sourceName: String) {
        self.bytes = bytes
        self.sourceName = sourceName
    }

    /// The (name, tensor) pairs of the state dict pickled in `bytes`, in the file's order.
    /// - Parameters:
    ///   - bytes: The `data.pkl` member.
    ///   - sourceName: A name for error messages.
    /// - Returns: The tensors by name; a name set twice keeps its last value at its first position.
    /// - Throws: ``EmbeddingError/Code/unsupportedCheckpoint`` naming a refused opcode or global, or when the
    ///   pickled object is not a flat dictionary of tensors; ``EmbeddingError/Code/corruptFile`` for malformed
    ///   bytes.
    static func stateDict(_ bytes: [UInt8], sourceName: String) throws(EmbeddingError) -> [(String, Tensor)] {
        var machine = StateDictUnpickler(bytes, sourceName: sourceName)
        let root = try machine.run()
        guard case .dict(let id) = root else {
            throw EmbeddingError(
                .unsupportedCheckpoint,
                "\(sourceName): the pickle holds \(root.kind), not a state dict (a dictionary of tensors)"
            )
        }
        var tensors: [(String, Tensor)] = []
        tensors.reserveCapacity(machine.dicts[id].count)
        for (key, value) in machine.dicts[id] {
            guard case .tensor(let tensor) = value else {
                throw EmbeddingError(
                    .unsupportedCheckpoint,
                    "\(sourceName): state dict entry \(key) is \(value.kind), not a tensor"
                )
            }
            tensors.append((key, tensor))
        }
        return tensors
    }

    // MARK: - The machine

    private func corrupt(_ message: String) -> EmbeddingError {
        EmbeddingError(.corruptFile, "\(sourceName): data.pkl: \(message)")
    }

    private func refused(_ message: String) -> EmbeddingError {
        EmbeddingError(.unsupportedCheckpoint, "\(sourceName): data.pkl: \(message)")
    }

    /// Runs to `STOP` and returns the value it pops.
    private mutating func run() throws(EmbeddingError) -> Value {
        while true {
            let at = position
            let op = try byte()
            switch op {
            case 0x80:  // PROTO
                let version = try byte()
                guard version <= 5 else { throw corrupt("pickle protocol \(version) at byte \(at) is unknown") }
            case 0x2E:  // STOP
                let result = try pop()
                return result
            case 0x28: marks.append(stack.count)  // MARK
            case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
            case 0x7D:  // EMPTY_DICT
                dicts.append([])
                dictIndex.append([:])
                stack.append(.dict(dicts.count - 1))
            case 0x5D:  // EMPTY_LIST
                lists.append([])
                stack.append(.list(lists.count - 1))
            case 0x74: stack.append(.tuple(try popToMark()))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let n = Int(op - 0x84)
                guard stack.count - (marks.last ?? 0) >= n else { throw corrupt("stack underflow at byte \(at)") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(items))
            case 0x71: try put(UInt32(try byte()))  // BINPUT
            case 0x72: try put(try u32())  // LONG_BINPUT
            case 0x68: try get(UInt32(try byte()), at: at)  // BINGET
            case 0x6A: try get(try u32(), at: at)  // LONG_BINGET
            case 0x58:  // BINUNICODE
                let count = Int(try u32())
                guard let text = String(validating: try read(count), as: UTF8.self) else {
                    throw corrupt("string at byte \(at) is not UTF-8")
                }
                stack.append(.string(text))
            case 0x4B: stack.append(.int(Int64(try byte())))  // BININT1
            case 0x4D:  // BININT2
                let b = try read(2)
                stack.append(.int(Int64(b[0]) | Int64(b[1]) << 8))
            case 0x4A: stack.append(.int(Int64(Int32(bitPattern: try u32()))))  // BININT
            case 0x8A:  // LONG1
                let count = Int(try byte())
                guard count <= 8 else { throw refused("integer of \(count) bytes at byte \(at) is too large") }
                let b = try read(count)
                var value: UInt64 = 0
                for (k, byte) in b.enumerated() { value |= UInt64(byte) << (8 * UInt64(k)) }
                if count > 0, count < 8, b[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }  // sign
                stack.append(.int(Int64(bitPattern: value)))
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4E: stack.append(.none)  // NONE
            case 0x47:  // BINFLOAT, big-endian
                var bits: UInt64 = 0
                for byte in try read(8) { bits = bits << 8 | UInt64(byte) }
                stack.append(.float(Double(bitPattern: bits)))
            case 0x63: stack.append(.global(try global(at: at)))  // GLOBAL
            case 0x51: stack.append(.storage(try persistentStorage(try pop(), at: at)))  // BINPERSID
            case 0x52:  // REDUCE
                let arguments = try pop()
                let callable = try pop()
                stack.append(try reduce(callable, arguments, at: at))
            case 0x73:  // SETITEM
                let value = try pop()
                let key = try pop()
                try setItems(into: try peek(), [key, value], at: at)
            case 0x75:  // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw corrupt("SETITEMS at byte \(at) has an odd item count") }
                try setItems(into: try peek(), items, at: at)
            case 0x61:  // APPEND
                let value = try pop()
                try append(to: try peek(), [value], at: at)
            case 0x65:  // APPENDS
                let items = try popToMark()
                try append(to: try peek(), items, at: at)
            case 0x62:  // BUILD: a state dict's `_metadata` attribute is set this way; it is not needed.
                _ = try pop()
                guard case .dict = try peek() else { throw refused("BUILD at byte \(at) on \(try peek().kind)") }
            default:
                if let name = PickleOpcode.name(op) {
                    throw refused("opcode \(name) (0x\(hex(op))) at byte \(at) is not allowed in a weights-only load")
                }
                throw corrupt("byte 0x\(hex(op)) at \(at) is not a pickle opcode")
            }
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// The next `count` bytes, re-indexed from 0.
    private mutating func read(_ count: Int) throws(EmbeddingError) -> [UInt8] {
        guard count <= bytes.count - position else {
            throw corrupt("truncated: \(count) bytes needed at byte \(position) of \(bytes.count)")
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    private mutating func byte() throws(EmbeddingError) -> UInt8 {
        guard position < bytes.count else { throw corrupt("truncated at byte \(position) of \(bytes.count)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func u32() throws(EmbeddingError) -> UInt32 {
        let b = try read(4)
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    private mutating func pop() throws(EmbeddingError) -> Value {
        guard stack.count > (marks.last ?? 0) else { throw corrupt("stack underflow at byte \(position - 1)") }
        return stack.removeLast()
    }

    private func peek() throws(EmbeddingError) -> Value {
        guard stack.count > (marks.last ?? 0), let top = stack.last else {
            throw corrupt("stack underflow at byte \(position - 1)")
        }
        return top
    }

    private mutating func popToMark() throws(EmbeddingError) -> [Value] {
        guard let mark = marks.popLast() else { throw corrupt("no MARK before byte \(position - 1)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func put(_ index: UInt32) throws(EmbeddingError) {
        memo[index] = try peek()
    }

    private mutating func get(_ index: UInt32, at: Int) throws(EmbeddingError) {
        guard let value = memo[index] else { throw corrupt("memo \(index) read at byte \(at) was never stored") }
        stack.append(value)
    }

    /// `GLOBAL module\nname\n`, refused unless allowed.
    private mutating func global(at: Int) throws(EmbeddingError) -> Global {
        let module = try line(at: at)
        let name = try line(at: at)
        guard let global = Global(module: module, name: name) else {
            throw refused("global \(module).\(name) at byte \(at) is not allowed in a weights-only load")
        }
        return global
    }

    /// A newline-terminated UTF-8 argument (at most 256 bytes).
    private mutating func line(at: Int) throws(EmbeddingError) -> String {
        let end = bytes[position...].prefix(257).firstIndex(of: 0x0A)
        guard let end else { throw corrupt("GLOBAL at byte \(at) has no newline-terminated name") }
        let text = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return text
    }

    /// `('storage', <storage type>, key, location, element count)`.
    private func persistentStorage(_ id: Value, at: Int) throws(EmbeddingError) -> Storage {
        guard case .tuple(let items) = id, items.count == 5, case .string("storage") = items[0] else {
            throw refused("persistent id at byte \(at) is \(id.kind), not ('storage', type, key, location, count)")
        }
        guard case .global(.storageType(_, let dtype)) = items[1], case .string(let key) = items[2],
            case .string = items[3], case .int(let count) = items[4], count >= 0
        else { throw corrupt("persistent id at byte \(at) is malformed") }
        return Storage(key: key, dtype: dtype, count: Int(count))
    }

    private mutating func reduce(_ callable: Value, _ arguments: Value, at: Int) throws(EmbeddingError) -> Value {
        guard case .global(let function) = callable, case .tuple(let args) = arguments else {
            throw refused("REDUCE at byte \(at) calls \(callable.kind) with \(arguments.kind)")
        }
        switch function {
        case .orderedDict:
            guard args.isEmpty else { throw refused("OrderedDict at byte \(at) called with arguments") }
            dicts.append([])
            dictIndex.append([:])
            return .dict(dicts.count - 1)
        case .rebuildTensor:
            return .tensor(try rebuildTensor(args, at: at))
        case .rebuildParameter, .rebuildParameterWithState:
            guard args.count == (function == .rebuildParameter ? 3 : 4), case .tensor = args[0] else {
                throw corrupt("\(function) at byte \(at) called with \(args.count) arguments")
            }
            return args[0]
        case .storageType:
            throw refused("\(function) at byte \(at) is called; it may only name a storage's type")
        }
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    private func rebuildTensor(_ args: [Value], at: Int) throws(EmbeddingError) -> Tensor {
        guard args.count == 6 || args.count == 7, case .storage(let storage) = args[0], case .int(let offset) = args[1],
            case .tuple(let size) = args[2], case .tuple(let stride) = args[3], case .bool = args[4]
        else { throw corrupt("_rebuild_tensor_v2 at byte \(at) has malformed arguments") }
        func integers(_ values: [Value]) -> [Int]? {
            var out: [Int] = []
            for value in values {
                guard case .int(let n) = value, n >= 0 else { return nil }
                out.append(Int(n))
            }
            return out
        }
        guard offset >= 0, let shape = integers(size), let strides = integers(stride), shape.count == strides.count
        else { throw corrupt("_rebuild_tensor_v2 at byte \(at): offset, size or stride is not valid") }
        return Tensor(storage: storage, offset: Int(offset), shape: shape, strides: strides)
    }

    private mutating func setItems(into target: Value, _ items: [Value], at: Int) throws(EmbeddingError) {
        guard case .dict(let id) = target else { throw refused("SETITEM(S) at byte \(at) on \(target.kind)") }
        var k = 0
        while k < items.count {
            guard case .string(let key) = items[k] else {
                throw refused("dictionary key at byte \(at) is \(items[k].kind); only string keys are read")
            }
            if let existing = dictIndex[id][key] {
                dicts[id][existing].value = items[k + 1]
            } else {
                dictIndex[id][key] = dicts[id].count
                dicts[id].append((key, items[k + 1]))
            }
            k += 2
        }
    }

    private mutating func append(to target: Value, _ items: [Value], at: Int) throws(EmbeddingError) {
        guard case .list(let id) = target else { throw refused("APPEND(S) at byte \(at) on \(target.kind)") }
        lists[id] += items
    }
}
