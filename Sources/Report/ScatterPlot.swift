import Data
import CCairo

/// A 2-D point cloud: a t-SNE map or 2-D latent codes, coloured by label (tab10, with a legend of
/// the label values) or in one colour when there are no labels.
///
/// Points are small translucent dots, so dense regions read darker. In PNG each dot is painted on
/// its own and overlaps accumulate; in SVG and PDF the dots of one label form one path (a
/// zero-length round-capped stroke per point), which keeps a 10,000-point SVG to a few hundred
/// kilobytes at the cost of overlaps within one label not darkening.
public struct ScatterPlot: Sendable {
    /// The heading above the plot.
    public var title: String
    /// The x axis' label.
    public var xLabel: String
    /// The y axis' label.
    public var yLabel: String
    /// The points' x coordinates.
    public var x: [Double]
    /// The points' y coordinates, as many as `x`.
    public var y: [Double]
    /// One label per point (e.g. the digit), or nil for a single-colour plot without legend.
    public var labels: [Int]?
    /// Legend text for label values; values not in it are shown as numbers.
    public var labelNames: [Int: String]
    /// The figure's width in pixels (PNG) or CSS pixels (SVG).
    public var width: Int
    /// The figure's height.
    public var height: Int
    /// Dot radius in pixels.
    public var pointRadius: Double
    /// Dot opacity, 0…1.
    public var opacity: Double

    /// A 700×600 scatter plot of (`x[i]`, `y[i]`), coloured by `labels` when given.
    public init(
        title: String, x: [Double], y: [Double], labels: [Int]? = nil, labelNames: [Int: String] = [:],
        xLabel: String = "", yLabel: String = "", width: Int = 700, height: Int = 600, pointRadius: Double = 2,
        opacity: Double = 0.5
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.labels = labels
        self.labelNames = labelNames
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.pointRadius = pointRadius
        self.opacity = opacity
    }

    /// The figure encoded as `format`.
    public func render(_ format: FigureFormat) throws -> [UInt8] {
        guard x.count == y.count else {
            throw SourceError(title, "scatter has \(x.count) x values but \(y.count) y values")
        }
        if let labels, labels.count != x.count {
            throw SourceError(title, "scatter has \(x.count) points but \(labels.count) labels")
        }
        let bytes = try renderFigure(format: format, width: width, height: height, source: title) { context in
            try draw(context, batchedPerLabel: format != .png)
        }
        guard format == .svg else { return bytes }
        let legend = labelValues.map { labelNames[$0] ?? String($0) }.joined(separator: ", ")
        let description = "Scatter plot of \(x.count) points" + (legend.isEmpty ? "" : " labelled \(legend)")
        return SVGAnnotation.annotate(bytes, title: title, description: description)
    }

    /// Writes the figure as `format` to `path`, atomically.
    public func write(_ format: FigureFormat, to path: String) throws {
        let bytes: [UInt8]
        do { bytes = try render(format) } catch let error as SourceError { throw SourceError(path, error.problem) }
        try AtomicFile.write(data: bytes, to: path)
    }

    /// The distinct label values in ascending order; colours follow this order.
    private var labelValues: [Int] {
        guard let labels else { return [] }
        return Array(Set(labels)).sorted()
    }

    private func draw(_ context: OpaquePointer, batchedPerLabel: Bool) throws {
        let values = labelValues
        let legend = values.enumerated().map { position, value in
            LegendEntry(
                name: labelNames[value] ?? String(value), color: PlotColor.palette(position), showsLine: false,
                showsMarker: true)
        }
        let frame = try PlotFrame(
            context: context, width: Double(width), height: Double(height),
            captions: PlotCaptions(title: title, xLabel: xLabel, yLabel: yLabel),
            xScale: AxisScale.linear(covering: x), yScale: AxisScale.linear(covering: y), legend: legend)
        frame.drawBackground(context)
        cairo_save(context)
        frame.clip(context)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        cairo_set_line_width(context, 2 * max(pointRadius, 0.25))
        let alpha = min(max(opacity, 0), 1)
        for (group, members) in pointGroups(values).enumerated() {
            setSource(context, labels == nil ? PlotColor.palette(0) : PlotColor.palette(group), alpha: alpha)
            for index in members {
                guard let position = frame.position(x: x[index], y: y[index]) else { continue }
                // Quarter pixels are invisible but halve the digits Cairo writes per point in SVG.
                let dot = (x: (position.x * 4).rounded() / 4, y: (position.y * 4).rounded() / 4)
                cairo_move_to(context, dot.x, dot.y)
                cairo_line_to(context, dot.x, dot.y)
                if !batchedPerLabel { cairo_stroke(context) }
            }
            cairo_stroke(context)
        }
        cairo_restore(context)
        frame.drawAxes(context)
        frame.drawLegend(context)
    }

    /// Point indices grouped by label value (in `values` order), or all points in one group.
    private func pointGroups(_ values: [Int]) -> [[Int]] {
        guard let labels else { return [Array(x.indices)] }
        let position = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
        var groups = [[Int]](repeating: [], count: values.count)
        for (index, label) in labels.enumerated() {
            if let group = position[label] { groups[group].append(index) }
        }
        return groups
    }
}
