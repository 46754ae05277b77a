import Foundation
import Kernels
import Testing

@testable import Graph
@testable import Spec

/// What each prior draws.
struct PriorSamplerTests {
    func draw(_ prior: PriorSpec, batch: Int, labels: [UInt8] = []) -> [Float] {
        var sampler = PriorSampler(prior: prior, seed: 5)
        sampler.labels = labels
        let buffer = FloatBuffer(count: batch * prior.dimension)
        sampler.sample(into: buffer.pointer, batch: batch)
        return buffer.values
    }

    @Test func aCategoricalPriorDrawsOneHotRowsOfEveryClass() {
        let values = draw(.categorical(classes: 4), batch: 4000)
        var counts = [0, 0, 0, 0]
        for row in 0..<4000 {
            let cells = values[(row * 4)..<((row + 1) * 4)]
            #expect(cells.filter { $0 == 1 }.count == 1 && cells.filter { $0 == 0 }.count == 3)
            counts[cells.firstIndex(of: 1)! - row * 4] += 1
        }
        #expect(counts.allSatisfy { abs($0 - 1000) < 120 }, "\(counts)")
    }

    @Test func aMixtureByLabelDrawsEachSampleFromItsLabelsMode() {
        let labels: [UInt8] = (0..<200).map { UInt8($0 % 10) }
        let values = draw(.mixture(modes: 10, radius: 4, std: 0.1, byLabel: true), batch: 200, labels: labels)
        for row in 0..<200 {
            let angle = 2 * Double.pi * Double(labels[row]) / 10
            let dx = Double(values[2 * row]) - 4 * cos(angle), dy = Double(values[2 * row + 1]) - 4 * sin(angle)
            // Six standard deviations from its own mode; the next mode is 2.5 away.
            #expect((dx * dx + dy * dy).squareRoot() < 0.6, "row \(row), label \(labels[row])")
        }
    }

    @Test func aMixtureWithoutLabelsDrawsItsModesAtRandom() {
        let values = draw(.mixture(modes: 10, radius: 4, std: 0.1, byLabel: false), batch: 500, labels: [])
        let modes = Set(
            (0..<500).map { row in
                Int((atan2(Double(values[2 * row + 1]), Double(values[2 * row])) / (2 * Double.pi) * 10).rounded() + 10)
                    % 10
            })
        #expect(modes.count == 10)
    }

    @Test func aPriorOfPartsDrawsEachPartInItsOwnColumnsOfEveryRow() {
        let prior = PriorSpec.parts([
            PriorPart(name: "digit", prior: .categorical(classes: 3), origin: .defaulted),
            PriorPart(name: "style", prior: .normal(dim: 2, mean: 10, std: 0.1), origin: .defaulted),
        ])
        #expect(prior.dimension == 5)
        let values = draw(prior, batch: 300)
        for row in 0..<300 {
            let digit = values[(row * 5)..<(row * 5 + 3)], style = values[(row * 5 + 3)..<(row * 5 + 5)]
            #expect(digit.filter { $0 == 1 }.count == 1 && digit.filter { $0 == 0 }.count == 2, "row \(row)")
            // Far from 0 and 1: the normal part lands only in its own columns.
            #expect(style.allSatisfy { abs($0 - 10) < 1 }, "row \(row): \(Array(style))")
        }
    }

    @Test func aPriorOfPartsDrawsTheSameRowsWhateverTheBatchSize() {
        let prior = PriorSpec.parts([
            PriorPart(name: "a", prior: .normal(dim: 3, mean: 0, std: 1), origin: .defaulted),
            PriorPart(name: "b", prior: .uniform(dim: 1, low: 0, high: 1), origin: .defaulted),
        ])
        let whole = draw(prior, batch: 10)
        var sampler = PriorSampler(prior: prior, seed: 5)
        let buffer = FloatBuffer(count: 10 * 4)
        sampler.sample(into: buffer.pointer, batch: 4)
        sampler.sample(into: buffer.pointer + 16, batch: 6)
        #expect(buffer.values == whole)
    }
}
