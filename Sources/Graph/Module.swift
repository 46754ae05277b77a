// Graph module: see ../../../shared/DESIGN.md (Modules).
