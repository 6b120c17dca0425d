// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: PyTorchCheckpointFile (zip / zip64 directory, restricted pickle, tensor reads). Build
// and run with `Tests/Fuzz/run.sh pytorch`. Self-contained: run.sh links it against the reader's files only.

import Embedding
import Foundation

/// Opens `data` as a checkpoint and reads every tensor it declares; errors are the expected outcome.
private func readAll(_ data: Data) {
    guard let file = try? PyTorchCheckpointFile(data: data) else { return }
    for (name, info) in file.tensors {
        if info.dtype == .i64 {
            _ = try? file.int64s(name)
        } else {
            _ = try? file.floats(name)
        }
    }
}

private func le(_ value: Int, _ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A stored zip archive of `members`, as torch.save lays one out (without its 64-byte padding).
private func archive(_ members: [(String, [UInt8])]) -> Data {
    var out: [UInt8] = []
    var central: [UInt8] = []
    for (name, bytes) in members {
        let nameBytes = Array(name.utf8)
        let offset = out.count
        out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 8) + le(0, 4) + le(bytes.count, 4) + le(bytes.count, 4)
        out += le(nameBytes.count, 2) + le(0, 2) + nameBytes + bytes
        central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 8) + le(0, 4) + le(bytes.count, 4)
        central += le(bytes.count, 4) + le(nameBytes.count, 2) + le(0, 8) + le(0, 4) + le(offset, 4) + nameBytes
    }
    let directory = out.count
    out += central + le(0x0605_4B50, 4) + le(0, 4) + le(members.count, 2) + le(members.count, 2)
    out += le(central.count, 4) + le(directory, 4) + le(0, 2)
    return Data(out)
}

/// Storages under keys `0`…`3`, so pickles the fuzzer mutates can name storages that exist; their sizes fit
/// the seed `seeds/pytorch-bare-pickle.pkl` (4 F32, 3 F16, 2 F32 elements), the last is 64 bytes.
private let storages: [(String, [UInt8])] = [16, 6, 8, 64].enumerated().map { key, size in
    ("archive/data/\(key)", (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37) })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = unsafe start, count > 0 else { return 0 }
    let bytes = unsafe Array(UnsafeBufferPointer(start: start, count: count))
    // The input as a whole file, and the input as the pickle of a well-formed archive (reaching the pickle
    // machine without first having to get a zip directory right). A whole checkpoint given as a seed also
    // reaches the machine: its own data.pkl is found in the archive.
    readAll(Data(bytes))
    readAll(archive([("archive/data.pkl", bytes), ("archive/byteorder", Array("little".utf8))] + storages))
    return 0
}
