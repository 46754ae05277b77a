import Report

extension RunOutputs {
    /// `plots/terms`: each term of every phase whose loss has several (a VAE's reconstruction cost
    /// and KL, a discriminator's two halves), per logged step, smoothed; nil when no phase has.
    func termCurves() throws -> (String, String)? {
        guard !history.termSteps.isEmpty else { return nil }
        var keys: [String] = []
        for record in history.termSteps {
            for key in record.terms.keys.sorted() where !keys.contains(key) { keys.append(key) }
        }
        // The legend shows each term as the spec writes it; the metrics keep the short keys.
        var texts: [String: String] = [:]
        for phase in session.trainer.phases {
            for (name, text) in zip(phase.plan.termNames, phase.plan.termTexts) {
                texts["\(phase.name).\(name)"] = text
            }
        }
        var plot = LinePlot(title: "\(spec.name): terms of the losses", xLabel: "step", yLabel: "term value")
        for (index, key) in keys.enumerated() {
            let points = history.termSteps.compactMap { record in record.terms[key].map { (Double(record.step), $0) } }
            let phase = key.prefix { $0 != "." }
            plot.add(
                .init(
                    name: texts[key].map { "\(phase): \($0)" } ?? key, x: points.map(\.0),
                    y: Smoothing.centredExponentialAverage(points.map(\.1)), color: PlotColor.palette(index)))
        }
        try write(plot, "plots/terms")
        return (
            "plots/terms.png",
            "Each term of the losses with several (phase: term), per logged step, smoothed as the phase losses are"
        )
    }
}
