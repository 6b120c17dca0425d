// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// A file found in a folder to index, and how it is turned into an embedding input.
struct MediaFile: Sendable {
    /// Why a file was not indexed.
    enum SkipReason: String, Sendable, CaseIterable, Comparable {
        case unsupportedFormat = "not an image, sound, video or text file this library decodes"
        case unsupportedCodec = "a container whose codec this library does not decode"
        case corrupt = "damaged or truncated"
        case tooLarge = "too large"
        case empty = "empty"
        case modality = "the model does not embed this kind of input"
        case unreadable = "cannot be read"
        case embeddingFailed = "the model could not embed it"

        static func < (a: SkipReason, b: SkipReason) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The path relative to the folder.
    var name: String
    /// The absolute path.
    var url: URL
    /// The size in bytes.
    var size: Int

    /// How much of a text file is embedded and stored.
    static let maxTextCharacters = 10_000

    /// Extensions read as text.
    static let textExtensions: Set<String> = ["txt", "md", "markdown", "text"]

    /// Every regular file under `folder` (hidden files and folders, and the folder `excluding`, are not visited),
    /// sorted by relative path.
    static func list(_ folder: URL, excluding excluded: URL? = nil) throws(ToolError) -> [MediaFile] {
        guard (try? folder.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true else {
            throw .failure("no folder at \(folder.path)")
        }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        guard
            let walker = FileManager.default.enumerator(
                at: root,
                includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                options: [.skipsHiddenFiles]
            )
        else { throw .failure("cannot list \(folder.path)") }
        var files: [MediaFile] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let skip = excluded.map { $0.standardizedFileURL.resolvingSymlinksInPath().path + "/" }
        for case let url as URL in walker {
            if let skip, (url.standardizedFileURL.resolvingSymlinksInPath().path + "/").hasPrefix(skip) {
                walker.skipDescendants()
                continue
            }
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            let name = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            files.append(MediaFile(name: name, url: URL(fileURLWithPath: path), size: values?.fileSize ?? 0))
        }
        return files.sorted { $0.name < $1.name }
    }

    /// What a file decodes to: the embedding input, the text to store (text files), and the damage the decoder
    /// recovered from (a photo with a cut scan is still indexed, as far as libjpeg would decode it).
    struct Decoded: Sendable {
        var input: EmbeddingInput
        var text: String? = nil
        var warnings: [MediaDecodingWarning] = []
    }

    /// Decodes `bytes` into an embedding input, or says why it cannot.
    static func decode(
        _ bytes: [UInt8],
        name: String,
        with decoder: MediaDecoder
    ) -> Result<Decoded, SkipWithDetail> {
        if bytes.isEmpty { return .failure(SkipWithDetail(.empty)) }
        do {
            if decoder.canDecodeImage(bytes) {
                let decoded = try decoder.decodeImageReportingWarnings(bytes)
                return .success(Decoded(input: .image(decoded.image), warnings: decoded.warnings))
            }
            if decoder.audioDecoder(for: bytes) != nil {
                return .success(Decoded(input: .audio(try decoder.decodeAudio(bytes))))
            }
            if decoder.videoDecoder(for: bytes) != nil {
                let clip = try decoder.decodeVideo(bytes)
                guard clip.frameCount > 0 else { return .failure(SkipWithDetail(.empty)) }
                _ = try clip.frame(at: 0)  // a clip whose frames cannot be decoded is damaged, not an embedding failure
                return .success(Decoded(input: .video(clip)))
            }
        } catch let error as MediaDecodingError {
            let reason: SkipReason =
                switch error.code {
                case .unsupportedCodec, .unsupported: .unsupportedCodec
                case .limitExceeded: .tooLarge
                default: .corrupt
                }
            return .failure(SkipWithDetail(reason, error.message))
        } catch {
            return .failure(SkipWithDetail(.corrupt, "\(error)"))
        }
        let ext = (name as NSString).pathExtension.lowercased()
        guard textExtensions.contains(ext) else { return .failure(SkipWithDetail(.unsupportedFormat)) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(SkipWithDetail(.corrupt, "not UTF-8 text"))
        }
        // The model reads a few dozen tokens; keep a generous prefix, not a whole book, in the collection.
        let trimmed = String(text.prefix(maxTextCharacters)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .failure(SkipWithDetail(.empty)) }
        return .success(Decoded(input: .text(trimmed), text: trimmed))
    }
}

/// A skip reason and what the decoder said.
struct SkipWithDetail: Error, Sendable {
    var reason: MediaFile.SkipReason
    var detail: String

    init(_ reason: MediaFile.SkipReason, _ detail: String = "") {
        self.reason = reason
        self.detail = detail
    }
}
