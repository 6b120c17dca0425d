// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One PyTorch checkpoint file as `torch.save` writes a state dict (`.pth`, `.pt`, `pytorch_model.bin`), read
/// without running any of it.
///
/// The file is a zip archive (zip64 when large) of stored members: `<root>/data.pkl`, a pickle describing the
/// state dict, and one member `<root>/data/<key>` per storage with its raw elements. The archive is
/// memory-mapped; opening it reads the central directory and interprets the pickle with a restricted machine
/// that knows only what a state dict needs — `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`
/// (and `_rebuild_parameter`), the typed storage classes and their persistent ids. Any other opcode or global
/// is refused, never executed: loading a `.pth` file with this type cannot run code, unlike Python's `pickle`.
/// Every tensor's storage, offset, shape and strides are checked against the archive when the file is opened.
/// Tensors are converted on request, straight from the mapped file into the returned array (F16 and BF16
/// widened exactly).
///
/// ```swift
/// let file = try await PyTorchCheckpointFile(contentsOf: folder.appendingPathComponent("imagebind_huge.pth"))
/// let w = try file.floats("modality_heads.vision.2.weight", shape: [1024, 1280])
/// ```
public struct PyTorchCheckpointFile: Sendable {
    /// Every tensor in the file, by name.
    public let tensors: [String: PyTorchTensorInfo]
    /// A name used in error messages (the file name, or `<memory>`).
    public let sourceName: String
    /// The file's bytes (memory-mapped when the platform allows).
    private let storage: Data
    /// Where each storage's elements begin in ``storage``, by key.
    private let storageStarts: [String: Int]
    /// Whether the file's `byteorder` member says `big`.
    private let bigEndian: Bool
    /// Whether ``storage`` is a mapping of the file whose pages can be released once a tensor is copied out.
    private let isMapped: Bool

    /// Reads and validates the checkpoint at `url` (memory-mapped when possible).
    /// - Parameter url: A file written by `torch.save` (PyTorch 1.6 or later).
    /// - Throws: ``EmbeddingError/Code/notFound`` or ``EmbeddingError/Code/fileSystem`` when it cannot be read;
    ///   ``EmbeddingError/Code/corruptFile`` when it is malformed or inconsistent;
    ///   ``EmbeddingError/Code/unsupportedCheckpoint`` for the legacy format, compressed members, or a pickle
    ///   that uses an opcode or global outside the state-dict subset (the message names it).
    @concurrent public init(contentsOf url: URL) async throws(EmbeddingError) {
        let (data, isMapped) = try LocalFile.load(url, mapped: true)
        try self.init(data: data, sourceName: url.lastPathComponent, isMapped: isMapped)
    }

    /// Parses and validates the bytes of a PyTorch checkpoint.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - sourceName: A name for error messages.
    /// - Throws: As ``init(contentsOf:)``, without the file-system codes.
    public init(data: Data, sourceName: String = "<memory>") throws(EmbeddingError) {
        try self.init(data: data, sourceName: sourceName, isMapped: false)
    }

    private init(data: Data, sourceName: String, isMapped: Bool) throws(EmbeddingError) {
        func corrupt(_ message: String) -> EmbeddingError {
            EmbeddingError(.corruptFile, "\(sourceName): \(message)")
        }
        // The format before PyTorch 1.6 is a run of pickles; it starts with the PROTO opcode.
        if let first = data.first, first == 0x80 {
            throw EmbeddingError(
                .unsupportedCheckpoint,
                "\(sourceName): legacy (pre-1.6) torch.save format; save it again with a current PyTorch"
            )
        }
        let archive = try ZipDirectory(data, sourceName: sourceName)
        let pickles = archive.entries.keys.filter {
            $0.hasSuffix("/data.pkl") && $0.utf8.count(where: { $0 == UInt8(ascii: "/") }) == 1
        }
        guard pickles.count == 1, let pickleName = pickles.first else {
            throw corrupt("\(pickles.count) <root>/data.pkl members; a torch.save archive has one")
        }
        let root = String(pickleName.dropLast("data.pkl".count))
        let reader = ByteReader(data)
        var bigEndian = false
        if let order = archive.entries[root + "byteorder"] {
            switch reader.bytes(order.dataOffset..<(order.dataOffset + order.size)) {
            case Array("little".utf8): break
            case Array("big".utf8): bigEndian = true
            default: throw corrupt("\(root)byteorder is neither little nor big")
            }
        }
        let pickleEntry = archive.entries[pickleName]!
        let pickle = reader.bytes(pickleEntry.dataOffset..<(pickleEntry.dataOffset + pickleEntry.size))
        let stateDict = try StateDictUnpickler.stateDict(pickle, sourceName: sourceName)

        var storages: [String: StateDictUnpickler.Storage] = [:]
        var starts: [String: Int] = [:]
        var infos: [String: PyTorchTensorInfo] = [:]
        infos.reserveCapacity(stateDict.count)
        for (name, tensor) in stateDict {
            let s = tensor.storage
            if let known = storages[s.key] {
                guard known == s else {
                    throw corrupt("storage \(s.key) is described two ways (\(known.dtype) and \(s.dtype) elements)")
                }
            } else {
                guard let entry = archive.entries[root + "data/" + s.key] else {
                    throw corrupt("tensor \(name): storage member \(root)data/\(s.key) is missing")
                }
                guard s.count <= entry.size / s.dtype.size, s.count * s.dtype.size == entry.size else {
                    throw corrupt(
                        "tensor \(name): storage \(s.key) of \(s.count) \(s.dtype) elements has \(entry.size) bytes"
                    )
                }
                storages[s.key] = s
                starts[s.key] = entry.dataOffset
            }
            // Every element addressed lies inside the storage; the element count cannot overflow.
            var elements = 1
            var last = tensor.offset
            for (size, stride) in zip(tensor.shape, tensor.strides) {
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow else { throw corrupt("tensor \(name) shape \(tensor.shape) overflows") }
                elements = product
                if size > 0 {
                    let (step, stepOverflow) = (size - 1).multipliedReportingOverflow(by: stride)
                    let (sum, sumOverflow) = last.addingReportingOverflow(step)
                    guard !stepOverflow, !sumOverflow else {
                        throw corrupt("tensor \(name) strides \(tensor.strides) overflow")
                    }
                    last = sum
                }
            }
            guard tensor.offset <= s.count, elements == 0 || (last < s.count && elements <= s.count) else {
                throw corrupt(
                    "tensor \(name) (offset \(tensor.offset), shape \(tensor.shape), strides \(tensor.strides)) "
                        + "does not fit its storage of \(s.count) elements"
                )
            }
            infos[name] = PyTorchTensorInfo(
                name: name,
                dtype: s.dtype,
                shape: tensor.shape,
                strides: tensor.strides,
                storageKey: s.key,
                storageOffset: tensor.offset
            )
        }
        tensors = infos
        storageStarts = starts
        storage = data
        self.bigEndian = bigEndian
        self.isMapped = isMapped
        self.sourceName = sourceName
    }

