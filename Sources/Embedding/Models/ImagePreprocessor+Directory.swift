// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension ImagePreprocessor {
    /// The fields of a transformers `preprocessor_config.json` that a CLIP-style image processor uses.
    private struct File: Decodable {
        struct Size: Decodable {
            var shortestEdge: Int?
            var height: Int?
            var width: Int?

            enum CodingKeys: String, CodingKey {
                case shortestEdge = "shortest_edge", height, width
            }

            init(from decoder: any Decoder) throws {
                if let side = try? decoder.singleValueContainer().decode(Int.self) {
                    shortestEdge = side
                    height = side
                    width = side
                    return
                }
                let c = try decoder.container(keyedBy: CodingKeys.self)
                shortestEdge = try c.decodeIfPresent(Int.self, forKey: .shortestEdge)
                height = try c.decodeIfPresent(Int.self, forKey: .height)
                width = try c.decodeIfPresent(Int.self, forKey: .width)
            }
        }

        var size: Size?
        var cropSize: Size?
        var doResize: Bool?
        var doCenterCrop: Bool?
        var doRescale: Bool?
        var rescaleFactor: Double?
        var doNormalize: Bool?
        var imageMean: [Float]?
        var imageStd: [Float]?
        var resample: Int?

        enum CodingKeys: String, CodingKey {
            case size, cropSize = "crop_size", doResize = "do_resize", doCenterCrop = "do_center_crop"
            case doRescale = "do_rescale", rescaleFactor = "rescale_factor", doNormalize = "do_normalize"
            case imageMean = "image_mean", imageStd = "image_std", resample
        }
    }

    /// Builds the preprocessor a checkpoint's `preprocessor_config.json` describes (transformers'
    /// `CLIPImageProcessor`): resize the shortest edge to `size.shortest_edge` with the `resample` filter, centre
    /// crop to `crop_size`, scale by 1/255 and normalise with `image_mean` / `image_std`.
    ///
    /// Without the file, CLIP's defaults apply with `imageSize` as both the resize and the crop size.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - imageSize: The model's input size, used when the file is absent and checked against the crop.
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` for malformed JSON or a crop that differs from
    ///   `imageSize`; ``EmbeddingError/Code/unsupportedModel`` for options this preprocessor does not implement
    ///   (no resize, no centre crop, a fixed `height × width` resize, a rescale factor other than 1/255, a
    ///   resample filter other than bilinear, bicubic or box).
    public init(directory: URL, imageSize: Int) throws(EmbeddingError) {
        let url = directory.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            self.init(
                shortestEdge: imageSize,
                cropWidth: imageSize,
                cropHeight: imageSize,
                mean: Self.clipMean,
                std: Self.clipStd
            )
            return
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            throw EmbeddingError.json(.invalidConfiguration, "preprocessor_config.json", error)
        }
        func unsupported(_ what: String) -> EmbeddingError {
            EmbeddingError(.unsupportedModel, "preprocessor_config.json: \(what) is not implemented")
        }
        guard file.doResize ?? true else { throw unsupported("do_resize false") }
        guard file.doCenterCrop ?? true else { throw unsupported("do_center_crop false") }
        guard file.doRescale ?? true, abs((file.rescaleFactor ?? 1 / 255) * 255 - 1) < 1e-6 else {
            throw unsupported("a rescale other than 1/255")
        }
        guard let shortest = file.size.map({ $0.shortestEdge }) ?? imageSize else {
            throw unsupported("a fixed height × width resize")
        }
        let cropHeight = file.cropSize?.height ?? imageSize
        let cropWidth = file.cropSize?.width ?? imageSize
        guard cropHeight == imageSize, cropWidth == imageSize, shortest >= imageSize else {
            throw EmbeddingError(
                .invalidConfiguration,
                "preprocessor_config.json: resize \(shortest), crop \(cropWidth)×\(cropHeight) does not give the "
                    + "model's \(imageSize)×\(imageSize) input"
            )
        }
        let filter: ResizeFilter
        switch file.resample ?? 3 {
        case 2: filter = .bilinear
        case 3: filter = .bicubic
        case 4: filter = .box
        case let other: throw unsupported("resample \(other)")
        }
        let normalize = file.doNormalize ?? true
        let mean = normalize ? file.imageMean ?? Self.clipMean : [0, 0, 0]
        let std = normalize ? file.imageStd ?? Self.clipStd : [1, 1, 1]
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
            throw EmbeddingError(
                .invalidConfiguration,
                "preprocessor_config.json: image_mean and image_std need 3 values, std positive"
            )
        }
        self.init(
            shortestEdge: shortest,
            cropWidth: cropWidth,
            cropHeight: cropHeight,
            filter: filter,
            mean: mean,
            std: std
        )
    }
}
