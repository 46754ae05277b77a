import Data
import CCairo

/// The words around a plot.
struct PlotCaptions {
    let title: String
    let xLabel: String
    let yLabel: String
}

/// The rectangle data is drawn in, in device units.
struct PlotArea {
    let left: Double
    let top: Double
    let width: Double
    let height: Double
    var right: Double { left + width }
    var bottom: Double { top + height }
}

/// The parts of a plot shared by line and scatter plots: layout, grid, axes with ticks and labels,
/// title and a legend to the right of the data (outside it, so it never hides a curve).
struct PlotFrame {
    static let titleSize = 16.0
    static let labelSize = 13.0
    static let tickSize = 11.5
    static let legendSize = 12.0
    static let tickLength = 5.0
    static let legendSwatch = 26.0

    let captions: PlotCaptions
    let xScale: AxisScale
    let yScale: AxisScale
    let legend: LegendLayout
    let area: PlotArea

    /// Lays out a `width`×`height` figure, measuring text with `context`'s font. The legend stands
    /// to the right of the data while the data keeps half the width, else below it (`LegendLayout`).
    init(
        context: OpaquePointer, width: Double, height: Double, captions: PlotCaptions,
        xScale: AxisScale, yScale: AxisScale, legend entries: [LegendEntry]
    ) throws {
        self.captions = captions
        self.xScale = xScale
        self.yScale = yScale
        cairo_set_font_size(context, PlotFrame.tickSize)
        let tickLabels = yScale.ticks.map { textWidth(context, yScale.label($0)) }.max() ?? 0
        let top = captions.title.isEmpty ? 14.0 : 40.0
        let left = 10 + (captions.yLabel.isEmpty ? 0 : 22) + tickLabels + PlotFrame.tickLength + 6
        var bottom = PlotFrame.tickLength + 6 + PlotFrame.tickSize + (captions.xLabel.isEmpty ? 10 : 34)
        cairo_set_font_size(context, PlotFrame.legendSize)
        var right = 24.0
        if entries.isEmpty {
            legend = .empty
        } else if let beside = LegendLayout.right(
            entries, context: context, available: width - left - right, minimum: width / 2)
        {
            legend = beside
            right += beside.width
        } else {
            legend = LegendLayout.below(
                entries, context: context, width: width, maximumHeight: (height - top - bottom) / 2)
            bottom += legend.height + 8
        }
        area = PlotArea(
            left: left.rounded(), top: top, width: (width - left - right).rounded(), height: height - top - bottom)
        guard area.width >= 40, area.height >= 40 else {
            throw SourceError(captions.title, "figure \(Int(width))×\(Int(height)) leaves no room for the data")
        }
        figureHeight = height
    }

    /// The figure's height, which a legend below the data is placed against.
    let figureHeight: Double

    /// The device position of data point (`x`, `y`), or nil when either cannot be shown (NaN,
    /// or not positive on a logarithmic axis).
    func position(x: Double, y: Double) -> (x: Double, y: Double)? {
        guard let across = xScale.fraction(x), let up = yScale.fraction(y) else { return nil }
        return (area.left + across * area.width, area.bottom - up * area.height)
    }

    /// Restricts drawing to the data rectangle, so out-of-range points never spill into labels.
    func clip(_ context: OpaquePointer) {
        cairo_rectangle(context, area.left, area.top, area.width, area.height)
        cairo_clip(context)
    }

    /// White background and light grid lines at every tick.
    func drawBackground(_ context: OpaquePointer) {
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_set_source_rgb(context, 0.9, 0.9, 0.9)
        cairo_set_line_width(context, 1)
        for tick in xScale.ticks {
            guard let fraction = xScale.fraction(tick) else { continue }
            let x = crisp(area.left + fraction * area.width)
            cairo_move_to(context, x, area.top)
            cairo_line_to(context, x, area.bottom)
        }
        for tick in yScale.ticks {
            guard let fraction = yScale.fraction(tick) else { continue }
            let y = crisp(area.bottom - fraction * area.height)
            cairo_move_to(context, area.left, y)
            cairo_line_to(context, area.right, y)
        }
        cairo_stroke(context)
    }

