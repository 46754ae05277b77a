import Foundation
import Fuzzing
import Testing

/// Inputs the long fuzz runs found, kept as regular test cases.
struct FuzzFindingTests {
    /// `scripts/fuzz.sh 1000000 1`, spec target, iterations 289687, 306453, 429967, 778708 and 901166
    /// (the same input): `low: -0x7fffffff` in a uniform prior was read as a number by Swift's
    /// `Double(_:)`, written quoted into resolved.yaml, and that did not load again.
    static let hexadecimalPriorBound =
        Data(
            base64Encoded: """
                IyEgdHJhaW4uZXBvY2hzPTIKIyEgcGhhc2VzLnJlY29uc3RydWN0aW9uLm9wdGltaXplcj17c2dkOiB7bHI6IDAuMSwgbW9tZW50
                dW06IDAuOX19Cm5hbWU6IGV2ZXJ5X2xheWVyCnNlZWQ6IDMKZGF0YToge3NvdXJjZToge25weTogZGF0YS5ucHksIGxhYmVsczog
                bGFiZWxzLm5weX0sIHNoYXBlOiBbMjgsIDI4LCAxXSwgdmFsaWRhdGlvbjogMC4yLCB0cmFpbl9saW1pdDogNTAwfQpwcmlvcjog
                e3VuaWZvcm06IHtkaW06IDgsIGxvdzogLTB4N2ZmZmZmZmYsIGhpZ2g6IDJ9fQpuZXR3b3JrczoKICBlbmNvZGVyOgogICAgaW5w
                dXQ6IFsyOCwgMjgsIDFdCiAgICBpbml0OiBoZV9ub3JtYWwKICAgIGxheWVyczoKICAgICAgLSBjb252MmQ6IHtmaWx0ZXJzOiA0
                LCBrZXJuZWw6IDUsIHN0cmlkZTogMiwgcGFkZGluZzogdmFsaWQsIGJpYXM6IGZhbHNlfQogICAgICAtIGJhdGNoX25vcm06IHtt
                b21lbnR1bTogMC4yLCBlcHNpbG9uOiAxLjBlLTN9CiAgICAgIC0gbGVha3lfcmVsdTogMC4yCiAgICAgIC0gZHJvcG91dDogMC4z
                CiAgICAgIC0gZmxhdHRlbgogICAgICAtIGRlbnNlOiB7dW5pdHM6IDgsIGJpYXM6IHRydWV9CiAgICAgIC0gdGFuaAogIGRlY29k
                ZXI6CiAgICBpbml0OiB4YXZpZXJfbm9ybWFsCiAgICBsYXllcnM6IFtkZW5zZTogMTk2LCByZWx1LCByZXNoYXBlOiBbNywgNywg
                NF0sIGNvbnYyZF90cmFuc3Bvc2U6IHtmaWx0ZXJzOiAxLCBrZXJuZWw6IDQsIHN0cmlkZTogNCwgcGFkZGluZzogMH0sIHNpZ21v
                aWRdCiAgY3JpdGljOiB7bGF5ZXJzOiBbZGVuc2U6IDE2LCBsZWFreV9yZWx1LCBkZW5zZTogMV19CnBoYXNlczoKICAtIG5hbWU6
                IHJlY29uc3RydWN0aW9uCiAgICBsb3NzOiBzc2UoZGVjb2RlcihlbmNvZGVyKHgpKSwgeCkgKyAwLjUgKiBsMShkZWNvZGVyKGVu
                Y29kZXIoeCkpLCB4KQogICAgdXBkYXRlOiBbZW5jb2RlciwgZGVjb2Rlcl0KICAtIG5hbWU6IGNyaXRpYwogICAgbG9zczogYmNl
                X2xvZ2l0cyhjcml0aWMoeiksIDEpICsgYmNlX2xvZ2l0cyhjcml0aWMoZW5jb2Rlcih4KSksIDApCiAgICB1cGRhdGU6IFtjcml0
                aWNdCiAgICBvcHRpbWl6ZXI6IHthZGFtOiB7bHI6IDIuMGUtNCwgYmV0YTE6IDAuNSwgYmV0YTI6IDAuOTksIGVwc2lsb246IDEu
                MGUtNywgd2VpZ2h0X2RlY2F5OiAxLjBlLTV9fQogIC0gbmFtZTogZ2VuZXJhdG9yCiAgICBsb3NzOiBiY2VfbG9naXRzKGNyaXRp
                YyhlbmNvZGVyKHgpKSwgMSkgKiAwLjUgLSAwLjEgKiBsMShlbmNvZGVyKHgpLCAwKQogICAgdXBkYXRlOiBbZW5jb2Rlcl0KdHJh
                aW46IHtlcG9jaHM6IDMsIGJhdGNoX3NpemU6IDMyLCBzaHVmZmxlOiBmYWxzZSwgbG9nX2V2ZXJ5OiAxMH0Kb3V0cHV0czoKICAt
                IGN1cnZlczogW3JlY29uc3RydWN0aW9uLCBjcml0aWNdCiAgLSByZWNvbnN0cnVjdGlvbnM6IHtzcGxpdDogdmFsaWRhdGlvbiwg
                Y291bnQ6IDR9CiAgLSB0c25lOiB7c3BsaXQ6IHRlc3QsIHBvaW50czogMTAwLCBwZXJwbGV4aXR5OiA1LCBlbmNvZGVyOiBlbmNv
                ZGVyfQogIC0gbGF0ZW50OiB7c2FtcGxlczogMTYsIGludGVycG9sYXRpb25zOiAyLCBzdGVwczogMywgZW5jb2RlcjogZW5jb2Rl
                ciwgZGVjb2RlcjogZGVjb2Rlcn0KZXhwZWN0OgogIHRlc3RfbXNlOiB7bWF4OiAwLjV9CiAgY29kZXNfa25uX2FjY3VyYWN5OiB7
                bWluOiAwLjEsIG1heDogMX0KcmVwbGF5OiB7ZXBvY2hzOiAxLCB0cmFpbl9saW1pdDogMTAwLCB0b2xlcmFuY2U6IDEuMGUtM30=
                """, options: .ignoreUnknownCharacters) ?? Data()

