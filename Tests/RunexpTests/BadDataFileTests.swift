import Data
import Foundation
import Testing

/// The catalogue of bad data files, through the binary as a user meets them: truncated files,
/// headers that lie about sizes, pickles that call `os.system`, `eval` or `subprocess.Popen`,
/// folders, pipes and paths that are not there. Each exits 2 naming the file and what is wrong,
/// never by a signal, never hangs, executes nothing and writes nothing.
struct BadDataFileTests {
    /// One bad input: the files it needs, the command, and what standard error must say.
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var setup: @Sendable (Scratch) throws -> Void
        var arguments: [String]
        /// Substrings of standard error; `{dir}` stands for the scratch folder.
        var messages: [String]
    }

    /// A spec that reads `source` at `check` time (no `data.shape`), for 28×28×`channels` images.
    static func spec(_ source: String, channels: Int = 1) -> String {
        """
        name: bad
        data: {source: \(source), train_limit: 10}
        networks:
          encoder: {layers: [flatten, dense: 8]}
          decoder: {layers: [dense: \(784 * channels), sigmoid, reshape: [28, 28, \(channels)]]}
        phases:
          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
        train: {epochs: 1, batch_size: 10}
        """
    }

    /// `check bad.yaml` on a spec reading `source`, after `files` are written.
    static func checkCase(
        _ name: String, _ source: String, _ message: String, files: @escaping @Sendable (Scratch) throws -> Void
    ) -> Case {
        Case(
            description: name,
            setup: { scratch in
                try scratch.write("bad.yaml", spec(source))
                try files(scratch)
            }, arguments: ["check", "bad.yaml"],
            messages: ["bad.yaml:2:16: error: cannot read the data: {dir}/", message, "1 error in bad.yaml"])
    }

    static let cases: [Case] =
        [
            checkCase(
                "npy truncated", "{npy: d.npy}",
                "d.npy: data truncated: shape [20, 784] of uint8 needs 15680 bytes, found 7772"
            ) {
                try $0.write("d.npy", Array(BadFiles.digitsNpy.prefix(7900)))
            },
            checkCase(
                "npy header claims a billion rows", "{npy: d.npy}",
                "d.npy: data truncated: shape [1000000000, 784] of uint8 needs 784000000000 bytes, found 15680"
            ) { try $0.write("d.npy", BadFiles.npy(shape: "(1000000000, 784)", payload: BadFiles.pixels)) },
            checkCase(
                "npy shape overflows", "{npy: d.npy}",
                "d.npy: shape [4294967296, 4294967296, 4294967296] has more elements than fit in memory"
            ) {
                try $0.write(
                    "d.npy", BadFiles.npy(shape: "(4294967296, 4294967296, 4294967296)", payload: BadFiles.pixels))
            },
            checkCase(
                "npy header length beyond the file", "{npy: d.npy}",
                "d.npy: truncated .npy header: header says 60000 bytes"
            ) {
                try $0.write("d.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0x60, 0xEA] + Array("{'descr'".utf8))
            },
            checkCase(
                "npz truncated", "{npz: d.npz}", "d.npz: not a zip archive: no end-of-central-directory record found"
            ) {
                try $0.write("d.npz", Array(try BadFiles.npz(compressed: false).dropLast(30)))
            },
            checkCase(
                "npz member declares an impossible size", "{npz: d.npz}",
                "d.npz[train_x.npy]: declared size 2147483632 bytes is impossible for"
            ) { try $0.write("d.npz", try BadFiles.npzDeclaringSize(0x7FFF_FFF0)) },
            checkCase(
                "IDX truncated", "{idx: digits}",
                "digits/train-images-idx3-ubyte: data truncated: shape [20, 28, 28] of uint8 needs 15680 bytes, found 184"
            ) { try BadFiles.writeIDXFolder($0, images: Array(BadFiles.idxImages().prefix(200))) },
            checkCase(
                "IDX header claims 60000 images", "{idx: digits}",
                "digits/train-images-idx3-ubyte: data truncated: shape [60000, 28, 28] of uint8 needs 47040000 bytes, found 15680"
            ) { try BadFiles.writeIDXFolder($0, images: BadFiles.idxImages(claimedCount: 60000)) },
            checkCase("data file is a folder", "{npy: adir}", "adir: is a folder, not a file") {
                try FileManager.default.createDirectory(atPath: $0.path("adir"), withIntermediateDirectories: true)
            },
            checkCase("data file is missing", "{npy: nowhere.npy}", "nowhere.npy: no such file or folder") { _ in },
            checkCase(
                "data path runs through a file", "{npy: afile/d.npy}",
                "afile/d.npy: a part of the path is a file, not a folder"
            ) { try $0.write("afile", "a file\n") },
            checkCase(
                "data file is a named pipe", "{npy: pipe.npy}", "pipe.npy: is a named pipe (FIFO), not a regular file"
            ) {
                #expect(mkfifo($0.path("pipe.npy"), 0o644) == 0)
            },
            checkCase(
                "labels file is missing", "{npy: d.npy, labels: nolabels.npy}", "nolabels.npy: no such file or folder"
            ) {
                try $0.write("d.npy", BadFiles.digitsNpy)
            },
            checkCase("IDX folder is a file", "{idx: afile}", "afile: is a file, not a folder") {
                try $0.write("afile", "a file\n")
            },
        ] + HostilePickles.cases + BadPNGs.cases + [
            Case(
                description: "spec is a named pipe",
                setup: { #expect(mkfifo($0.path("spec.yaml"), 0o644) == 0) }, arguments: ["check", "spec.yaml"],
                messages: ["spec.yaml: error: is not a regular file (a named pipe or a device); expected a YAML spec"]),
            Case(
                description: "a /proc file given to data inspect", setup: { _ in },
                arguments: ["data", "inspect", "/proc/self/pagemap"],
                messages: ["/proc/self/pagemap: is a file of the kernel's proc file system, not a data file"]),
            Case(
                description: "a /sys file given to data inspect", setup: { _ in },
                arguments: ["data", "inspect", "/sys/devices/system/cpu/online"],
                messages: [
                    "/sys/devices/system/cpu/online: is a file of the kernel's sysfs file system, not a data file"
                ]),
            Case(
                description: "data file is a /proc file",
                setup: { try $0.write("bad.yaml", spec("{npy: /proc/self/status}")) },
                arguments: ["check", "bad.yaml"],
                messages: [
                    "bad.yaml:2:16: error: cannot read the data: /proc/self/status: is a file of the kernel's proc file system"
                ]),
            Case(
                description: "an empty file given to data inspect", setup: { try $0.write("empty.npy", []) },
                arguments: ["data", "inspect", "empty.npy"],
                messages: [
                    "empty.npy: the file is empty (0 bytes); expected .npy, .npz, IDX (optionally gzipped) or PNG"
                ]),
            Case(
                description: "mnist-m output is a device node",
                setup: { scratch in
                    try BadFiles.writeIDXFolder(scratch, images: BadFiles.idxImages())
                    try scratch.write("photos/ok.png", BadPNGs.png())
                    // /dev/null's numbers (1, 3): writing to it is harmless even if it were opened.
                    #expect(mknod(scratch.path("node"), S_IFCHR | 0o644, 259) == 0)
                },
                arguments: ["data", "mnist-m", "--digits", "digits", "--backgrounds", "photos", "--out", "node"],
                messages: [
                    "node: is a device, not a regular file; runexp writes its output to a new or regular file only"
                ]),
            Case(
                description: "network too large for memory",
                setup: { scratch in
                    try scratch.write(
                        "big.yaml",
                        """
                        name: big
                        data: {source: mnist, shape: [784]}
                        networks:
                          encoder: {layers: [dense: 16777216, relu, dense: 16777216]}
                          decoder: {layers: [dense: 784, sigmoid]}
                        phases:
                          - {name: reconstruction, loss: "mse(decoder(encoder(x)), x)", update: [encoder, decoder]}
                        """)
                }, arguments: ["big.yaml", "--out", "out"],
                messages: [
                    "big.yaml:4:45: error: training needs at least 4 PiB (4 PiB for parameters, gradients and optimizer state; 24 GiB for layer outputs in a batch of 64)",
                    "more than this machine's",
                    "the largest part is network 'encoder', layer 2 (dense 16777216)",
                ]),
        ]

    @Test(arguments: cases)
    func badInputExitsTwoWithALocatedMessageAndWritesNothing(_ bad: Case) throws {
        let scratch = try Scratch()
        try bad.setup(scratch)
        let before = scratch.listing()
        let outcome = try RunexpBinary.run(bad.arguments, in: scratch.url, timeout: 120)
        #expect(!outcome.timedOut, "hung")
        #expect(!outcome.signaled, "ended by a signal: \(outcome.stderr.suffix(500))")
        #expect(outcome.status == 2)
        for message in bad.messages.map({ $0.replacingOccurrences(of: "{dir}", with: scratch.url.path) }) {
            #expect(outcome.stderr.contains(message), "expected '\(message)' in: \(outcome.stderr)")
        }
        #expect(!outcome.stderr.contains("Fatal error"))
        BrokenSpecCatalogueTests.expectOneErrorPerLine(outcome.stderr, bad.description)
        #expect(scratch.listing() == before, "the command wrote files")
    }

    /// Files of a few MiB that inflate to 2.3 GiB, read under a 1.9 GiB address-space limit: refused
    /// before the output is allocated (the allocator used to abort the process, SIGABRT).
    @Test(arguments: ["bomb.npz", "bomb.idx.gz"])
    func aDecompressionBombIsRefusedBeforeItIsInflated(_ name: String) throws {
        let scratch = try Scratch()
        try scratch.write(name, name.hasSuffix(".npz") ? Bombs.npz(mebibytes: 2400) : Bombs.gzippedIDX(mebibytes: 2400))
        let command = "ulimit -v 2000000; exec \"$0\" data inspect \(name)"
        let outcome = try RunexpBinary.run(
            ["-c", command, RunexpBinary.executable.path], in: scratch.url, timeout: 120,
            executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(!outcome.signaled && outcome.status == 2, "status \(outcome.status): \(outcome.stderr.suffix(300))")
        #expect(outcome.stderr.contains("of memory this process has left"), "\(outcome.stderr)")
    }
}
