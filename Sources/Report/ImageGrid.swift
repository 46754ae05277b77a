import Data
import CCairo

/// Rows of small images drawn as one PNG: each image scaled up by an integer factor with
/// nearest-neighbour pixels (so single pixels stay sharp), a gap between images, and optional row
/// labels at the left.
///
/// Used for `reconstructions.png` (originals above, reconstructions below), `samples.png`,
/// `interpolations.png`, `walks.png` and the decoded 2-D manifold.
public struct ImageGrid: Sendable {
    /// One row of the grid, with an optional label drawn to its left.
    public struct Row: Sendable {
        /// Text shown left of the row, e.g. "original" or "reconstruction".
        public var label: String?
        /// The row's images, left to right.
        public var images: [GridImage]

        /// A row of `images`, labelled `label` when given.
        public init(label: String? = nil, images: [GridImage]) {
            self.label = label
            self.images = images
        }
    }

    /// The rows, top to bottom.
    public var rows: [Row]
    /// How many output pixels each image pixel becomes along each side.
    public var scale: Int
    /// Output pixels between neighbouring images and around the edge.
    public var gap: Int
    /// The colour of the gaps, margins and label column.
    public var background: PlotColor
    /// The label text size, in pixels.
    public var fontSize: Double

    /// A grid of `rows`; 28×28 images at the default scale of 3 become 84×84 pixels.
    public init(rows: [Row], scale: Int = 3, gap: Int = 2, background: PlotColor = .white, fontSize: Double = 13) {
        self.rows = rows
        self.scale = scale
        self.gap = gap
        self.background = background
        self.fontSize = fontSize
    }

    /// `images` laid out left to right, `columns` per row, in unlabelled rows (e.g. 100 prior
    /// samples as a 10×10 grid).
    public init(tiling images: [GridImage], columns: Int, scale: Int = 3, gap: Int = 2) {
        let perRow = max(1, columns)
        let rows = stride(from: 0, to: images.count, by: perRow).map { start in
            Row(images: Array(images[start..<min(start + perRow, images.count)]))
        }
        self.init(rows: rows, scale: scale, gap: gap)
    }

