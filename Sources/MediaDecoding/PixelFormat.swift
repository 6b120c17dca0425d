// SPDX-License-Identifier: Apache-2.0

/// The channels of each pixel in an ``Image``, in storage order.
public enum PixelFormat: Sendable, Hashable, CaseIterable {
    /// One luminance channel (`L`).
    case gray
    /// Luminance then alpha (`LA`).
    case grayAlpha
    /// Red, green, blue.
    case rgb
    /// Red, green, blue, alpha (straight, not premultiplied).
    case rgba

    /// The number of channels per pixel: 1, 2, 3 or 4.
    public var channelCount: Int {
        switch self {
        case .gray: 1
        case .grayAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
    }

    /// Whether the last channel is alpha.
    public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }
}
