// Data module: see ../../../shared/DESIGN.md (Modules).
