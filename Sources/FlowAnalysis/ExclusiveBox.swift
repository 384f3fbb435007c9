import Dispatch

/// Mutable state handed to exactly one concurrent worker while the others leave it alone.
///
/// `parallelMap` (FlowModel) cannot prove that only one worker touches the value, so this box vouches for it:
/// use it only where one index of the map owns the value (as `ClusterUnionFind.merge` does for
/// the union-find arrays, which chunk 0 updates while the other chunks work on private copies).
final class ExclusiveBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
