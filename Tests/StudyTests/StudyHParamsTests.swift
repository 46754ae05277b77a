import Foundation
import Spec
import Testing

import Data
@testable import Study

/// What a study tells TensorBoard's HParams tab: each key's domain and each trial's values.
struct StudyHParamsTests {
    @Test func aGridKeyIsDiscreteNumbersWhenEveryValueIsOneAndTextsOtherwise() {
        let request = StudyRequest(
            specPath: "s.yaml", seeds: [0], grid: [("train.batch_size", ["64", "1e2"]), ("act", ["relu", "1"])])
        #expect(
            StudyHParams.keys(request) == [
                .init(name: "train.batch_size", domain: .discrete([.number(64), .number(100)])),
                .init(name: "act", domain: .discrete([.text("relu"), .text("1")])),
            ])
        let setting = Setting(values: [.init(key: "train.batch_size", value: "64"), .init(key: "act", value: "1")])
        let values = StudyHParams.values(setting, keys: StudyHParams.keys(request))
        #expect(values.map(\.key) == ["train.batch_size", "act"])
        #expect(values.map(\.value) == [.number(64), .text("1")])
    }

    @Test func aRandomSearchGivesIntervalsForItsRangesAndTheValuesOfItsChoices() {
        var request = StudyRequest(specPath: "s.yaml", seeds: [0], grid: [])
        request.searchTrials = 3
        request.space = [
            ("lr", .logUniform(1e-4, 1e-2)), ("width", .integer(8, 32)), ("drop", .uniform(0, 0.5)),
            ("filters", .choice(["16", "32"])),
        ]
        #expect(
            StudyHParams.keys(request) == [
                .init(name: "lr", domain: .interval(1e-4, 1e-2)), .init(name: "width", domain: .interval(8, 32)),
                .init(name: "drop", domain: .interval(0, 0.5)),
                .init(name: "filters", domain: .discrete([.number(16), .number(32)])),
            ])
        let setting = RandomSearch.settings(request.space, count: 1, seed: 0)[0]
        let values = StudyHParams.values(setting, keys: StudyHParams.keys(request))
        #expect(values.map(\.key) == ["lr", "width", "drop", "filters"])
        for (assignment, value) in zip(setting.values, values) {
            #expect(value.value == .number(Double(assignment.value)!))
        }
    }

    @Test func onlyEndedTrialsEndTheirSessionAndAPrunedOneIsNeitherSuccessNorFailure() {
        #expect(StudyHParams.endStatus(.complete) == .success)
        #expect(StudyHParams.endStatus(.failed) == .failure)
        #expect(StudyHParams.endStatus(.pruned) == .unknown)
        #expect(StudyHParams.endStatus(.interrupted) == nil)
        #expect(StudyHParams.number("0x10") == nil && StudyHParams.number("inf") == nil)
        #expect(StudyHParams.number("3e-4") == 3e-4)
    }
}
