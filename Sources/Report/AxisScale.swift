import Foundation

/// One axis of a plot: the range of data values it shows, whether it is logarithmic, and where
/// its ticks go.
///
/// Ranges are widened to whole tick steps (1, 2 or 5 times a power of ten) so the axis starts and
/// ends on a labelled tick; a constant or empty set of values gets a small range around it rather
/// than a zero-width one, so mapping never divides by zero.
struct AxisScale: Equatable {
    let lower: Double
    let upper: Double
    let logarithmic: Bool
    let ticks: [Double]
    /// The distance between linear ticks, which decides how many decimals their labels need.
    let step: Double

    /// An axis that ends where `values` end (a step or epoch axis: the last drawn point is the
    /// last step, not the next round number), give or take 2% so a marker at either end shows
    /// whole, with ticks at whole steps inside it; whole numbers only when every value is one (no
    /// epoch 1.5).
    static func tight(covering values: [Double], targetTicks: Int = 10) -> AxisScale {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else {
            return linear(covering: values, targetTicks: targetTicks)
        }
        var step = niceStep((high - low) / Double(max(1, targetTicks - 1)))
        if finite.allSatisfy({ $0 == $0.rounded() }) { step = max(step, 1) }
        let ticks = stride(from: (low / step).rounded(.up), through: (high / step).rounded(.down), by: 1).map {
            $0 * step
        }
        let pad = (high - low) * 0.02
        return AxisScale(lower: low - pad, upper: high + pad, logarithmic: false, ticks: ticks, step: step)
    }

    /// An axis of the fixed range `range` (an accuracy's 0…1), ticks at whole steps.
    static func fixed(_ range: ClosedRange<Double>, targetTicks: Int = 6) -> AxisScale {
        let scale = linear(covering: [range.lowerBound, range.upperBound], targetTicks: targetTicks)
        return AxisScale(
            lower: range.lowerBound, upper: range.upperBound, logarithmic: false,
            ticks: scale.ticks.filter(range.contains), step: scale.step)
    }

    /// A linear axis covering the finite values in `values`, with about `targetTicks` ticks.
    static func linear(covering values: [Double], targetTicks: Int = 6) -> AxisScale {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else {
            return AxisScale(lower: 0, upper: 1, logarithmic: false, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2)
        }
        if high - low <= abs(high) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let step = niceStep((high - low) / Double(max(1, targetTicks - 1)))
        guard step.isFinite, step > 0, ((high - low) / step).isFinite else {
            return AxisScale(lower: low, upper: high, logarithmic: false, ticks: [low, high], step: high - low)
        }
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        let ticks = stride(from: first, through: last, by: 1).map { index in
            let value = index * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
        return AxisScale(lower: first * step, upper: last * step, logarithmic: false, ticks: ticks, step: step)
    }

    /// A base-10 logarithmic axis covering the positive finite values (others cannot be shown).
    static func logarithmic(covering values: [Double]) -> AxisScale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        guard let low = positive.min(), let high = positive.max() else {
            return AxisScale(lower: 1, upper: 10, logarithmic: true, ticks: [1, 10], step: 1)
        }
        let firstDecade = Int(log10(low).rounded(.down))
        var lastDecade = Int(log10(high).rounded(.up))
        if lastDecade == firstDecade { lastDecade += 1 }
        let decades = lastDecade - firstDecade
        // Few decades: 1-2-5 within each; many: every k-th power of ten, about six labels in all.
        let multiples: [Double] = decades <= 2 ? [1, 2, 5] : [1]
        let decadeStep = max(1, (decades + 5) / 6)
        var ticks: [Double] = []
        for decade in stride(from: firstDecade, through: lastDecade, by: decadeStep) {
            for multiple in multiples {
                let value = multiple * pow(10, Double(decade))
                if decade == lastDecade && multiple > 1 { continue }
                ticks.append(value)
            }
        }
        return AxisScale(
            lower: pow(10, Double(firstDecade)), upper: pow(10, Double(lastDecade)), logarithmic: true,
            ticks: ticks, step: 1)
    }

    /// Where `value` falls between the lower (0) and upper (1) ends; nil when it cannot be shown.
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        if logarithmic {
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }

    /// The text of the tick at `value`, with as many decimals as the step needs and no more.
    func label(_ value: Double) -> String {
        let magnitude = max(abs(lower), abs(upper))
        if logarithmic {
            if value >= 1e-4 && value < 1e5 {
                return String(format: "%.*f", max(0, -Int(log10(value).rounded(.down))), value)
            }
            return exponentLabel(value)
        }
        if value == 0 { return "0" }
        if magnitude >= 1e6 || step < 1e-4 { return exponentLabel(value) }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        return String(format: "%.*f", decimals, value)
    }

    private func exponentLabel(_ value: Double) -> String {
        let exponent = Int(log10(abs(value)).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        let mantissaText = String(format: "%.2g", mantissa)
        return mantissaText == "1" ? "1e\(exponent)" : "\(mantissaText)e\(exponent)"
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw`.
    private static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let power = pow(10, log10(raw).rounded(.down))
        let normalized = raw / power
        let factor: Double = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10
        return factor * power
    }
}
