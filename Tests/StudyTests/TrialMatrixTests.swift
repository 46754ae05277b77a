import Foundation
import Testing

@testable import Runner
@testable import Study

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
