enum FlowSimPlaceholder {}
