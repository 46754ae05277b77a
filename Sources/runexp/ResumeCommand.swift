import ArgumentParser
import Foundation
import Runner
import RunFolder

/// `runexp resume DIR`: continues a run with the spec and options that started it.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted run with the spec and options that started it (from its run.json).",
        discussion: "The same as repeating the run's own command with --resume DIR, from the folder it was started in.")

    @Argument(help: "The run folder to continue.")
    var folder: String

    func run() throws {
        // Before the current folder changes to the run's starting folder.
        let folder = URL(fileURLWithPath: self.folder).standardized.path
        var run: RunOptions
        do {
            run = try Train.optionsOfRun(in: folder)
        } catch {
            throw Exit.failing(error)
        }
        run.resume = folder
        run.out = nil
        run.force = false
        try Train.execute(run)
    }
}

extension Train {
    /// The options that started the run in `folder`, read back from its run.json (which keeps the
    /// command, so a later resume repeats it too), with the current folder changed to the one it
    /// was started in: paths on that command line were typed there.
    static func optionsOfRun(in folder: String) throws -> RunOptions {
        let record = try RunRecord.read(folder)
        // The run's own arguments, without the executable and an explicit `run`.
        var arguments = Array(record.command.dropFirst())
        if arguments.first == "run" { arguments.removeFirst() }
        guard let train = try? Train.parse(arguments) else {
            throw RunError("\(folder)/run.json: its command cannot be read again: \(arguments)")
        }
        if let started = record.folder, !FileManager.default.changeCurrentDirectoryPath(started) {
            throw RunError("the run was started in \(started), which is gone; give its spec instead")
        }
        return train.runOptions(commandLine: record.command)
    }
}
