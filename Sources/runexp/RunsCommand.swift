import ArgumentParser
import Data
import Foundation
import Tools

/// `runexp runs [DIR…]`: one row per run and per study below the folders.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs and studies below folders: settings, final metrics, status, time.",
        discussion: """
            One row per run and per study (a study's metrics are its best setting's means), with the --set \
            values that made the run differ from its spec. Examples:
              runexp runs
              runexp runs results/cnn_ae --sort test_mse --where 'status=complete' --where 'test_mse<0.02'
              runexp runs --metrics test_mse,validation_mse --json
              runexp runs --html runs.html
            """)

    @Argument(help: "Folders to search (default: results).")
    var folders: [String] = []

    @Option(
        help: "The metrics to show, comma-separated (default: the spec's early-stop metric, or test_mse/test_loss).")
    var metrics: String?

    @Option(help: "Sort by this column or metric (a metric better first: lowest first for a loss).")
    var sort: String?

    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "Keep the rows that pass, e.g. 'test_mse<0.02' or 'status=complete' (repeatable).", valueName: "filter"))
    var filters: [String] = []

    @Flag(help: "Print the rows as JSON (every override and metric).")
    var json = false

    @Flag(help: "Print the rows as CSV.")
    var csv = false

    @Option(help: "Also write one page with the table, sortable and filterable, each row linking its report.")
    var html: String?

    @OptionGroup var tableWidth: TableWidthOption

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv each print the rows; give one") }
    }

    func run() throws {
        let result: RunsResult
        do {
            let query = RunsQuery(
                metrics: metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                sort: sort, filters: filters)
            result = try query.apply(try RunsTable.rows(folders.isEmpty ? ["results"] : folders))
            if let html {
                let folder = URL(fileURLWithPath: html).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try AtomicFile.write(text: RunsPage.html(result, file: html), to: html)
            }
        } catch {
            throw Exit.failing(error)
        }
        if json {
            FileHandle.standardOutputText(result.json.pretty, terminator: "")
        } else if csv {
            FileHandle.standardOutputText(result.csv, terminator: "")
        } else {
            FileHandle.standardOutputText(result.text(width: tableWidth.columns), terminator: "")
        }
    }
}
