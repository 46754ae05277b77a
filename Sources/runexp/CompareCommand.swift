import ArgumentParser
import Foundation
import Runner
import Study

/// `runexp compare DIR…`: a study's summary from any result folders.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Summarize result folders as a study: grouped by the spec values that differ, the seed aside.",
        discussion: """
            Each group's final metrics as mean ± std [95% interval], and Welch's t-test of the best group \
            against each other. Only runs of one spec and data source are compared (the others are listed \
            apart, with the reason); groups are named by the few spec values that tell them apart. A study \
            folder stands for its trials. Example:
              runexp compare results/cnn_ae/seed-0 results/cnn_ae/seed-1 results/cnn_ae/seed-0-2 --out cmp
            """)

    @Argument(help: "Result folders (or study folders).")
    var folders: [String]

    @Option(help: "Also write summary.csv and summary.json into this folder.")
    var out: String?

    @OptionGroup var tableWidth: TableWidthOption

    func run() throws {
        let comparison: Comparison
        do {
            comparison = try Comparison.make(folders)
            if let out { try comparison.writeSummary(to: out) }
        } catch {
            throw Exit.failing(error)
        }
        for note in comparison.notes { FileHandle.standardErrorText("note: \(note)") }
        FileHandle.standardOutputText(comparison.text(width: tableWidth.columns), terminator: "")
    }
}
