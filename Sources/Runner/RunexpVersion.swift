/// The version runexp reports in `--version` and records in every run.
public enum RunexpVersion {
    public static let string = "0.1.0"
}
