// Spec module: see ../../../shared/DESIGN.md (Modules).
