enum FlowStorePlaceholder {}
