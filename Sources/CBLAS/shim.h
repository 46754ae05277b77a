#include <cblas.h>

// OpenBLAS's thread server exports these, but cblas.h does not declare them. runexp uses them
// once at start-up to make the worker threads sleep between products (see Kernels' BLASThreads).
void openblas_read_env(void);
int openblas_thread_timeout(void);
int blas_thread_shutdown_(void);
int blas_thread_init(void);

// A DYNAMIC_ARCH OpenBLAS picks its kernel family ("core type") when it loads; these forget the
// choice and make it again, reading OPENBLAS_CORETYPE (see Kernels' BLASCore).
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);
