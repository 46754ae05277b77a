import Data
import Foundation
import Testing

/// Checkpoints in PyTorch's names and layouts, and `runexp export --pytorch`, as a PyTorch user
/// meets them: the weights file loads strictly into PyTorch's layers and computes what runexp does.
struct ExportCommandTests {
    /// A small CNN autoencoder on the 60 sample digits with every layer kind that has a PyTorch
    /// counterpart to state: convolutions PyTorch pads itself and ones it cannot (`same`, 28 → 14
    /// and 14 → 14 with a 2×2 kernel), transposed ones it crops itself and one it cannot, batch
    /// norm over channels and over features, flatten and reshape, dropout.
    static let spec = """
        name: tinycnn
        seed: 1
        data: {source: {npy: \(ApplyCommandTests.sample)}, shape: [28, 28, 1], validation: 0}
        networks:
          encoder:
            layers:
              - conv2d: {filters: 4, kernel: 3, stride: 2, padding: same}
              - batch_norm
              - leaky_relu: 0.2
              - conv2d: {filters: 4, kernel: 2, stride: 1, padding: same}
              - relu
              - flatten
              - dropout: 0.1
              - dense: 8
          decoder:
            layers:
              - dense: 196
              - batch_norm
              - relu
              - reshape: [7, 7, 4]
              - conv2d_transpose: {filters: 3, kernel: 3, stride: 2, padding: same}
              - tanh
              - conv2d_transpose: {filters: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}
              - sigmoid
        phases:
          - name: r
            loss: mse(decoder(encoder(x)), x)
            update: [encoder, decoder]
            optimizer: {adam: {lr: 0.01}}
        train: {epochs: 2, batch_size: 8}
        """