    @Test func aHexadecimalNumberInASpecIsRefusedWithItsPlaceInsteadOfBreakingTheResolvedSpec() throws {
        let target = try #require(FuzzTargets.named("spec"))
        let input = [UInt8](Self.hexadecimalPriorBound)
        #expect(input.count == 1724)
        guard case .refused(let message) = target.run(input) else {
            Issue.record("not refused: \(target.run(input))")
            return
        }
        #expect(
            message.hasPrefix(
                "fuzz.yaml:6:32: error: prior.uniform.low must be a decimal number such as 0.5 or 1.0e-3; found '-0x7fffffff'"
            ))
    }

    /// `scripts/fuzz.sh 1000000 1`, png target, iteration 322812, the slowest PNG input (0.24 s,
    /// 320 MiB): a 61-byte file whose zTXt chunk declares 285,212,672 bytes, which libpng allocated
    /// before finding the file short.
    static let pngChunkLengthLie: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0xDC, 0x57, 0x50, 0x11, 0x11, 0x00, 0x00,
        0x00, 0x7A, 0x54, 0x58, 0x74, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x70, 0x68, 0xF8, 0x0F,
        0x00, 0x02, 0xC4, 0x01, 0xC0, 0x38, 0xBE,
    ]

    @Test func aPNGChunkDeclaringMoreBytesThanTheFileHoldsIsRefusedBeforeLibpngAllocates() throws {
        let target = try #require(FuzzTargets.named("png"))
        #expect(
            target.run(Self.pngChunkLengthLie)
                == .refused("fuzz.png: truncated PNG: chunk 'zTXt' at byte 33 declares 285212672 bytes, only 16 follow")
        )
        let started = Date()
        _ = target.run(Self.pngChunkLengthLie)
        #expect(Date().timeIntervalSince(started) < 0.05)
    }

    /// A study.json as `runexp sweep` writes it, with `seeds` in place of its three seeds.
    static func studyFile(seeds: String, grid: String = "[]") -> [UInt8] {
        Array(
            """
            {
              "engine": "local",
              "grid": \(grid),
              "name": "cnn_ae",
              "seeds": \(seeds),
              "set": [],
              "spec": "/home/ada/runexp/experiments/cnn_ae.yaml",
              "trials": [
                {"exit_code": 0, "folder": "trial-000", "index": 0, "seed": 0, "setting": {}, "status": "complete"},
                {"exit_code": 0, "folder": "trial-001", "index": 1, "seed": 1, "setting": {}, "status": "complete"},
                {"exit_code": 1, "folder": "trial-002", "index": 2, "seed": 2, "setting": {}, "status": "failed"}
              ]
            }

            """.utf8)
    }

    /// `runexp-fuzz --target study --seed 1`, iteration 1106: `"seeds": [-1, 1, 2]` trapped in
    /// `StudyRecord.read` (a negative Double converted to UInt64). The test suite's own short run
    /// (seed 20250601) crashed on the other end: a seed beyond Int64 was read, then trapped when
    /// study.json was written again.
    @Test(arguments: [
        ("[-1, 1, 2]", "-1"), ("[0, 1, 9223372036854775808]", "9.223372036854776e+18"), ("[0, 1.5, 2]", "1.5"),
    ])
    func aSeedStudyJsonCannotHoldIsRefusedWithItsPlace(_ seeds: String, _ shown: String) throws {
        let target = try #require(FuzzTargets.named("study"))
        #expect(
            target.run(Self.studyFile(seeds: seeds))
                == .refused(
                    "fuzz-study: study.json's seeds must be whole numbers from 0 to 9223372036854775807; found \(shown)"
                ))
    }

    /// `runexp-fuzz --target study --seed 1`, iterations 24693 (`"seeds": [0, 1, 0]`) and 16381
    /// (a grid key with no values): the request's own check refused them without naming study.json.
    @Test(arguments: [
        (studyFile(seeds: "[0, 1, 0]"), "the study names seed 0 more than once"),
        (
            studyFile(seeds: "[0, 1, 2]", grid: "[{\"key\": \"train.batch_size\", \"values\": []}]"),
            "the grid gives no values for 'train.batch_size'"
        ),
    ])
    func aStudyJsonWhoseRequestIsRefusedNamesTheFile(_ input: [UInt8], _ why: String) throws {
        let target = try #require(FuzzTargets.named("study"))
        guard case .refused(let message) = target.run(input) else {
            Issue.record("not refused: \(target.run(input))")
            return
        }
        #expect(message.hasPrefix("fuzz-study: study.json: \(why)"), "\(message)")
    }

    /// Inputs of the `sbatch` target that gave a script read back otherwise than written, found
    /// with `runexp-fuzz --target sbatch --seed 1` before the fixes (the iterations are those of
    /// the dictionary of the day): an --slurm-arg with a space (iteration 10) or a `#`
    /// (iteration 58) became several sbatch arguments or a comment; a newline in the spec's path
    /// (iteration 59) became a line of its own inside '…'; a Malayalam prepended letter before a
    /// space (iteration 28226) or a quote before a combining accent (iterations 369, 982), each one
    /// Swift character, left a word unquoted or a quote unescaped.
    @Test(arguments: [
        ["slurm-arg=--comment=grid of 2", "folder=relative/study", "spec=spec.yaml"],
        ["slurm-arg=--qos=normal", "slurm-arg=--account #1 100% study"],
        ["time=UNLIMITED", "folder=/scratch/sweep-2", "spec=/home/ada/it's here/vae\ntouch pwneds=4", "seed=0"],
        [
            "time=UNLIMITED", "spec=/home/ada/it's here/vae.yaml", "set=descriptio\u{0D4E} b",
            "set=data.train_limit=500",
        ],
        ["slurm-arg=--qos=normal", "folder=/home/ada/my #65536 100% '\u{301}dy", "executable=/opt/run exp/bin/runexp"],
        ["time=30:00", "folder=/home/ada/results/cnn_ae/sw\"\u{301}-1", "seed=1", "grid=train.batch_size=64,128"],
    ])
    func aValueTheSlurmScriptOnceMisreadReadsBackAsWritten(_ fields: [String]) throws {
        let target = try #require(FuzzTargets.named("sbatch"))
        #expect(target.run(Array(fields.joined(separator: "\u{0}").utf8)) == .accepted)
    }

    /// `runexp-fuzz --target compare --seed 1`, iterations 98383, 281852, 763423, 796469 and 953539
    /// (here reduced to what they share): a setting whose test_mse values are 1.7e308 and -1.7e308
    /// has a std beyond a double, and Welch's test against it gave NaN degrees of freedom and p.
    @Test func welchsTestAgainstASpreadBeyondADoubleIsANumber() throws {
        let target = try #require(FuzzTargets.named("compare"))
        let runs = [
            ("x1", 0, "1.0e-3", "1.7e308"), ("x2", 1, "1.0e-3", "-1.7e308"), ("c", 0, "1.0e-4", "0.0712"),
            ("d", 1, "1.0e-4", "0.0735"),
        ]
        let bundle = runs.map { name, seed, lr, test in
            "--- \(name)/run.json\n{\"command\": [\"runexp\"], \"status\": \"complete\"}\n"
                + "--- \(name)/metrics.json\n{\"test_mse\": \(test)}\n"
                + "--- \(name)/resolved.yaml\nseed: \(seed)\ntrain: {lr: \(lr)}\n"
        }
        #expect(target.run(Array(bundle.joined().utf8)) == .accepted)
    }
}