    /// The PNG file's bytes.
    public func pngBytes() throws -> [UInt8] {
        let layout = try GridLayout(grid: self)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(layout.width), Int32(layout.height))
        defer { cairo_surface_destroy(surface) }
        try checkCairo(
            cairo_surface_status(surface), "image grid", "cannot create a \(layout.width)×\(layout.height) image")
        try paintBackgroundAndLabels(on: surface, layout: layout)
        try copyPixels(into: surface, layout: layout)
        return try encodePNG(surface, source: "image grid")
    }

    /// Writes the grid as a PNG file at `path`, atomically.
    public func writePNG(to path: String) throws {
        do {
            try AtomicFile.write(data: try pngBytes(), to: path)
        } catch let error as SourceError where error.source == "image grid" {
            throw SourceError(path, error.problem)
        }
    }

    /// The longest side a grid may have (Cairo's image surfaces stop there).
    public static let maximumSide = 32_767

    /// Why `count` images of `height`×`width` pixels cannot be tiled `columns` to a row (the grid
    /// would pass `maximumSide`), known before any image is made; nil when they can.
    public static func tilingProblem(count: Int, columns: Int, height: Int, width: Int, scale: Int = 3, gap: Int = 2)
        -> String?
    {
        let perRow = max(1, min(columns, count))
        let rows = (count + perRow - 1) / perRow
        let (gridWidth, gridHeight) = (gap + perRow * (width * scale + gap), gap + rows * (height * scale + gap))
        guard gridWidth > maximumSide || gridHeight > maximumSide else { return nil }
        return
            "\(count) images make a grid of \(gridWidth)×\(gridHeight) pixels, over the \(maximumSide) a side may have"
    }

    /// The size of the PNG this grid makes, in pixels.
    public func pixelSize() throws -> (width: Int, height: Int) {
        let layout = try GridLayout(grid: self)
        return (layout.width, layout.height)
    }

    private func paintBackgroundAndLabels(on surface: OpaquePointer?, layout: GridLayout) throws {
        guard let context = cairo_create(surface) else { throw SourceError("image grid", "cannot draw") }
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, background.red, background.green, background.blue)
        cairo_paint(context)
        useReportFont(context, size: fontSize)
        cairo_set_source_rgb(context, 0, 0, 0)
        for (index, row) in rows.enumerated() {
            guard let label = row.label, !label.isEmpty else { continue }
            let middle = Double(layout.rowTop(index)) + Double(layout.cellHeight * scale) / 2
            drawText(context, label, x: Double(max(gap, 4)), y: middle, horizontal: .leading, vertical: .middle)
        }
        try checkCairo(cairo_status(context), "image grid", "cannot draw labels")
    }

    private func copyPixels(into surface: OpaquePointer?, layout: GridLayout) throws {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw SourceError("image grid", "the image has no pixel memory")
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for (rowIndex, row) in rows.enumerated() {
            for (column, image) in row.images.enumerated() {
                let origin = (x: layout.columnLeft(column), y: layout.rowTop(rowIndex))
                blit(image, into: data, stride: stride, at: origin)
            }
        }
        cairo_surface_mark_dirty(surface)
    }

    /// Writes `image` scaled by `scale` with nearest-neighbour pixels into Cairo's native-endian
    /// xRGB words.
    private func blit(
        _ image: GridImage, into data: UnsafeMutablePointer<UInt8>, stride: Int, at origin: (x: Int, y: Int)
    ) {
        for sourceRow in 0..<image.height {
            for sourceColumn in 0..<image.width {
                let (red, green, blue) = image.rgb(row: sourceRow, column: sourceColumn)
                let word = UInt32(0xFF00_0000) | UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
                for dy in 0..<scale {
                    let line = UnsafeMutableRawPointer(data + (origin.y + sourceRow * scale + dy) * stride)
                    for dx in 0..<scale {
                        let x = origin.x + sourceColumn * scale + dx
                        line.storeBytes(of: word, toByteOffset: x * 4, as: UInt32.self)
                    }
                }
            }
        }
    }
}

/// Where each cell of an `ImageGrid` goes: all cells take the size of the largest image.
struct GridLayout {
    let cellWidth: Int
    let cellHeight: Int
    let labelWidth: Int
    let width: Int
    let height: Int
    let scale: Int
    let gap: Int

    init(grid: ImageGrid) throws {
        let images = grid.rows.flatMap(\.images)
        guard !images.isEmpty else { throw SourceError("image grid", "has no images to draw") }
        guard (1...64).contains(grid.scale), (0...64).contains(grid.gap) else {
            throw SourceError("image grid", "scale \(grid.scale) must be 1…64 and gap \(grid.gap) 0…64")
        }
        scale = grid.scale
        gap = grid.gap
        cellWidth = images.map(\.width).max() ?? 1
        cellHeight = images.map(\.height).max() ?? 1
        let labels = grid.rows.compactMap(\.label).filter { !$0.isEmpty }
        let textWidth = labels.isEmpty ? 0 : measureTextWidth(labels, fontSize: grid.fontSize)
        labelWidth = textWidth == 0 ? 0 : Int(textWidth.rounded(.up)) + 2 * max(grid.gap, 4)
        let columns = grid.rows.map(\.images.count).max() ?? 1
        width = labelWidth + gap + columns * (cellWidth * scale + gap)
        height = gap + grid.rows.count * (cellHeight * scale + gap)
        guard width <= ImageGrid.maximumSide, height <= ImageGrid.maximumSide else {
            throw SourceError(
                "image grid", "the grid would be \(width)×\(height) pixels, over Cairo's \(ImageGrid.maximumSide)")
        }
    }

    func columnLeft(_ column: Int) -> Int { labelWidth + gap + column * (cellWidth * scale + gap) }
    func rowTop(_ row: Int) -> Int { gap + row * (cellHeight * scale + gap) }
}