    /// The frame, ticks, tick labels, title and axis labels, drawn over the data.
    func drawAxes(_ context: OpaquePointer) {
        cairo_set_source_rgb(context, 0, 0, 0)
        cairo_set_line_width(context, 1)
        cairo_rectangle(context, crisp(area.left), crisp(area.top), area.width.rounded(), area.height.rounded())
        cairo_stroke(context)
        drawXTicks(context)
        drawYTicks(context)
        cairo_set_font_size(context, PlotFrame.titleSize)
        drawText(
            context, captions.title, x: area.left + area.width / 2, y: 14, horizontal: .center, vertical: .top)
        cairo_set_font_size(context, PlotFrame.labelSize)
        let tickBottom = area.bottom + PlotFrame.tickLength + 6 + PlotFrame.tickSize
        drawText(
            context, captions.xLabel, x: area.left + area.width / 2, y: tickBottom + 10, horizontal: .center,
            vertical: .top)
        cairo_save(context)
        cairo_translate(context, 10, area.top + area.height / 2)
        cairo_rotate(context, -Double.pi / 2)
        drawText(context, captions.yLabel, x: 0, y: 0, horizontal: .center, vertical: .top)
        cairo_restore(context)
    }

    private func drawXTicks(_ context: OpaquePointer) {
        cairo_set_font_size(context, PlotFrame.tickSize)
        for tick in xScale.ticks {
            guard let fraction = xScale.fraction(tick) else { continue }
            let x = crisp(area.left + fraction * area.width)
            cairo_move_to(context, x, area.bottom)
            cairo_line_to(context, x, area.bottom + PlotFrame.tickLength)
            cairo_stroke(context)
            drawText(
                context, xScale.label(tick), x: x, y: area.bottom + PlotFrame.tickLength + 4, horizontal: .center,
                vertical: .top)
        }
    }

    private func drawYTicks(_ context: OpaquePointer) {
        cairo_set_font_size(context, PlotFrame.tickSize)
        for tick in yScale.ticks {
            guard let fraction = yScale.fraction(tick) else { continue }
            let y = crisp(area.bottom - fraction * area.height)
            cairo_move_to(context, area.left - PlotFrame.tickLength, y)
            cairo_line_to(context, area.left, y)
            cairo_stroke(context)
            drawText(
                context, yScale.label(tick), x: area.left - PlotFrame.tickLength - 4, y: y, horizontal: .trailing,
                vertical: .middle)
        }
    }

    /// The legend box: to the right of the data, one entry per line, or below it in columns.
    func drawLegend(_ context: OpaquePointer) {
        guard !legend.entries.isEmpty else { return }
        let left = legend.placement == .right ? area.right + 14 : area.left
        let top = legend.placement == .right ? area.top : figureHeight - legend.height - 8
        cairo_rectangle(context, crisp(left), crisp(top), legend.width, legend.height.rounded())
        cairo_set_source_rgb(context, 0.8, 0.8, 0.8)
        cairo_set_line_width(context, 1)
        cairo_stroke(context)
        cairo_set_font_size(context, PlotFrame.legendSize)
        for ((entry, lines), corner) in zip(legend.entries, legend.positions(left: left, top: top)) {
            let middle = corner.y + LegendLayout.lineHeight / 2
            let swatchLeft = corner.x + 8
            setSource(context, entry.color, alpha: entry.opacity)
            if entry.showsLine {
                cairo_set_line_width(context, 2)
                cairo_move_to(context, swatchLeft, middle)
                cairo_line_to(context, swatchLeft + PlotFrame.legendSwatch, middle)
                cairo_stroke(context)
            }
            if entry.showsMarker {
                cairo_arc(context, swatchLeft + PlotFrame.legendSwatch / 2, middle, 3.5, 0, 2 * Double.pi)
                cairo_fill(context)
            }
            cairo_set_source_rgb(context, 0, 0, 0)
            for (number, line) in lines.enumerated() {
                drawText(
                    context, line, x: swatchLeft + PlotFrame.legendSwatch + 6,
                    y: middle + Double(number) * LegendLayout.wrappedLineHeight, horizontal: .leading,
                    vertical: .middle)
            }
        }
    }
}

/// Moves a coordinate to a pixel centre, so one-unit lines cover one pixel instead of blurring over two.
func crisp(_ coordinate: Double) -> Double {
    coordinate.rounded(.down) + 0.5
}

/// Makes `color` the context's paint, at `alpha` opacity.
func setSource(_ context: OpaquePointer, _ color: PlotColor, alpha: Double = 1) {
    cairo_set_source_rgba(context, color.red, color.green, color.blue, alpha)
}
