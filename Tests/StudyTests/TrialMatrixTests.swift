import Foundation
import Testing

@testable import Runner
@testable import Study
import Spec

/// The trial matrix and the summary a study builds from its trials.
struct TrialMatrixTests {
    func spec() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("s.yaml").path
        try """
        name: s
        data: {source: mnist, shape: [784]}
        networks:
          encoder: {layers: [dense: 8]}
          decoder: {layers: [dense: 784, sigmoid]}
        phases:
          - {name: r, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyCombinationOfTheGridRunsUnderEverySeedSettingsOutermost() throws {
        let request = StudyRequest(
            specPath: try spec(), seeds: [0, 1],
            grid: [("train.batch_size", ["32", "64"]), ("train.epochs", ["1", "2", "3"])])
        let matrix = try TrialMatrix.make(request)
        #expect(matrix.settings.count == 6)
        #expect(matrix.trials.count == 12)
        #expect(matrix.settings[1].label == "train.batch_size=32 train.epochs=2")
        #expect(matrix.trials[3].setting.label == "train.batch_size=32 train.epochs=2" && matrix.trials[3].seed == 1)
        #expect(matrix.trials[11].folderName == "trial-011")
        #expect(matrix.name == "s")
    }

    @Test func aSettingThatMakesAnInvalidSpecIsNamedInTheError() throws {
        let request = StudyRequest(specPath: try spec(), seeds: [0], grid: [("train.batch_size", ["32", "0"])])
        #expect {
            try TrialMatrix.make(request)
        } throws: { error in
            let text = "\(error)"
            return text.contains("the trials of train.batch_size=0:") && !text.contains("batch_size=32")
        }
    }

    @Test func higherIsBetterForAccuracyAndLikelihoodLowerForErrorsAndNeitherForTheAdversary() {
        #expect(StudySummary.higherIsBetter("test_accuracy") == true)
        #expect(StudySummary.higherIsBetter("parzen_log_likelihood") == true)
        #expect(StudySummary.higherIsBetter("test_mse") == false)
        #expect(StudySummary.higherIsBetter("discriminator_accuracy") == nil)
    }
}

/// One command at a time works in a study folder.
struct StudyFolderTests {
    @Test func aSecondCommandOnAStudyFolderInUseIsRefused() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("runexp-study-\(UUID().uuidString)")
            .path
        let first = try StudyFolder.create(name: "s", out: out)
        try first.write("study.json", "{}\n")
        #expect {
            try StudyFolder.existing(out)
        } throws: { error in
            "\(error)".contains("is busy: another runexp sweep holds its lock")
        }
        withExtendedLifetime(first) {}
    }
}

/// A random search's settings: drawn from the study's first seed alone.
struct RandomSearchTests {
    func request(seed: UInt64, trials: Int = 5) throws -> StudyRequest {
        var request = StudyRequest(specPath: try TrialMatrixTests().spec(), seeds: [seed], grid: [])
        request.space = [
            ("phases.r.optimizer.adam.lr", .logUniform(1e-4, 1e-2)), ("train.batch_size", .choice(["32", "64"])),
        ]
        request.searchTrials = trials
        return request
    }

    @Test func theSameStudyDrawsTheSameSettingsAndAnotherSeedOthers() throws {
        let first = try TrialMatrix.layout(request(seed: 3)).settings
        #expect(first.count == 5)
        #expect(try TrialMatrix.layout(request(seed: 3)).settings == first)
        #expect(try TrialMatrix.layout(request(seed: 4)).settings != first)
        #expect(first.allSatisfy { $0.values.map(\.key) == ["phases.r.optimizer.adam.lr", "train.batch_size"] })
    }

    @Test func drawingMoreSettingsKeepsTheFirstOnes() throws {
        let five = try TrialMatrix.layout(request(seed: 3)).settings
        let eight = try TrialMatrix.layout(request(seed: 3, trials: 8)).settings
        #expect(Array(eight.prefix(5)) == five)
    }

    @Test func aSpaceTooSmallForTheTrialsGivesEachSettingOnce() throws {
        var small = try request(seed: 1, trials: 10)
        small.space = [("train.batch_size", .choice(["32", "64"]))]
        #expect(
            try TrialMatrix.layout(small).settings.map(\.label) == ["train.batch_size=64", "train.batch_size=32"]
                || TrialMatrix.layout(small).settings.map(\.label) == ["train.batch_size=32", "train.batch_size=64"])
    }

    @Test func aProposedSettingPlansTheEpochsOfTheSettingItReplacesUnlessItDrawsThem() throws {
        var matrix = try TrialMatrix.make(request(seed: 3, trials: 2))
        let planned = try #require(matrix.epochs[matrix.settings[0]])
        let lr = Setting.Assignment(key: "phases.r.optimizer.adam.lr", value: "0.002")
        matrix.assign(Setting(values: [lr]), to: 0)
        #expect(matrix.trials[0].setting == Setting(values: [lr]))
        #expect(matrix.epochs[matrix.settings[0]] == planned)
        let epochs = Setting.Assignment(key: "train.epochs", value: "7")
        matrix.assign(Setting(values: [lr, epochs]), to: 1)
        #expect(matrix.epochs[matrix.trials[1].setting] == 7)
    }

    @Test func studyJSONKeepsTheSearchAndThePruningRuleForResume() throws {
        var original = try request(seed: 2)
        original.prune = PruneSpec(metric: "validation_mse", minEpochs: 1, reduction: 3)
        let record = StudyRecord(matrix: try TrialMatrix.layout(original), engine: "local")
        let saved = try StudyRecord.read(Data(record.json.pretty.utf8), folder: "study")
        #expect(saved.request.searchTrials == 5)
        #expect(saved.request.space.map(\.distribution) == original.space.map(\.distribution))
        #expect(saved.request.prune == original.prune)
        #expect(try TrialMatrix.layout(saved.request).settings == TrialMatrix.layout(original).settings)
    }
}
