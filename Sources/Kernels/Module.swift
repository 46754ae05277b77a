// Kernels module: see ../../../shared/DESIGN.md (Modules).
