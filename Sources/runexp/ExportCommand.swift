import ArgumentParser
import Foundation
import Runner
import Tools

/// `runexp export DIR --pytorch`: a trained run's networks for another framework.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained run's networks as a Python module of PyTorch layers with its weights.",
        discussion: """
            runexp export results/cnn_ae/seed-0 --pytorch                 # writes cnn_ae.py here
            runexp export results/cnn_ae/seed-0 --pytorch --out model.py
            python -c 'import cnn_ae; model = cnn_ae.load(); print(model)'
            The module builds each network as an nn.Sequential of PyTorch's layers, numbered as the \
            spec numbers them (the run folder's own resolved.yaml), and loads the run's checkpoint/parameters.safetensors (PyTorch's names \
            and layouts) with load_state_dict(strict=True); it needs torch and numpy. Images are NCHW \
            there: flatten and reshape keep runexp's pixel-by-pixel order (ChannelsLastReshape).
            """)

    @Argument(help: "The run folder whose checkpoint holds the weights.")
    var folder: String

    @Flag(help: "Export for PyTorch (the one format so far).")
    var pytorch = false

    @Option(
        help:
            "The Python file to write (default: the spec's name, .py, in this folder; <name>_model.py where that would hide a Python module it imports, such as torch or json)."
    )
    var out: String?

    @Flag(help: "Replace the file when it exists.")
    var force = false

    func validate() throws {
        guard pytorch else { throw ValidationError("say which format to export: --pytorch") }
    }

    func run() throws {
        // Paths typed here are relative to this folder, even after the run's own options move to
        // the folder it was started in.
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let absolute = { (path: String) in URL(fileURLWithPath: path, relativeTo: here).path }
        let folder = absolute(self.folder)
        do {
            let written = try TorchExport.write(
                try Train.optionsOfRun(in: folder), folder: folder, to: out.map(absolute), defaultFolder: here,
                replace: force)
            FileHandle.standardErrorText("wrote \(written.path): \(written.summary)")
            if let note = written.note { FileHandle.standardErrorText("note: \(note)") }
        } catch {
            throw Exit.failing(error)
        }
    }
}
