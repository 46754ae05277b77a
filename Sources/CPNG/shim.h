// libpng's simplified API (png_image_*) only: it catches libpng's errors inside the library and
// returns 0 with a message, so no longjmp ever crosses a Swift frame.
#include <png.h>