    func finishedRun() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.write("tinycnn.yaml", Self.spec)
        let outcome = try RunexpBinary.run(["tinycnn.yaml", "--out", "run"], in: scratch.url)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return scratch
    }

    @Test func theCheckpointHoldsEveryTensorByItsPyTorchNameInPyTorchsLayout() throws {
        let scratch = try finishedRun()
        let contents = try SafeTensors.read(path: scratch.path("run/checkpoint/parameters.safetensors"))
        let shapes = Dictionary(uniqueKeysWithValues: contents.tensors.map { ($0.name, $0.array.shape) })
        #expect(shapes["encoder.layers.0.weight"] == [4, 1, 3, 3])  // Conv2d: out, in, kh, kw
        #expect(shapes["encoder.layers.1.weight"] == [4] && shapes["encoder.layers.1.running_var"] == [4])
        #expect(shapes["encoder.layers.1.gamma"] == nil)
        #expect(shapes["encoder.layers.7.weight"] == [8, 784])  // Linear: out, in
        #expect(shapes["decoder.layers.4.weight"] == [4, 3, 3, 3])  // ConvTranspose2d: in, out, kh, kw
        let counter = contents.tensors.first { $0.name == "decoder.layers.1.num_batches_tracked" }?.array
        #expect(counter?.dtype == .int64 && counter?.shape == [])
        #expect(contents.metadata["layout"] == "pytorch")
    }

    /// Runs `script` with `python`, giving it the scratch folder; nil when `python` lacks `module`.
    func python(_ python: String, needing module: String, _ script: String, in scratch: Scratch) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import \(module)\n" + script]
        process.currentDirectoryURL = scratch.url
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0, complaint.contains("No module named '\(module)'") { return nil }
        #expect(process.terminationStatus == 0, "\(complaint)")
        return printed
    }

    /// Applies the finished run `run` in `scratch` to the sample (codes.npy, images.npy) and
    /// exports it to PyTorch; returns the export's outcome.
    func applyAndExport(_ scratch: Scratch) throws -> RunexpBinary.Outcome {
        for arguments in [
            ["encode", ApplyCommandTests.sample, "--out", "codes.npy"],
            ["reconstruct", ApplyCommandTests.sample, "--out", "images.npy"],
        ] {
            let applied = try RunexpBinary.run(["apply", "run"] + arguments, in: scratch.url)
            #expect(applied.status == 0, "\(applied.stderr)")
        }
        return try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
    }

    /// Runs the exported `module` on the sample in PyTorch (saving its codes and images beside
    /// runexp's), then `printing`, a statement that prints what the test checks of `model`; nil
    /// when torch cannot be imported.
    func torchForward(module: String, printing: String, in scratch: Scratch) throws -> String? {
        try python(
            Self.torchPython, needing: "torch",
            """
            import numpy as np, \(module)
            model = \(module).load()
            x = torch.from_numpy(np.load(\"\(ApplyCommandTests.sample)\").reshape(-1, 1, 28, 28))
            with torch.no_grad():
                codes = model.encoder(x)
                np.save("theirs_codes.npy", codes.numpy())
                np.save("theirs_images.npy", model.decoder(codes).permute(0, 2, 3, 1).numpy())
            \(printing)
            """, in: scratch)
    }

    /// The largest difference between the outputs `script` saved and runexp's own, over their scale.
    func largestDifference(_ scratch: Scratch) throws -> Float {
        var largest: Float = 0
        for (theirs, ours) in [("theirs_codes.npy", "codes.npy"), ("theirs_images.npy", "images.npy")] {
            let a = try NPY.read(path: scratch.path(theirs)).elements(as: Float.self)
            let b = try NPY.read(path: scratch.path(ours)).elements(as: Float.self)
            #expect(a.count == b.count)
            let scale = max(1, b.map(abs).max() ?? 1)
            largest = max(largest, zip(a, b).map { abs($0 - $1) / scale }.max() ?? .infinity)
        }
        return largest
    }

    @Test func theExportedModuleLoadsStrictlyIntoPyTorchAndComputesWhatTheRunComputes() throws {
        let scratch = try finishedRun()
        let export = try applyAndExport(scratch)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("tinycnn.py: encoder 1×28×28 → 8, decoder 8 → 1×28×28"), "\(export.stderr)")
        // The module's own load: PyTorch's layers, load_state_dict(strict=True).
        let torch = try torchForward(
            module: "tinycnn",
            printing: "print(type(model.encoder.layers[0]).__name__, type(model.decoder.layers[4]).__name__)",
            in: scratch)
        if let torch {
            #expect(torch == "PaddedConv2d CroppedConvTranspose2d\n")
            let difference = try largestDifference(scratch)
            #expect(difference < 1e-5, "torch: \(difference)")
        }
        // Without PyTorch: the same arithmetic in numpy, from the file's tensors as PyTorch lays them out.
        let numpy = try python("python3", needing: "numpy", Self.numpyForward, in: scratch)
        try #require(numpy != nil || torch != nil, "neither numpy nor torch can be imported: nothing checked the file")
        if numpy != nil {
            let difference = try largestDifference(scratch)
            #expect(difference < 1e-5, "numpy: \(difference)")
        }
    }

    @Test func aCheckpointInRunexpsEarlierLayoutStillAppliesButIsNotExported() throws {
        let scratch = try ApplyCommandTests().finishedRun()
        let path = scratch.path("run/checkpoint/parameters.safetensors")
        // The file as runexp wrote it before: dense weights [in, out], no layout in the metadata.
        let contents = try SafeTensors.read(path: path)
        let earlier = try contents.tensors.map { named -> NamedArray in
            let shape = named.array.shape
            guard shape.count == 2 else { return named }
            let values = try named.array.elements(as: Float.self)
            let transposed = (0..<values.count).map { values[($0 % shape[0]) * shape[1] + $0 / shape[0]] }
            return NamedArray(named.name, try NumericArray(shape: [shape[1], shape[0]], elements: transposed))
        }
        try Foundation.Data(SafeTensors.encode(earlier, metadata: contents.metadata.filter { $0.key != "layout" }))
            .write(to: URL(fileURLWithPath: path))
        let apply = try RunexpBinary.run(
            ["apply", "run", "encode", ApplyCommandTests.sample, "--out", "codes.npy"], in: scratch.url)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(
            try NPY.read(path: scratch.path("codes.npy"))
                == (try NPY.read(path: scratch.path("run/arrays/codes_train.npy"))))
        let export = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(export.status == 2)
        #expect(export.stderr.contains("holds runexp's own layout (an earlier runexp wrote it)"), "\(export.stderr)")
    }

    @Test func anExportThatNamesNoFormatIsRefusedSayingWhichThereIs() throws {
        let scratch = try finishedRun()
        let outcome = try RunexpBinary.run(["export", "run"], in: scratch.url)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("error: say which format to export: --pytorch"), "\(outcome.stderr)")
    }

    @Test func anExportDoesNotOverwriteAnExistingFileWithoutForce() throws {
        let scratch = try ApplyCommandTests().finishedRun()
        try scratch.write("tiny.py", "# the user's own module\n")
        let refused = try RunexpBinary.run(["export", "run", "--pytorch"], in: scratch.url)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("tiny.py already exists; --force replaces it"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: scratch.path("tiny.py"), encoding: .utf8) == "# the user's own module\n")
        let forced = try RunexpBinary.run(["export", "run", "--pytorch", "--force"], in: scratch.url)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: scratch.path("tiny.py"), encoding: .utf8).contains("def load("))
    }

    @Test func aSpecNamedAfterAModuleTheExportImportsIsExportedUnderAnotherName() throws {
        let scratch = try Scratch()
        for name in ["torch", "numpy", "json"] {
            let spec = EvaluationPolicyTests.tinySpec(data: ", validation: 0", train: "epochs: 1, batch_size: 30")
            try scratch.write("\(name).yaml", spec.replacingOccurrences(of: "name: tiny", with: "name: \(name)"))
            let run = try RunexpBinary.run(["\(name).yaml", "--out", "run-\(name)"], in: scratch.url)
            try #require(run.status == 0, "\(run.stderr)")
            let export = try RunexpBinary.run(["export", "run-\(name)", "--pytorch"], in: scratch.url)
            #expect(export.status == 0, "\(export.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path("\(name).py")), "\(name).py shadows \(name)")
            #expect(FileManager.default.fileExists(atPath: scratch.path("\(name)_model.py")))
            #expect(
                export.stderr.contains("not \(name).py, which would hide the Python module \(name)"), "\(export.stderr)"
            )
        }
    }

    @Test func aNetworkNamedAfterAnAttributeOfPyTorchsModuleIsRefusedByCheck() throws {
        let scratch = try Scratch()
        let spec = EvaluationPolicyTests.tinySpec(data: ", validation: 0", train: "epochs: 1, batch_size: 30")
        for name in ["forward", "training", "cuda"] {
            try scratch.write(
                "\(name).yaml",
                spec.replacingOccurrences(of: "encoder", with: name))
            let outcome = try RunexpBinary.run(["check", "\(name).yaml"], in: scratch.url)
            #expect(outcome.status == 2)
            #expect(
                outcome.stderr.contains("network name '\(name)' is an attribute of PyTorch's nn.Module"),
                "\(outcome.stderr)")
        }
    }

    /// The Python with PyTorch: the peers' virtual environment where it is, else the one on the PATH.
    static var torchPython: String {
        let venv = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".venv-torch/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv.path : "python3"
    }

    /// The test spec's networks in numpy, reading PyTorch's layouts: Linear [out, in], Conv2d
    /// [out, in, kh, kw], ConvTranspose2d [in, out, kh, kw], NCHW images.
    static let numpyForward = """
        import json
        data = open("run/checkpoint/parameters.safetensors", "rb").read()
        n = int.from_bytes(data[:8], "little"); header = json.loads(data[8:8 + n]); header.pop("__metadata__")
        kinds = {"F32": numpy.float32, "I64": numpy.int64}
        t = {k: numpy.frombuffer(data[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]],
                                 kinds[v["dtype"]]).reshape(v["shape"]).astype(numpy.float64) for k, v in header.items()}
        def conv(x, w, b, s, pads):  # pads: top, bottom, left, right
            x = numpy.pad(x, ((0, 0), (0, 0), pads[:2], pads[2:]))
            o, _, k, _ = w.shape; h = (x.shape[2] - k) // s + 1; v = (x.shape[3] - k) // s + 1
            y = numpy.zeros((x.shape[0], o, h, v))
            for i in range(k):
                for j in range(k):
                    y += numpy.einsum("ncij,oc->noij", x[:, :, i:i + s * h:s, j:j + s * v:s], w[:, :, i, j])
            return y + b[None, :, None, None]
        def deconv(x, w, b, s, crop, size):
            n, _, h, v = x.shape; _, o, k, _ = w.shape
            full = numpy.zeros((n, o, (h - 1) * s + k, (v - 1) * s + k))
            for i in range(k):
                for j in range(k):
                    full[:, :, i:i + s * h:s, j:j + s * v:s] += numpy.einsum("ncij,co->noij", x, w[:, :, i, j])
            full = numpy.pad(full, ((0, 0), (0, 0), (0, max(0, crop + size - full.shape[2])), (0, max(0, crop + size - full.shape[3]))))
            return full[:, :, crop:crop + size, crop:crop + size] + b[None, :, None, None]
        def norm(x, p, axis):
            shape = [1] * x.ndim; shape[axis] = -1
            g = lambda name: t[p + name].reshape(shape)
            return (x - g("running_mean")) / numpy.sqrt(g("running_var") + 1e-5) * g("weight") + g("bias")
        linear = lambda x, p: x @ t[p + "weight"].T + t[p + "bias"]
        x = numpy.load("\(ApplyCommandTests.sample)").astype(numpy.float64).reshape(-1, 1, 28, 28)
        e = "encoder.layers."
        h = norm(conv(x, t[e + "0.weight"], t[e + "0.bias"], 2, (0, 1, 0, 1)), e + "1.", 1)
        h = numpy.where(h > 0, h, 0.2 * h)
        h = numpy.maximum(conv(h, t[e + "3.weight"], t[e + "3.bias"], 1, (0, 1, 0, 1)), 0)
        codes = linear(h.transpose(0, 2, 3, 1).reshape(len(x), -1), e + "7.")
        d = "decoder.layers."
        h = numpy.maximum(norm(linear(codes, d + "0."), d + "1.", 1), 0).reshape(-1, 7, 7, 4).transpose(0, 3, 1, 2)
        h = numpy.tanh(deconv(h, t[d + "4.weight"], t[d + "4.bias"], 2, 0, 14))
        h = 1 / (1 + numpy.exp(-deconv(h, t[d + "6.weight"], t[d + "6.bias"], 2, 1, 28)))
        numpy.save("theirs_codes.npy", codes.astype(numpy.float32))
        numpy.save("theirs_images.npy", h.transpose(0, 2, 3, 1).astype(numpy.float32))
        """
}
