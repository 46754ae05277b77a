import ArgumentParser
import Foundation
import Runner

/// `runexp resume DIR`: continues a run with the spec and options that started it.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted run with the spec and options that started it (from its run.json).",
        discussion: "The same as repeating the run's own command with --resume DIR, from the folder it was started in.")

    @Argument(help: "The run folder to continue.")
    var folder: String

    func run() throws {
        let record: RunRecord
        do {
            record = try RunRecord.read(folder)
        } catch {
            throw Exit.failing(error)
        }
        // The run's own arguments, without the executable and an explicit `run`, and without the
        // options that chose or replaced its folder: this folder is the one to continue.
        var arguments = Array(record.command.dropFirst())
        if arguments.first == "run" { arguments.removeFirst() }
        let train: Train
        do {
            train = try Train.parse(arguments)
        } catch {
            throw Exit.failing(RunError("\(folder)/run.json: its command cannot be read again: \(arguments)"))
        }
        // run.json keeps the command that started the run, so the next resume repeats it too.
        var run = train.runOptions(commandLine: record.command)
        run.resume = URL(fileURLWithPath: folder).standardized.path
        run.out = nil
        run.force = false
        // Paths on the original command line were typed in the folder it was started in.
        if let started = record.folder, !FileManager.default.changeCurrentDirectoryPath(started) {
            throw Exit.failing(RunError("the run was started in \(started), which is gone; resume it with its spec"))
        }
        try Train.execute(run)
    }
}
