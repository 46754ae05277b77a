import Foundation
import Kernels

/// The version runexp reports in `--version` and records in every run.
public enum RunexpVersion {
    public static let string = "0.1.0"

    /// This very binary: what a replay across core types and a study's trials run.
    public static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// A digest of the running executable, so that two runs can tell whether the same code made them.
    public static let codeDigest: String = {
        guard let bytes = FileManager.default.contents(atPath: "/proc/self/exe") else { return "unknown" }
        return digest(bytes)
    }()
}

/// The 64-bit FNV-1a digest of `bytes` as 16 hex digits: equal digests, (almost surely) equal bytes.
func digest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    digest(parts: [bytes])
}

/// The digest of `parts` one after another, as of one buffer, without copying them together.
func digest<Bytes: Sequence>(parts: [Bytes]) -> String where Bytes.Element == UInt8 {
    let hash = parts.reduce(fnv1a64(bytes: [UInt8]())) { fnv1a64(bytes: $1, continuing: $0) }
    return String(hash, radix: 16).leftPadded(to: 16)
}
