// Report module: image grids, plots and the HTML report; see DESIGN.md (Modules).
