import Foundation
import Fuzzing

/// `runexp-fuzz`: runs the fuzz targets for a number of mutated inputs each and reports what it saw.
///
///     runexp-fuzz --target all --iterations 1000000 --seed 1 --out fuzz-findings
///     runexp-fuzz --target npy --seed 1 --start 48213 --iterations 1     # one input again
///     runexp-fuzz --target npy --replay fuzz-findings/npy-unexpected-48213.bin
///
/// Exit status: 0 nothing found, 1 findings (unexpected errors or slow inputs, saved under --out),
/// 2 usage, 3 a hang (the input is saved); a crash ends the process by its signal after saving the input.
struct Options {
    var targets = FuzzTargets.all
    var iterations = 10_000
    var seed: UInt64 = 1
    var start = 0
    var out = "fuzz-findings"
    var slowLimit = 1.0
    var hangSeconds = 10
    var replay: String?

    static let usage = """
        usage: runexp-fuzz [--target NAME|all] [--iterations N] [--seed S] [--start I] [--out DIR]
                           [--slow SECONDS] [--hang SECONDS] [--replay FILE] [--list]
        targets: \(FuzzTargets.all.map(\.name).joined(separator: ", "))
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return value
        }
        func number<T: LosslessStringConvertible>(_ flag: String, _ type: T.Type) throws -> T {
            let text = try value(flag)
            guard let number = T(text) else { throw UsageError("\(flag) takes a number, not '\(text)'") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--target":
                let name = try value(flag)
                if name != "all" {
                    guard let target = FuzzTargets.named(name) else { throw UsageError("no target '\(name)'") }
                    options.targets = [target]
                }
            case "--iterations": options.iterations = try number(flag, Int.self)
            case "--seed": options.seed = try number(flag, UInt64.self)
            case "--start": options.start = try number(flag, Int.self)
            case "--out": options.out = try value(flag)
            case "--slow": options.slowLimit = try number(flag, Double.self)
            case "--hang": options.hangSeconds = try number(flag, Int.self)
            case "--replay": options.replay = try value(flag)
            case "--list":
                for target in FuzzTargets.all { print("\(target.name)\t\(target.summary)") }
                exit(0)
            case "--help", "-h":
                print(usage)
                exit(0)
            default: throw UsageError("unknown argument '\(flag)'")
            }
        }
        guard options.iterations >= 0, options.start >= 0, options.hangSeconds > 0 else {
            throw UsageError("--iterations and --start must not be negative, --hang must be positive")
        }
        return options
    }
}

struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func replay(_ path: String, _ targets: [FuzzTarget]) -> Int32 {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("runexp-fuzz: cannot read \(path)\n".utf8))
        return 2
    }
    var status: Int32 = 0
    for target in targets {
        let outcome = target.run([UInt8](data))
        print("\(target.name): \(outcome)")
        if case .unexpected = outcome { status = 1 }
    }
    return status
}

func campaign(_ target: FuzzTarget, _ options: Options) -> FuzzReport {
    let folder = URL(fileURLWithPath: options.out)
    CrashCapture.prepare(
        capacity: target.maxLength, crashFile: folder.appendingPathComponent("\(target.name)-crash.bin").path,
        hangFile: folder.appendingPathComponent("\(target.name)-hang.bin").path)
    var run = FuzzCampaign(target: target, seed: options.seed, iterations: options.iterations)
    run.start = options.start
    run.slowLimit = options.slowLimit
    let report = run.run(
        willRun: CrashCapture.willRun, progressEvery: 100_000,
        progress: { FileHandle.standardError.write(Data("  \($0.summary)\n".utf8)) })
    CrashCapture.idle()
    for (kind, findings) in [("unexpected", report.unexpected), ("slow", report.slow)] {
        for finding in findings.prefix(100) {
            let file = folder.appendingPathComponent("\(target.name)-\(kind)-\(finding.iteration).bin")
            try? Data(finding.input).write(to: file)
            print("  \(kind) at iteration \(finding.iteration): \(finding.message) (\(file.path))")
        }
    }
    return report
}

do {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    if let path = options.replay { exit(replay(path, options.targets)) }
    try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
    CrashCapture.hangNanoseconds = UInt64(options.hangSeconds) * 1_000_000_000
    CrashCapture.installHandlers()
    CrashCapture.startWatchdog()
    var found = false
    for target in options.targets {
        let report = campaign(target, options)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("\(report.summary); peak memory \(usage.ru_maxrss / 1024) MiB")
        found = found || !report.findings.isEmpty
    }
    exit(found ? 1 : 0)
} catch let error as UsageError {
    FileHandle.standardError.write(Data("runexp-fuzz: \(error.message)\n\(Options.usage)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("runexp-fuzz: \(error)\n".utf8))
    exit(2)
}