    /// The tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The description of tensor `name`.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` when the file has no such tensor.
    public func info(_ name: String) throws(EmbeddingError) -> PyTorchTensorInfo {
        guard let info = tensors[name] else {
            throw EmbeddingError(.missingTensor, "tensor \(name) is not in \(sourceName)")
        }
        return info
    }

    /// Tensor `name` converted to `Float` (F32 as is, F16 and BF16 widened exactly), in row-major order.
    /// - Parameters:
    ///   - name: The tensor name.
    ///   - shape: The expected shape, or `nil` to accept any.
    /// - Returns: The elements in row-major order.
    /// - Throws: ``EmbeddingError/Code/missingTensor``, ``EmbeddingError/Code/shapeMismatch`` or
    ///   ``EmbeddingError/Code/unsupportedDType``, each naming the tensor.
    public func floats(_ name: String, shape: [Int]? = nil) throws(EmbeddingError) -> ContiguousArray<Float> {
        let info = try info(name)
        if let shape, shape != info.shape {
            throw EmbeddingError(.shapeMismatch, "tensor \(name) has shape \(info.shape), expected \(shape)")
        }
        guard info.dtype.isFloatingPoint else {
            throw EmbeddingError(.unsupportedDType, "tensor \(name) has dtype \(info.dtype); F32, F16 or BF16 needed")
        }
        let values = TensorElements.floats(
            storage,
            byteOffset: start(of: info),
            dtype: info.dtype,
            layout: layout(of: info),
            bigEndian: bigEndian
        )
        release(info)
        return values
    }

    /// Tensor `name` as 64-bit integers, in row-major order.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` or ``EmbeddingError/Code/unsupportedDType`` (not I64).
    public func int64s(_ name: String) throws(EmbeddingError) -> [Int64] {
        let info = try info(name)
        guard info.dtype == .i64 else {
            throw EmbeddingError(.unsupportedDType, "tensor \(name) has dtype \(info.dtype); I64 needed")
        }
        let values = TensorElements.int64s(
            storage,
            byteOffset: start(of: info),
            layout: layout(of: info),
            bigEndian: bigEndian
        )
        release(info)
        return values
    }

    /// Once a tensor is copied out of a mapped file, its pages need not stay resident: loading a checkpoint
    /// then costs the tensors' own memory, not twice the file's size.
    private func release(_ info: PyTorchTensorInfo) {
        guard isMapped, info.elementCount > 0 else { return }
        var extent = 1
        for (size, stride) in zip(info.shape, info.strides) { extent += (size - 1) * stride }
        let start = start(of: info)
        LocalFile.releasePages(storage, start..<(start + extent * info.dtype.size))
    }

    /// The byte offset of the tensor's first element in the file.
    private func start(of info: PyTorchTensorInfo) -> Int {
        storageStarts[info.storageKey, default: 0] + info.storageOffset * info.dtype.size
    }

    private func layout(of info: PyTorchTensorInfo) -> TensorElements.Layout {
        TensorElements.Layout(shape: info.shape, strides: info.isContiguous ? nil : info.strides)
    }
}
