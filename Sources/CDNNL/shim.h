// oneDNN's C API (Debian's libdnnl-dev ships no pkg-config file, so the header and library are
// named here directly). The Debian build runs its threads on OpenMP (libgomp).
#include <oneapi/dnnl/dnnl.h>
