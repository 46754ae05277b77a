import Foundation

/// How many more bytes this process can allocate: the least of the machine's available memory,
/// what the address-space and data limits (`ulimit -v`, `ulimit -d`) leave, and what the
/// control group's memory limit leaves. Readers refuse a file that would inflate beyond it, and the
/// runner refuses a model that would need more, before allocating, because past it the allocator
/// aborts the process or OpenBLAS retries its allocation forever.
public enum AvailableMemory {
    /// The bytes left, by every limit this process is under.
    public static func bytes() -> Int {
        var left = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let available = meminfo("MemAvailable") { left = min(left, available) }
        if let mapped = ownMappedBytes() {
            for resource in [RLIMIT_AS, RLIMIT_DATA] {
                if let limit = softLimit(resource) { left = min(left, max(0, limit - mapped)) }
            }
        }
        if let limit = number("/sys/fs/cgroup/memory.max"), let used = number("/sys/fs/cgroup/memory.current") {
            // The page cache counts as used but is given back on demand.
            let cache = statField("/sys/fs/cgroup/memory.stat", "file") ?? 0
            left = min(left, max(0, limit - max(0, used - cache)))
        }
        return left
    }

    /// The soft limit on `resource`, or nil when there is none.
    static func softLimit(_ resource: __rlimit_resource) -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
            return nil
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The process's mapped address space (its size in `/proc/self/statm`), in bytes.
    static func ownMappedBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A `key: N kB` line of `/proc/meminfo`, in bytes.
    static func meminfo(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// The number after `key ` in a `key value` per line file (a cgroup's memory.stat).
    static func statField(_ path: String, _ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + " ") {
            return Int(line.dropFirst(key.count + 1))
        }
        return nil
    }

    /// A file holding one number (`max` and anything unreadable are nil).
    static func number(_ path: String) -> Int? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// `bytes` in binary units with three significant digits, e.g. `1.05 GiB`.
    public static func text(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 8 EiB" }
        var value = Double(bytes)
        for unit in ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"] {
            if value < 1024 { return unit == "bytes" ? "\(bytes) bytes" : String(format: "%.3g %@", value, unit) }
            value /= 1024
        }
        return String(format: "%.3g EiB", value)
    }
}
