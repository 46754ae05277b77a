import Data
import Foundation
import Graph
import Spec
import RunFolder
import Runner

/// `runexp export DIR --pytorch`: a Python module that builds a finished run's networks as PyTorch
/// modules (`nn.Sequential`s of PyTorch's layers, numbered as runexp numbers them) and loads the
/// run's `checkpoint/parameters.safetensors` into them with `load_state_dict(strict=True)`.
///
/// Each layer says what PyTorch module it is (`Layer.torchModule`); this only writes them down.
public enum TorchExport {
    /// What an export wrote: the file, and its networks for the terminal (`encoder 3×28×28 → 64`).
    public struct Written {
        public var path: String
        public var summary: String
        /// Why the file is not named after the spec, when it is not.
        public var note: String?
    }

    /// Writes the module for the run in `folder` (its own resolved spec, and `options`, the run's
    /// own command) to `path`, or when nil to the spec's name with `.py` in `defaultFolder`
    /// (`<name>_model.py` where `<name>.py` would hide a Python module the file imports). The
    /// checkpoint must hold the run's tensors exactly, in PyTorch's layout. An existing file is
    /// replaced only with `replace`.
    public static func write(
        _ options: RunOptions, folder: String, to path: String?, defaultFolder: URL, replace: Bool = false
    ) throws -> Written {
        let run = try FinishedRun(options, folder: folder, purpose: "export")
        let checked = run.checked
        guard try run.parametersInPyTorchLayout() else {
            throw RunError(
                "\(folder)/\(FinishedRun.parametersFile) holds runexp's own layout (an earlier runexp wrote it); "
                    + "run the spec again to get a checkpoint in PyTorch's layout")
        }
        let name = checked.spec.name
        let hides = path == nil && PythonModuleNames.isHidden(name)
        let path = path ?? defaultFolder.appendingPathComponent(hides ? "\(name)_model.py" : "\(name).py").path
        var info = stat()
        if !replace, lstat(path, &info) == 0 {
            throw RunError("\(path) already exists; --force replaces it, or --out names another file")
        }
        let checkpoint = URL(fileURLWithPath: run.directory.path(FinishedRun.parametersFile)).standardizedFileURL
        let module = URL(fileURLWithPath: path).standardizedFileURL
        try AtomicFile.write(
            text: source(
                checked.model, name: name, module: module.deletingPathExtension().lastPathComponent,
                checkpoint: relativePath(checkpoint, from: module)),
            to: path)
        let summary = checked.model.networks.map { network in
            let input = TorchLayout.sampleShape(network.input).shapeText
            return "\(network.name) \(input) → \(TorchLayout.sampleShape(network.output).shapeText)"
        }.joined(separator: ", ")
        let note =
            hides
            ? "the module is \(module.lastPathComponent), not \(name).py, which would hide the Python module \(name) "
                + "that it imports; --out names it otherwise" : nil
        return Written(path: path, summary: summary, note: note)
    }

