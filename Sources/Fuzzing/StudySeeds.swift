/// The seeds of the study targets: `study.json` files as `runexp sweep` writes them, command-line
/// values for the Slurm engine, and run folders for `compare`, plus the tokens each mutator inserts.
enum StudySeeds {
    static let studyFiles = [
        """
        {
          "engine": "local",
          "grid": [],
          "name": "cnn_ae",
          "seeds": [0, 1, 2],
          "set": [],
          "spec": "/home/ada/runexp/experiments/cnn_ae.yaml",
          "trials": [
            {"exit_code": 0, "folder": "trial-000", "index": 0, "seconds": 12.5, "seed": 0, "setting": {}, "status": "complete"},
            {"exit_code": 0, "folder": "trial-001", "index": 1, "seconds": 12.25, "seed": 1, "setting": {}, "status": "complete"},
            {"exit_code": 1, "folder": "trial-002", "index": 2, "seconds": 3.125, "seed": 2, "setting": {}, "status": "failed"}
          ]
        }

        """,
        """
        {
          "engine": "slurm",
          "grid": [
            {
              "key": "train.batch_size",
              "values": [
                "64",
                "128"
              ]
            }
          ],
          "name": "aae_mlp",
          "seeds": [
            0,
            1
          ],
          "set": [
            "train.epochs=2"
          ],
          "spec": "/scratch/ada/experiments/aae_mlp.yaml",
          "trials": [
            {
              "folder": "trial-000",
              "index": 0,
              "job_id": "4211_0",
              "seed": 0,
              "setting": {
                "train.batch_size": "64"
              },
              "status": "running"
            },
            {
              "exit_code": 0,
              "folder": "trial-001",
              "index": 1,
              "job_id": "4211_1",
              "seconds": 98.75,
              "seed": 1,
              "setting": {
                "train.batch_size": "64"
              },
              "status": "complete"
            },
            {
              "folder": "trial-002",
              "index": 2,
              "job_id": "4212_2",
              "seed": 0,
              "setting": {
                "train.batch_size": "128"
              },
              "status": "interrupted"
            },
            {
              "folder": "trial-003",
              "index": 3,
              "seed": 1,
              "setting": {
                "train.batch_size": "128"
              },
              "status": "pending"
            }
          ]
        }

        """,
        """
        {
          "engine": "local",
          "grid": [
            {"key": "phases.reconstruction.optimizer.adam.lr", "values": ["1.0e-3", "3.0e-4"]},
            {"key": "description", "values": ["a b", "=HYPERLINK(\\"x\\")", "\\u00fcber\\n"]}
          ],
          "name": "vae_mlp",
          "seeds": [7],
          "set": ["train.epochs=1", "data.train_limit=500"],
          "spec": "experiments/vae mlp.yaml",
          "trials": [
            {"folder": "trial-000", "index": 0, "seed": 7, "status": "complete"},
            {"folder": "trial-001", "index": 1, "seed": 7, "status": "complete"},
            {"folder": "trial-002", "index": 2, "seed": 7, "status": "running"},
            {"folder": "trial-003", "index": 3, "seed": 7, "status": "pending"},
            {"folder": "trial-004", "index": 4, "seed": 7, "status": "failed"},
            {"folder": "trial-005", "index": 5, "seed": 7, "status": "interrupted"}
          ]
        }

        """,
    ]

    static let studyTokens = [
        "{", "}", "[", "]", ",", ":", "\"", "\\\"", "\\\\", "\\n", "\\u0000", "\\ud800", "\\u2028", "null", "true",
        "false", "\"spec\"", "\"seeds\"", "\"grid\"", "\"set\"", "\"trials\"", "\"engine\"", "\"status\"",
        "\"job_id\"", "\"key\"", "\"values\"", "\"complete\"", "\"running\"", "\"pending\"", "\"failed\"",
        "\"interrupted\"", "\"slurm\"", "\"local\"", "{\"status\": \"complete\"}", "-1", "1.5", "1e400", "-0",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "[0, 0]", "[\"64\", \"64\"]", "{\"key\": \"train.epochs\", \"values\": [\"1\"]}", "[[[[[[[[", "4211_0",
        "../../etc/passwd", "\"$(touch pwned)\"",
    ]

    /// Fields of `SbatchRequest`.
    static let sbatchRequests = [
        [
            "time=30:00", "slurm-arg=--partition=short", "folder=/home/ada/results/cnn_ae/sweep-1",
            "executable=/usr/local/bin/runexp", "spec=/home/ada/experiments/cnn_ae.yaml", "threads=2", "seed=0",
            "seed=1", "grid=train.batch_size=64,128", "set=train.epochs=2",
        ],
        [
            "slurm-arg=--qos=normal", "slurm-arg=--account=ml-lab", "folder=/home/ada/my #1 100% study",
            "executable=/opt/run exp/bin/runexp", "spec=/home/ada/experiments/aae_mlp.yaml", "seed=3", "seed=7",
            "grid=train.epochs=1,2", "grid=phases.reconstruction.optimizer.adam.lr=1.0e-3,3.0e-4",
        ],
        [
            "time=UNLIMITED", "slurm-arg=--mail-type=END", "folder=/scratch/ünïcode/sweep-2",
            "executable=/usr/bin/runexp", "spec=/home/ada/it's here/vae.yaml", "threads=4", "seed=0",
            "set=description=a b", "set=data.train_limit=500",
        ],
        [
            "time=1-12:30:00", "slurm-arg=--comment=grid of 2", "folder=relative/study", "spec=spec.yaml",
            "grid=data.source.npy=/data/x=1.npy,/data/y.npy", "set=name=\"quoted\"",
        ],
    ]

