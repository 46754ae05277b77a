import Data
import CCairo

/// A plot of named curves against a shared x axis: per-step losses of each phase (often smoothed),
/// per-epoch train/validation/test curves with markers, and so on.
///
/// Rendered through Cairo as PNG (for written reports), SVG (for the browser) or PDF. Points with a
/// NaN or infinite coordinate (or, on a log axis, a y that is not positive) are skipped and break
/// the line; empty and constant series still give a well-formed plot.
public struct LinePlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable {
        /// A line through the points.
        case line
        /// A line through the points with a dot on each.
        case lineWithMarkers
        /// Dots only.
        case markers
    }

    /// One named curve.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The x coordinates, one per point.
        public var x: [Double]
        /// The y coordinates, as many as `x`.
        public var y: [Double]
        /// Line, markers or both.
        public var style: Style
        /// The colour; nil takes the next tab10 colour by the series' position.
        public var color: PlotColor?
        /// The opacity of the line, e.g. 0.3 for raw values under their smoothed curve.
        public var opacity: Double
        /// A band drawn under the line in its colour, from `lower[i]` to `upper[i]` at `x[i]`: the
        /// spread of several runs around their mean.
        public var band: (lower: [Double], upper: [Double])? = nil

        /// A series of points (`x[i]`, `y[i]`).
        public init(
            name: String, x: [Double], y: [Double], style: Style = .line, color: PlotColor? = nil, opacity: Double = 1
        ) {
            self.name = name
            self.x = x
            self.y = y
            self.style = style
            self.color = color
            self.opacity = opacity
        }
    }

    /// The heading above the plot.
    public var title: String
    /// The x axis' label, e.g. "step" or "epoch".
    public var xLabel: String
    /// The y axis' label, e.g. "loss".
    public var yLabel: String
    /// Whether the y axis is logarithmic (base 10).
    public var logarithmicY: Bool
    /// A fixed range of the y axis (an accuracy's 0…1); nil fits the data.
    public var yRange: ClosedRange<Double>? = nil
    /// The figure's width in pixels (PNG) or CSS pixels (SVG).
    public var width: Int
    /// The figure's height.
    public var height: Int
    /// The curves, drawn in order (later ones on top) and listed in the legend in order.
    public var series: [Series]

    /// An empty 800×500 plot; add curves with `add`.
    public init(
        title: String, xLabel: String = "", yLabel: String = "", logarithmicY: Bool = false, width: Int = 800,
        height: Int = 500, series: [Series] = []
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logarithmicY = logarithmicY
        self.width = width
        self.height = height
        self.series = series
    }

    /// Appends a curve.
    public mutating func add(_ newSeries: Series) {
        series.append(newSeries)
    }

    /// Makes the y axis logarithmic when the curves' typical values (their medians) differ by more
    /// than `factor` and every value is positive: on one linear axis a reconstruction loss of 0.004
    /// would lie flat on zero under an adversarial loss of 3.
    public mutating func useLogarithmicYWhenCurvesDiffer(by factor: Double = 100) {
        let finite = series.map { $0.y.filter(\.isFinite) }.filter { !$0.isEmpty }
        guard finite.allSatisfy({ $0.allSatisfy { $0 > 0 } }) else { return }
        let medians = finite.map { $0.sorted()[$0.count / 2] }
        guard let low = medians.min(), let high = medians.max(), low > 0 else { return }
        if high / low > factor { logarithmicY = true }
    }

    /// The figure encoded as `format`.
    public func render(_ format: FigureFormat) throws -> [UInt8] {
        try validate()
        let bytes = try renderFigure(format: format, width: width, height: height, source: title, draw: draw)
        guard format == .svg else { return bytes }
        let names = series.map(\.name).joined(separator: ", ")
        return SVGAnnotation.annotate(bytes, title: title, description: "Line plot of \(names)")
    }

    /// Writes the figure as `format` to `path`, atomically.
    public func write(_ format: FigureFormat, to path: String) throws {
        try AtomicFile.write(data: try renderNaming(path, format), to: path)
    }

    private func renderNaming(_ path: String, _ format: FigureFormat) throws -> [UInt8] {
        do { return try render(format) } catch let error as SourceError { throw SourceError(path, error.problem) }
    }

    private func validate() throws {
        for entry in series where entry.x.count != entry.y.count {
            throw SourceError(
                title, "series '\(entry.name)' has \(entry.x.count) x values but \(entry.y.count) y values")
        }
        for entry in series {
            guard let band = entry.band, band.lower.count != entry.x.count || band.upper.count != entry.x.count
            else { continue }
            throw SourceError(title, "the band of series '\(entry.name)' does not have one bound pair per point")
        }
    }

    private func color(of index: Int) -> PlotColor { series[index].color ?? PlotColor.palette(index) }

    private func draw(_ context: OpaquePointer) throws {
        let xScale = AxisScale.tight(covering: series.flatMap(\.x))
        let ys = series.flatMap { $0.y + ($0.band.map { $0.lower + $0.upper } ?? []) }
        let yScale =
            yRange.map { AxisScale.fixed($0) }
            ?? (logarithmicY ? AxisScale.logarithmic(covering: ys) : AxisScale.linear(covering: ys))
        let legend = series.indices.map { index in
            LegendEntry(
                name: series[index].name, color: color(of: index), showsLine: series[index].style != .markers,
                showsMarker: series[index].style != .line, opacity: min(max(series[index].opacity, 0), 1))
        }
        let frame = try PlotFrame(
            context: context, width: Double(width), height: Double(height),
            captions: PlotCaptions(title: title, xLabel: xLabel, yLabel: yLabel), xScale: xScale, yScale: yScale,
            legend: legend)
        frame.drawBackground(context)
        cairo_save(context)
        frame.clip(context)
        for index in series.indices { drawBand(index, in: frame, context: context) }
        let dots = series.indices.map { drawSeries($0, in: frame, context: context) }
        cairo_restore(context)
        // Dots are drawn whole, unclipped: a point on the frame's edge (the largest value) stays round.
        for (index, points) in dots.enumerated() {
            setSource(context, color(of: index), alpha: min(max(series[index].opacity, 0), 1))
            let area = frame.area
            for dot in points
            where (area.left - 0.5...area.left + area.width + 0.5).contains(dot.x)
                && (area.top - 0.5...area.bottom + 0.5).contains(dot.y)
            {
                cairo_new_sub_path(context)
                cairo_arc(context, dot.x, dot.y, 3.5, 0, 2 * Double.pi)
            }
            cairo_fill(context)
        }
        frame.drawAxes(context)
        frame.drawLegend(context)
    }

    /// The series' band as a translucent area: along the upper bounds, back along the lower ones.
    /// A point without finite bounds splits the band in two.
    private func drawBand(_ index: Int, in frame: PlotFrame, context: OpaquePointer) {
        guard let band = series[index].band else { return }
        let x = series[index].x
        setSource(context, color(of: index), alpha: 0.2)
        var run: [(upper: (x: Double, y: Double), lower: (x: Double, y: Double))] = []
        func fill() {
            defer { run = [] }
            guard run.count > 1 else { return }
            cairo_move_to(context, run[0].upper.x, run[0].upper.y)
            for point in run.dropFirst() { cairo_line_to(context, point.upper.x, point.upper.y) }
            for point in run.reversed() { cairo_line_to(context, point.lower.x, point.lower.y) }
            cairo_close_path(context)
            cairo_fill(context)
        }
        for i in x.indices {
            guard let upper = frame.position(x: x[i], y: band.upper[i]),
                let lower = frame.position(x: x[i], y: band.lower[i])
            else {
                fill()
                continue
            }
            run.append((upper, lower))
        }
        fill()
    }

    /// Strokes the series' line and returns the points that get a dot.
    private func drawSeries(_ index: Int, in frame: PlotFrame, context: OpaquePointer) -> [(x: Double, y: Double)] {
        let entry = series[index]
        let positions = zip(entry.x, entry.y).map { frame.position(x: $0, y: $1) }
        setSource(context, color(of: index), alpha: min(max(entry.opacity, 0), 1))
        cairo_set_line_width(context, 1.75)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        let kept = LineDecimation.keptIndices(positions, left: frame.area.left, columns: Int(frame.area.width))
        var isolated: [(x: Double, y: Double)] = []
        if entry.style != .markers {
            var runStart: (x: Double, y: Double)?
            var runLength = 0
            for pointIndex in kept {
                guard let position = positions[pointIndex] else {
                    if runLength == 1, let start = runStart { isolated.append(start) }
                    runLength = 0
                    continue
                }
                if runLength == 0 {
                    cairo_move_to(context, position.x, position.y)
                    runStart = position
                } else {
                    cairo_line_to(context, position.x, position.y)
                }
                runLength += 1
            }
            if runLength == 1, let start = runStart { isolated.append(start) }
            cairo_stroke(context)
        }
        // A point with no neighbour draws no line, so it gets a dot to stay visible.
        return entry.style == .line ? isolated : kept.compactMap { positions[$0] }
    }
}