    /// The module's text: the helper classes, one `Network` per runexp network, `load()`.
    static func source(_ model: ModelSummary, name: String, module: String, checkpoint: String) -> String {
        let first = model.networks.first
        let example = first.map { "codes = model.\($0.name)(x)" } ?? ""
        let shapes = model.networks.map { network in
            "    \(literal(network.name)): \(tuple(TorchLayout.sampleShape(network.input))),"
        }
        let networks = model.networks.map { network in
            let layers = network.layers.map { "                    \($0.torch.expression)," }
            let outputs = network.heads.map { "\(literal($0.name)): \($0.size)" }.joined(separator: ", ")
            return """
                        self.add_module(
                            \(literal(network.name)),
                            Network(
                                [
                \(layers.joined(separator: "\n"))
                                ],
                                outputs={\(outputs)},
                            ),
                        )
                """
        }
        return """
            \"\"\"The networks of a runexp run (spec '\(name)') as PyTorch modules, with the run's weights.

            Written by `runexp export --pytorch` (runexp \(RunexpVersion.string)). PyTorch orders an image
            channels first: a sample runexp reads as 28×28×3 is 3×28×28 here (INPUT_SHAPES).

                import \(module)
                model = \(module).load()        # every network, the run's weights loaded strictly, eval mode
                \(example)

            A network with named outputs (a VAE's mu and logvar) returns a dict of them.
            \"\"\"
            import json
            import pathlib

            import numpy as np
            import torch
            import torch.nn.functional as F
            from torch import nn

            # The run's weights, relative to this file.
            CHECKPOINT = pathlib.Path(__file__).resolve().parent / \(literal(checkpoint))

            # One sample's shape at each network's input, without the batch dimension.
            INPUT_SHAPES = {
            \(shapes.joined(separator: "\n"))
            }


            class ChannelsLastReshape(nn.Module):
                \"\"\"Flattens or reshapes as runexp does: an image's values pixel by pixel, channels last
                (nn.Flatten would take them channel by channel).\"\"\"

                def __init__(self, *shape):
                    super().__init__()
                    self.shape = shape

                def forward(self, x):
                    if x.dim() > 2:
                        x = x.movedim(1, -1)
                    x = x.reshape(x.shape[0], *self.shape)
                    return x.movedim(-1, 1) if len(self.shape) > 1 else x

                def extra_repr(self):
                    return ", ".join(map(str, self.shape))


            class PaddedConv2d(nn.Conv2d):
                \"\"\"nn.Conv2d after zero padding (left, right, top, bottom): runexp's `same` padding where
                it pads more after than before.\"\"\"

                def __init__(self, *args, pads, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.pads = pads

                def forward(self, x):
                    return super().forward(F.pad(x, self.pads))

                def extra_repr(self):
                    return f"{super().extra_repr()}, pads={self.pads}"


            class CroppedConvTranspose2d(nn.ConvTranspose2d):
                \"\"\"nn.ConvTranspose2d whose output is the full scatter cropped at `crop` to `size`, where
                PyTorch's padding and output_padding cannot say runexp's cropping.\"\"\"

                def __init__(self, *args, crop, size, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.crop, self.size = crop, size

                def forward(self, x):
                    y = F.conv_transpose2d(x, self.weight, None, self.stride)
                    (h, w), c = self.size, self.crop
                    y = F.pad(y, (-c, c + w - y.shape[3], -c, c + h - y.shape[2]))
                    return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)

                def extra_repr(self):
                    return f"{super().extra_repr()}, crop={self.crop}, size={self.size}"


            class VectorQuantize(nn.Module):
                \"\"\"runexp's vector_quantize: each row replaced by its nearest code, then the mean squared
                distance twice (the codebook and commitment terms), as runexp's layer outputs them.\"\"\"

                def __init__(self, codes, width):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(codes, width))

                def forward(self, x):
                    pieces = x.reshape(-1, self.weight.shape[1])
                    code = self.weight[torch.cdist(pieces, self.weight).argmin(dim=1)].reshape_as(x)
                    distance = ((x - code) ** 2).mean(dim=1, keepdim=True)
                    return torch.cat([x + (code - x).detach(), distance, distance], dim=1)


            class PlanarFlow(nn.Module):
                \"\"\"runexp's planar flow on rows [z, running log-determinant].\"\"\"

                def __init__(self, width):
                    super().__init__()
                    self.w, self.u = nn.Parameter(torch.zeros(width)), nn.Parameter(torch.zeros(width))
                    self.b = nn.Parameter(torch.zeros(1))

                def forward(self, x):
                    z, log_det = x[:, :-1], x[:, -1:]
                    t = torch.tanh(z @ self.w + self.b).unsqueeze(1)
                    s = 1 + (1 - t**2) * (self.w @ self.u)
                    return torch.cat([z + self.u * t, log_det + torch.log(s.abs() + 1e-4)], dim=1)


            class InverseAutoregressiveFlow(nn.Module):
                \"\"\"runexp's iaf on rows [z, running log-determinant]: z reversed, then a MADE (sequential
                degrees) gives a shift m and log-scale s per value; z becomes y * exp(s) + m.\"\"\"

                def __init__(self, width, hidden):
                    super().__init__()
                    sizes = [width, *hidden, 2 * width]
                    self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
                    degrees = [torch.arange(width)] + [torch.arange(h) % (width - 1) for h in hidden]
                    outputs = torch.arange(2 * width) % width
                    for i, linear in enumerate(self.linears):
                        seen = degrees[i].unsqueeze(0)
                        mask = outputs.unsqueeze(1) > seen if i == len(hidden) else degrees[i + 1].unsqueeze(1) >= seen
                        self.register_buffer(f"mask{i}", mask.float(), persistent=False)

                def forward(self, x):
                    y, log_det = x[:, :-1].flip(1), x[:, -1:]
                    h = y
                    for i, linear in enumerate(self.linears):
                        h = F.linear(h, linear.weight * getattr(self, f"mask{i}"), linear.bias)
                        h = torch.relu(h) if i < len(self.linears) - 1 else h
                    m, s = h.chunk(2, dim=1)
                    return torch.cat([y * s.exp() + m, log_det + s.sum(dim=1, keepdim=True)], dim=1)


            class Residual(nn.Sequential):
                \"\"\"runexp's residual block: its layers' output plus its input.\"\"\"

                def forward(self, x):
                    return x + super().forward(x)


            class Network(nn.Module):
                \"\"\"One runexp network: `layers` numbered as runexp numbers them; `outputs` the sizes of its
                named outputs, in order.\"\"\"

                def __init__(self, layers, outputs):
                    super().__init__()
                    self.layers = nn.Sequential(*layers)
                    self.outputs = outputs

                def forward(self, x):
                    y = self.layers(x)
                    if not self.outputs:
                        return y
                    parts = torch.split(y, list(self.outputs.values()), dim=1)
                    return dict(zip(self.outputs, parts))


            class Model(nn.Module):
                \"\"\"Every network of the run, by its name.\"\"\"

                def __init__(self):
                    super().__init__()
            \(networks.joined(separator: "\n"))


            def read_safetensors(path):
                \"\"\"The tensors of a .safetensors file (read with numpy: no safetensors package needed).\"\"\"
                data = pathlib.Path(path).read_bytes()
                size = int.from_bytes(data[:8], "little")
                header = json.loads(data[8 : 8 + size])
                header.pop("__metadata__", None)
                dtypes = {"F32": np.float32, "I64": np.int64, "U64": np.uint64}
                body = memoryview(data)[8 + size :]
                tensors = {}
                for key, entry in header.items():
                    start, end = entry["data_offsets"]
                    array = np.frombuffer(body[start:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
                    tensors[key] = torch.from_numpy(array.copy())
                return tensors


            def load(path=CHECKPOINT):
                \"\"\"The model with the weights at `path` (the run's checkpoint), in evaluation mode.\"\"\"
                model = Model()
                model.load_state_dict(read_safetensors(path), strict=True)
                return model.eval()


            if __name__ == "__main__":
                print(load())

            """
    }

    /// A Python tuple of whole numbers: `(3, 28, 28)`, `(64,)`.
    static func tuple(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// A Python string literal (JSON's escapes are Python's).
    static func literal(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
    }

    /// `target` relative to the folder holding `file`, with `..` where it must climb.
    static func relativePath(_ target: URL, from file: URL) -> String {
        let to = target.pathComponents, from = file.deletingLastPathComponent().pathComponents
        var shared = 0
        while shared < min(to.count, from.count), to[shared] == from[shared] { shared += 1 }
        let climb = Array(repeating: "..", count: from.count - shared)
        return (climb + to[shared...]).joined(separator: "/")
    }
}
