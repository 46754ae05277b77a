import Foundation

/// The system's mounts as `/proc/self/mountinfo` lists them: where a path's file system is
/// mounted and of which type, so that files of the kernel's pseudo file systems (`/proc`, `/sys`)
/// are refused as data and a mount inside a folder keeps `--force` from deleting through it.
public enum MountTable {
    /// One mount: its mount point and file system type (`ext4`, `proc`, `sysfs`, …).
    public struct Mount: Sendable, Equatable {
        public var point: String
        public var type: String
    }

    /// Every mount, in the kernel's order (later mounts over earlier ones); empty where the table
    /// cannot be read.
    public static func mounts() -> [Mount] {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            // ID parent major:minor root point options [optional…] - type source options
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { return nil }
            return Mount(point: unescapeOctal(String(fields[4])), type: String(fields[dash + 1]))
        }
    }

    /// The type of the file system `path` (made absolute, links resolved) lies on, or nil.
    public static func fileSystemType(of path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let target = String(cString: resolved)
        let containing = mounts().filter { $0.point == "/" || target == $0.point || target.hasPrefix($0.point + "/") }
        return containing.max { $0.point.utf8.count < $1.point.utf8.count }?.type
    }

    /// The kernel's pseudo file systems, whose files are not data: they report a size of 0 or 4096
    /// whatever they hold, and some never end (`/proc/self/pagemap`).
    public static let kernelTypes: Set = [
        "proc", "sysfs", "debugfs", "tracefs", "securityfs", "cgroup", "cgroup2", "configfs", "bpf", "pstore",
        "efivarfs", "nsfs", "devpts", "fusectl", "binfmt_misc", "mqueue", "hugetlbfs",
    ]

    /// `\040`-style escapes (a space, a tab, a newline, a backslash) undone.
    static func unescapeOctal(_ field: String) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3,
                let value = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
