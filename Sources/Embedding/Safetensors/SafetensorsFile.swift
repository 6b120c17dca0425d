// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One `.safetensors` file: an 8-byte little-endian header length, a JSON header, then raw tensor bytes.
///
/// The header is validated against the file when it is opened: every tensor's byte range lies inside the data
/// section, ranges do not overlap, and each range holds exactly `shape × dtype size` bytes. Tensors are
/// converted to `Float` on request (F16 and BF16 are widened exactly).
///
/// ```swift
/// let file = try await SafetensorsFile(contentsOf: url)
/// let w = try file.floats("text_projection.weight", shape: [32, 64])
/// ```
public struct SafetensorsFile: Sendable {
    /// The largest header this reader accepts (the format's own limit is 100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// Every tensor in the file, by name.
    public let tensors: [String: SafetensorsTensorInfo]
    /// The file's bytes (memory-mapped when the platform allows).
    private let storage: Data
    /// The offset of the data section within ``storage``.
    private let dataStart: Int
    /// Whether ``storage`` is a mapping of the file whose pages can be released once a tensor is copied out.
    private var isMapped = false
    /// A name used in error messages (the file name, or `<memory>`).
    public let sourceName: String

    /// Reads and validates the file at `url` (memory-mapped when possible).
    /// - Parameter url: A `.safetensors` file.
    /// - Throws: ``EmbeddingError/Code/notFound`` when there is no such file, ``EmbeddingError/Code/fileSystem``
    ///   when it cannot be read, ``EmbeddingError/Code/corruptFile`` when the header is malformed or
    ///   inconsistent with the file.
    @concurrent public init(contentsOf url: URL) async throws(EmbeddingError) {
        let (data, isMapped) = try LocalFile.load(url, mapped: true)
        try self.init(data: data, sourceName: url.lastPathComponent)
        self.isMapped = isMapped
    }

    /// Parses and validates the bytes of a safetensors file.
    /// - Parameters:
    ///   - data: The whole file.
    ///   - sourceName: A name for error messages.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when the header is malformed or inconsistent.
    public init(data: Data, sourceName: String = "<memory>") throws(EmbeddingError) {
        func corrupt(_ message: String) -> EmbeddingError {
            EmbeddingError(.corruptFile, "\(sourceName): \(message)")
        }
        guard data.count >= 8 else {
            throw corrupt("file has \(data.count) bytes, shorter than the 8-byte header length")
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard length >= 2, length <= UInt64(Self.maximumHeaderLength) else {
            throw corrupt("header length \(length) is out of range")
        }
        let headerLength = Int(length)
        guard 8 + headerLength <= data.count else {
            throw corrupt("header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        let headerBytes = data.subdata(in: data.startIndex + 8..<data.startIndex + 8 + headerLength)
        let header: SafetensorsHeader
        do {
            header = try JSONDecoder().decode(SafetensorsHeader.self, from: headerBytes)
        } catch let error as EmbeddingError {
            throw corrupt(error.message)
        } catch {
            throw EmbeddingError.json(.corruptFile, "\(sourceName): header", error)
        }
        let dataLength = data.count - 8 - headerLength
        var infos: [String: SafetensorsTensorInfo] = [:]
        for entry in header.entries {
            let dtype = SafetensorsDType(name: entry.dtype) ?? .unrecognized(entry.dtype)
            guard entry.offsets.count == 2 else {
                throw corrupt("tensor \(entry.name) needs 2 data_offsets, has \(entry.offsets.count)")
            }
            let begin = entry.offsets[0]
            let end = entry.offsets[1]
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw corrupt("tensor \(entry.name) offsets [\(begin), \(end)] outside the \(dataLength)-byte data")
            }
            var elements = 1
            for dim in entry.shape {
                guard dim >= 0 else { throw corrupt("tensor \(entry.name) has negative dimension \(dim)") }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow, product <= dataLength else {
                    throw corrupt("tensor \(entry.name) shape \(entry.shape) is larger than the file")
                }
                elements = product
            }
            guard !dtype.isRecognized || elements * dtype.size == end - begin else {
                throw corrupt(
                    "tensor \(entry.name) shape \(entry.shape) × \(dtype) needs \(elements * dtype.size) bytes, "
                        + "offsets give \(end - begin)"
                )
            }
            guard infos[entry.name] == nil else { throw corrupt("tensor \(entry.name) appears twice") }
            infos[entry.name] = SafetensorsTensorInfo(
                name: entry.name,
                dtype: dtype,
                shape: entry.shape,
                dataRange: begin..<end
            )
        }
        let ordered = infos.values.filter { !$0.dataRange.isEmpty }.sorted {
            $0.dataRange.lowerBound < $1.dataRange.lowerBound
        }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where next.dataRange.lowerBound < previous.dataRange.upperBound {
            throw corrupt("tensors \(previous.name) and \(next.name) overlap")
        }
        metadata = header.metadata
        tensors = infos
        storage = data
        dataStart = 8 + headerLength
        self.sourceName = sourceName
    }

    /// The tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The description of tensor `name`.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` when the file has no such tensor.
    public func info(_ name: String) throws(EmbeddingError) -> SafetensorsTensorInfo {
        guard let info = tensors[name] else {
            throw EmbeddingError(.missingTensor, "tensor \(name) is not in \(sourceName)")
        }
        return info
    }

    /// Tensor `name` converted to `Float` (F32 as is, F16 and BF16 widened exactly).
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
            byteOffset: dataStart + info.dataRange.lowerBound,
            dtype: info.dtype,
            layout: TensorElements.Layout(shape: info.shape)
        )
        release(info)
        return values
    }

    /// Tensor `name` as 64-bit integers.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` or ``EmbeddingError/Code/unsupportedDType`` (not I64).
    public func int64s(_ name: String) throws(EmbeddingError) -> [Int64] {
        let info = try info(name)
        guard info.dtype == .i64 else {
            throw EmbeddingError(.unsupportedDType, "tensor \(name) has dtype \(info.dtype); I64 needed")
        }
        let values = TensorElements.int64s(
            storage,
            byteOffset: dataStart + info.dataRange.lowerBound,
            layout: TensorElements.Layout(shape: info.shape)
        )
        release(info)
        return values
    }

    /// Once a tensor is copied out of a mapped file, its pages need not stay resident: loading a checkpoint
    /// then costs the tensors' own memory, not twice the file's size (the pages are read again if touched again).
    private func release(_ info: SafetensorsTensorInfo) {
        guard isMapped, !info.dataRange.isEmpty else { return }
        LocalFile.releasePages(storage, dataStart + info.dataRange.lowerBound..<dataStart + info.dataRange.upperBound)
    }
}
