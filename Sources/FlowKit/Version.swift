/// The release of chainflow this build is (`chainflow --version`). Raised with each release
/// entry of CHANGELOG.md; `-dev` while the changes under "Unreleased" are not released.
public enum ChainflowVersion {
    public static let text = "0.2.0-dev"
}
