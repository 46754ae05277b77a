import Foundation

/// `.safetensors` files written by the reference implementation (safetensors 0.8.0, torch 2.13), base64.
///
/// Both hold the tensors of `safeTensorsSample()` other than `enc.b` and `empty_u8`; made by
/// `safetensors.torch.save_file(..., metadata={"format": "pt"})` and
/// `safetensors.numpy.save_file(..., metadata={"format": "np", "note": "é\n\"q\""})`.
enum SafeTensorsFixtures {
    /// Written by `safetensors.torch.save_file`.
    static let torchFile = decode([
        "6AIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJzdHJlYW0iOnsiZHR5cGUiOiJVNjQiLCJzaGFwZSI6WzJd",
        "LCJkYXRhX29mZnNldHMiOlswLDE2XX0sInN0ZXAiOnsiZHR5cGUiOiJJNjQiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzE2",
        "LDI0XX0sInNjYWxlIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyNCwzMl19LCJlbXB0eSI6eyJk",
        "dHlwZSI6IkYzMiIsInNoYXBlIjpbMCw0XSwiZGF0YV9vZmZzZXRzIjpbMzIsMzJdfSwiZW5jLnciOnsiZHR5cGUiOiJGMzIiLCJz",
        "aGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sInUzMiI6eyJkdHlwZSI6IlUzMiIsInNoYXBlIjpbMV0sImRhdGFf",
        "b2Zmc2V0cyI6WzU2LDYwXX0sImkzMiI6eyJkdHlwZSI6IkkzMiIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbNjAsNjhd",
        "fSwidTE2Ijp7ImR0eXBlIjoiVTE2Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbNjgsNzBdfSwiaTE2Ijp7ImR0eXBlIjoi",
        "STE2Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbNzAsNzZdfSwiaTgiOnsiZHR5cGUiOiJJOCIsInNoYXBlIjpbMl0sImRh",
        "dGFfb2Zmc2V0cyI6Wzc2LDc4XX0sInBpeGVscyI6eyJkdHlwZSI6IlU4Iiwic2hhcGUiOlsxLDIsMiwxXSwiZGF0YV9vZmZzZXRz",
        "IjpbNzgsODJdfSwibWFzayI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOls4Miw4NV19fSAgICAg",
        "ICD//////////wwAAAAAAAAA+f////////8AAAAAAAD4vwAAgD8AAADAAAAAPwAAQEAAAIB/AAAAgHARAQAAAACABQAAAP///f8E",
        "AP9/gH8ACcj/AQAB",
    ])

    /// Written by `safetensors.numpy.save_file`.
    static let numpyFile = decode([
        "+AIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJucCIsIm5vdGUiOiLDqVxuXCJxXCIifSwic3RyZWFtIjp7ImR0eXBl",
        "IjoiVTY0Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMCwxNl19LCJzdGVwIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOltd",
        "LCJkYXRhX29mZnNldHMiOlsxNiwyNF19LCJzY2FsZSI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpb",
        "MjQsMzJdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsNF0sImRhdGFfb2Zmc2V0cyI6WzMyLDMyXX0sImVuYy53",
        "Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOlszMiw1Nl19LCJ1MzIiOnsiZHR5cGUiOiJVMzIi",
        "LCJzaGFwZSI6WzFdLCJkYXRhX29mZnNldHMiOls1Niw2MF19LCJpMzIiOnsiZHR5cGUiOiJJMzIiLCJzaGFwZSI6WzEsMl0sImRh",
        "dGFfb2Zmc2V0cyI6WzYwLDY4XX0sInUxNiI6eyJkdHlwZSI6IlUxNiIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzY4LDcw",
        "XX0sImkxNiI6eyJkdHlwZSI6IkkxNiIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6WzcwLDc2XX0sImk4Ijp7ImR0eXBlIjoi",
        "STgiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls3Niw3OF19LCJwaXhlbHMiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwy",
        "LDIsMV0sImRhdGFfb2Zmc2V0cyI6Wzc4LDgyXX0sIm1hc2siOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOlszXSwiZGF0YV9vZmZz",
        "ZXRzIjpbODIsODVdfX0gICAg//////////8MAAAAAAAAAPn/////////AAAAAAAA+L8AAIA/AAAAwAAAAD8AAEBAAACAfwAAAIBw",
        "EQEAAAAAgAUAAAD///3/BAD/f4B/AAnI/wEAAQ==",
    ])

    private static func decode(_ lines: [String]) -> [UInt8] {
        [UInt8](Data(base64Encoded: lines.joined()) ?? Data())
    }
}
