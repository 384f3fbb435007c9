import Foundation

/// The facts of the sample case database (`SampleCase` in FlowKit builds it from SampleData) and
/// the two tags the tests add to it: a label that is markup (`<script>alert(1)</script>`,
/// category exchange) on a clustered address, and Hal Finney's address. FlowKitTests builds the
/// database once (`SampleCaseDB.store()` there); targets below FlowKit use only these facts.
package enum SampleCaseDB {
    package static let scriptLabel = "<script>alert(1)</script>"
    package static let hal = "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"
    package static let satoshi = "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S"
    /// One address of the only cluster of two the sample data gives (block 50001 spends two of
    /// its outputs together).
    package static let clustered = "1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae"

    /// Writes the extra tag file (CSV `address,label,category`) into `folder`; returns its path.
    package static func writeTags(in folder: String) throws -> String {
        let tags = folder + "/case-tags.csv"
        try "address,label,category\n\(clustered),\(scriptLabel),exchange\n\(hal),Hal Finney,person\n"
            .write(toFile: tags, atomically: true, encoding: .utf8)
        return tags
    }
}
