// Runner module: see ../../../shared/DESIGN.md (Modules).
