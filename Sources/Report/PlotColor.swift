/// An opaque colour with red, green and blue in [0, 1].
public struct PlotColor: Equatable, Hashable, Sendable {
    /// Red, 0…1.
    public var red: Double
    /// Green, 0…1.
    public var green: Double
    /// Blue, 0…1.
    public var blue: Double

    /// A colour from components in [0, 1].
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32) {
        red = Double(hex >> 16 & 0xFF) / 255
        green = Double(hex >> 8 & 0xFF) / 255
        blue = Double(hex & 0xFF) / 255
    }

    /// Matplotlib's tab10 palette: ten colours chosen to stay distinguishable from one another.
    public static let tab10: [PlotColor] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { PlotColor(hex: $0) }

    /// The `index`-th palette colour, cycling after ten; negative indices count from the start too.
    public static func palette(_ index: Int) -> PlotColor {
        let count = tab10.count
        return tab10[((index % count) + count) % count]
    }

    /// White, the background of every figure.
    public static let white = PlotColor(red: 1, green: 1, blue: 1)
    /// Black, for text and axes.
    public static let black = PlotColor(red: 0, green: 0, blue: 0)
}
