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
}
