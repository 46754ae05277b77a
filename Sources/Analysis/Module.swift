// Analysis module: t-SNE and metrics of codes; see DESIGN.md (Modules).
