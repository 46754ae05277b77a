import Foundation

/// The version runexp reports in `--version` and records in every run.
public enum RunexpVersion {
    public static let string = "0.1.0"

    /// A digest of the running executable, so that two runs can tell whether the same code made them.
    public static let codeDigest: String = {
        guard let bytes = FileManager.default.contents(atPath: "/proc/self/exe") else { return "unknown" }
        return digest(bytes)
    }()
}

/// The 64-bit FNV-1a digest of `bytes` as 16 hex digits: equal digests, (almost surely) equal bytes.
func digest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16).leftPadded(to: 16)
}
