// SPDX-License-Identifier: Apache-2.0

import MediaDecoding

/// The identity of one cached embedding: a SHA-256 over the embedding space and the input's content.
///
/// Two keys are equal exactly when (barring a SHA-256 collision) the same space embeds the same content:
/// text by its UTF-8 bytes, an image by its size, pixel format, bit depth and samples, audio by its rate,
/// channel count and sample bit patterns. A video that `MediaDecoder.decodeVideo(_:limits:)` read is keyed by its
/// container's bytes, without decoding a frame; any other clip (one made with ``EmbeddingInput/video(frames:)``,
/// or by a host decoder called directly) by every frame in order, decoded for the purpose. Every field is
/// length-prefixed and tagged with its modality, so different inputs never serialise to the same bytes.
public struct EmbeddingCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let digest: [UInt8]

    /// The key of `input` embedded in `space`.
    /// - Parameters:
    ///   - space: The embedder's space (model, revision, dimension and normalisation all take part).
    ///   - input: The item to embed.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` when a frame of a video without container bytes cannot be
    ///   decoded (the `MediaDecodingError` is the `underlying` error).
    public init(space: EmbeddingSpace, input: EmbeddingInput) throws(EmbeddingError) {
        var hasher = SHA256()
        hasher.update(lengthPrefixed: "mmrag.embedding-cache.v1")
        hasher.update(lengthPrefixed: space.modelID)
        hasher.update(lengthPrefixed: space.revision)
        hasher.update(UInt64(space.dimension))
        hasher.update(lengthPrefixed: space.normalization.rawValue)
        switch input {
        case .text(let text):
            hasher.update(lengthPrefixed: "text")
            hasher.update(lengthPrefixed: text)
        case .image(let image):
            hasher.update(lengthPrefixed: "image")
            Self.add(image, to: &hasher)
        case .audio(let audio):
            hasher.update(lengthPrefixed: "audio")
            hasher.update(UInt64(audio.sampleRate))
            hasher.update(UInt64(audio.channelCount))
            hasher.update(UInt64(audio.samples.count))
            Self.addFloats(audio.samples, to: &hasher)
        case .video(let clip):
            if let bytes = clip.containerBytes {
                hasher.update(lengthPrefixed: "video-container")
                hasher.update(UInt64(bytes.count))
                hasher.update(bytes)
            } else {
                // The layout keys of frame lists had before clips, so cache files written then stay valid.
                hasher.update(lengthPrefixed: "video")
                hasher.update(UInt64(clip.frameCount))
                for index in 0..<clip.frameCount {
                    do {
                        Self.add(try clip.frame(at: index), to: &hasher)
                    } catch {
                        throw EmbeddingError(
                            .invalidInput,
                            "video frame \(index) cannot be decoded for its cache key",
                            underlying: error
                        )
                    }
                }
            }
        case .depth(let map), .thermal(let map):
            hasher.update(lengthPrefixed: input.modality.rawValue)
            switch map.content {
            case .image(let image):
                hasher.update(lengthPrefixed: "image")
                Self.add(image, to: &hasher)
            case .values(let values):
                hasher.update(lengthPrefixed: "values")
                hasher.update(UInt64(map.width))
                hasher.update(UInt64(map.height))
                Self.addFloats(Array(values), to: &hasher)
            }
        case .imu(let series):
            hasher.update(lengthPrefixed: "imu")
            hasher.update(UInt64(series.length))
            Self.addFloats(Array(series.values), to: &hasher)
        }
        digest = hasher.finalize().bytes
    }

    /// The digest in lower-case hexadecimal (64 characters); also the on-disk file name.
    public var description: String {
        let hex: [Character] = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        return out
    }

    private static func add(_ image: Image, to hasher: inout SHA256) {
        hasher.update(UInt64(image.width))
        hasher.update(UInt64(image.height))
        hasher.update(UInt64(image.format.channelCount))
        hasher.update(lengthPrefixed: "\(image.format)")
        hasher.update(UInt64(image.bitDepth))
        switch image.samples {
        case .uint8(let samples):
            hasher.update(UInt64(samples.count))
            hasher.update(samples)
        case .uint16(let samples):
            hasher.update(UInt64(samples.count))
            var chunk: [UInt8] = []
            chunk.reserveCapacity(8192)
            for sample in samples {
                chunk.append(UInt8(truncatingIfNeeded: sample))
                chunk.append(UInt8(truncatingIfNeeded: sample >> 8))
                if chunk.count == 8192 {
                    hasher.update(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            hasher.update(chunk)
        }
    }

    private static func addFloats(_ values: [Float], to hasher: inout SHA256) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(8192)
        for value in values {
            let bits = value.bitPattern
            for i in 0..<4 { chunk.append(UInt8(truncatingIfNeeded: bits >> (8 * i))) }
            if chunk.count == 8192 {
                hasher.update(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        hasher.update(chunk)
    }
}
