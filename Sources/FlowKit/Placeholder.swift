enum FlowKitPlaceholder {}
