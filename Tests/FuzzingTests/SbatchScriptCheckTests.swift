import Fuzzing
import Testing

/// The `sbatch` target's property must be able to fail: a script with an injected line or a value
/// that leaves its word is caught, and one written right passes.
struct SbatchScriptCheckTests {
    static let expected = SbatchExpectation(
        sbatchArguments: ["--job-name=runexp-x", "--output=/a b/logs/trial-%3a.log", "--time=30:00"],
        tasks: [(0, ["/bin/runexp", "run", "it's.yaml", "--set", "description=a\nb"])])

    /// A script with these #SBATCH arguments and this task command, as the writer lays it out.
    static func script(sbatch: [String], task: String) -> String {
        (["#!/bin/bash", "# runexp study of x: one array task per trial (study.json lists them)."]
            + sbatch.map { "#SBATCH " + $0 }
            + [
                "case \"$SLURM_ARRAY_TASK_ID\" in", "  0) exec \(task) ;;",
                "  *) echo \"runexp: no trial $SLURM_ARRAY_TASK_ID in this study\" >&2; exit 2 ;;", "esac",
            ]).joined(separator: "\n") + "\n"
    }

    static let goodSbatch = ["--job-name=runexp-x", "--output=\"/a b/logs/trial-%3a.log\"", "--time=30:00"]
    static let goodTask = "/bin/runexp run 'it'\\''s.yaml' --set $'description=a\\x0Ab'"

    @Test func aScriptThatSaysWhatWasMeantPasses() throws {
        try SbatchScriptCheck.verify(Self.script(sbatch: Self.goodSbatch, task: Self.goodTask), Self.expected)
    }

    @Test(arguments: [
        // A newline in --time ends its #SBATCH line: "touch pwned" is a line of its own.
        script(
            sbatch: ["--job-name=runexp-x", "--output=\"/a b/logs/trial-%3a.log\"", "--time=30:00\ntouch pwned"],
            task: goodTask),
        // The same newline inside '…': bash reads it whole, but it is no longer one line.
        script(sbatch: goodSbatch, task: "/bin/runexp run 'it'\\''s.yaml' --set 'description=a\nb'"),
        // A word left unquoted: `;` ends the command.
        script(sbatch: goodSbatch, task: "/bin/runexp run it's.yaml;touch pwned --set $'description=a\\x0Ab'"),
        // A prepended letter before `;` is one Swift character, but bash still ends the command there.
        script(sbatch: goodSbatch, task: "/bin/runexp run \u{0D4E};touch --set $'description=a\\x0Ab'"),
        // A quote and a combining accent close the '…' for bash.
        script(sbatch: goodSbatch, task: "/bin/runexp run 'it'\u{301}s.yaml' --set $'description=a\\x0Ab'"),
        // sbatch splits an unquoted value at its space, and reads an unescaped quote as the end.
        script(sbatch: ["--job-name=runexp-x", "--output=/a b/logs/trial-%3a.log", "--time=30:00"], task: goodTask),
        script(
            sbatch: ["--job-name=runexp-x", "--output=\"/a\"\u{301} b/logs/trial-%3a.log\"", "--time=30:00"],
            task: goodTask),
    ])
    func aScriptThatSaysSomethingElseIsCaught(_ script: String) {
        #expect(throws: FuzzInvariantBroken.self) { try SbatchScriptCheck.verify(script, Self.expected) }
    }

    @Test func sbatchWordsFollowSlurmsRules() {
        #expect(SbatchScriptCheck.sbatchWords(" \"a b\" c\\#d #e f") == ["a b", "c#d"])
        #expect(SbatchScriptCheck.sbatchWords(" 'it\"s' \"\" x") == ["it\"s"])
        #expect(SbatchScriptCheck.sbatchWords(" \"open") == nil)
        #expect(SbatchScriptCheck.sbatchWords(" :x") == nil)
    }

    @Test func shellWordsReadQuotesAndRefuseOperators() {
        #expect(SbatchScriptCheck.shellWords("a 'b c' 'it'\\''s' $'x\\x0Ay\\\\'") == ["a", "b c", "it's", "x\ny\\"])
        #expect(SbatchScriptCheck.shellWords("über/é") == ["über/é"])
        for text in ["a;b", "a  b", "$(x)", "a`b`", "'open", "a\"b\"", "~/x", "a*", "#x", "$'\\x00'"] {
            #expect(SbatchScriptCheck.shellWords(text[...]) == nil, "\(text)")
        }
    }
}