    static let sbatchTokens = [
        "\u{0}", "=", "\n", "\r", "\r\n", "\t", " ", "\u{2028}", "\u{85}", "\u{1B}[31m", "'", "\"", "\\", "#", "%",
        "%3a", "%%", "$", "$(touch pwned)", "`id`", ";", "&", "|", ">", "<", "*", "?", "~", "{", "}", "!", "(", ")",
        "\u{301}", "\u{0D4E}", "\u{200D}", "\"\u{301}", "'\u{301}", "#\u{301}", "\\\u{301}", "é", "ü", "\u{FEFF}",
        "\u{FFFD}", ":", "-", "--", "..", "/", "\ntouch pwned",
        "time=", "slurm-arg=", "folder=", "executable=", "spec=", "threads=", "seed=", "set=", "grid=",
        "slurm-arg=--partition=", "folder=/", "UNLIMITED", "30:00", "1-12:30:00", "0", "99999", "1000000",
    ]

    static let resolvedFast = """
        name: vae_mlp                               # line 1
        seed: 0                                     # --seed 0
        data:
          source: mnist                             # line 3
          validation: 0.1                           # default
        networks:
          encoder:
            layers:
              - dense: {units: 64, bias: true}      # line 6; default: bias
              - relu                                # line 6
              - dense: {units: 4, bias: true}       # line 6; default: bias
          decoder:
            layers: [dense: 784, sigmoid]           # line 8
        phases:
          - name: reconstruction                    # line 10
            loss: mse(decoder(encoder(x)), x)       # line 11
            update: [encoder, decoder]              # line 12
            optimizer: {adam: {lr: 1.0e-3}}         # line 13
        train: {epochs: 1, batch_size: 64}          # line 14

        """

    static func resolved(seed: Int, lr: String) -> String {
        resolvedFast.replacingOccurrences(of: "seed: 0 ", with: "seed: \(seed) ")
            .replacingOccurrences(of: "lr: 1.0e-3", with: "lr: \(lr)")
    }

    static func runJSON(seed: Int, status: String, seconds: String = "12.345") -> String {
        """
        {
          "command": ["/usr/local/bin/runexp", "run", "experiments/vae_mlp.yaml", "--seed", "\(seed)"],
          "cwd": "/home/ada/runexp",
          "epochs_done": 1,
          "name": "vae_mlp",
          "seconds": \(seconds),
          "seed": \(seed),
          "spec": "experiments/vae_mlp.yaml",
          "started": "2025-06-01T10:00:00Z",
          "status": "\(status)",
          "steps": 29
        }

        """
    }

    static func metricsJSON(_ test: String, _ validation: String) -> String {
        """
        {
          "epochs": 1,
          "loss.reconstruction": 0.06954484515719944,
          "parameter_digest": "d17031e792bee350",
          "steps": 29,
          "test_mse": \(test),
          "train_mse": 0.05728133809235361,
          "validation_mse": \(validation)
        }

        """
    }

    static func run(_ name: String, seed: Int, lr: String, status: String, test: String, validation: String) -> String {
        "--- \(name)/run.json\n" + runJSON(seed: seed, status: status) + "--- \(name)/metrics.json\n"
            + metricsJSON(test, validation) + "--- \(name)/resolved.yaml\n" + resolved(seed: seed, lr: lr)
    }

    static let compareBundles = [
        run("a", seed: 0, lr: "1.0e-3", status: "complete", test: "0.0557605280354619", validation: "0.0543")
            + run("b", seed: 1, lr: "1.0e-3", status: "complete", test: "0.0561", validation: "0.0549")
            + run("c", seed: 0, lr: "1.0e-4", status: "complete", test: "0.0712", validation: "0.0701")
            + run("d", seed: 1, lr: "1.0e-4", status: "complete", test: "0.0735", validation: "0.0722"),
        run("a", seed: 0, lr: "1.0e-3", status: "complete", test: "0.0557", validation: "0.0543")
            + run("b", seed: 1, lr: "1.0e-3", status: "failed: loss is NaN", test: "0.0561", validation: "0.0549")
            + run("c", seed: 2, lr: "1.0e-3", status: "running", test: "0.0712", validation: "0.0701"),
        run("x1", seed: 0, lr: "1.0e-3", status: "complete", test: "1.6e308", validation: "-1.5e308")
            + run("x2", seed: 1, lr: "1.0e-3", status: "complete", test: "1.7e308", validation: "1e-320")
            + run("y1", seed: 0, lr: "3.0e-4", status: "complete", test: "-1.7e308", validation: "0")
            + run("y2", seed: 1, lr: "3.0e-4", status: "complete", test: "0.5", validation: "2.5e-324"),
    ]

    static let compareTokens = [
        "--- a/run.json\n", "--- b/metrics.json\n", "--- c/resolved.yaml\n", "--- a/resolved.yaml\n", "\n", "{", "}",
        "[", "]", ",", ":", "\"", "null", "true", "\"status\": \"complete\"", "\"status\": \"failed: x\"",
        "\"test_mse\": ", "\"validation_mse\": ", "\"seconds\": ", "1e308", "1.7976931348623157e308", "-1e308",
        "1e400", "-1e400", "5e-324", "-0", "NaN", "Infinity", "  ", "- ", ": ", "{a: 1}", "[1, 2]", "&a ", "*a",
        "!!str ", "? ", "|\n", "#", "'", "train:", "seed: ", "lr: ", "name: ",
    ]
}
