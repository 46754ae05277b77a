// libjpeg(-turbo)'s classic API reports errors by calling error_exit, which must not return. Each
// function here sets its own jump point and turns every error (and every warning: a truncated file
// or corrupt data that libjpeg would fill with grey) into a NULL result with a message, so no
// longjmp ever crosses a Swift frame.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    char *message;
} runexp_jpeg_error;

static void runexp_jpeg_fail(j_common_ptr info) {
    runexp_jpeg_error *error = (runexp_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->escape, 1);
}

static void runexp_jpeg_message(j_common_ptr info, int level) {
    if (level < 0) runexp_jpeg_fail(info);
}

static void runexp_jpeg_silent(j_common_ptr info) { (void)info; }

// A progressive file may declare thousands of scans of a few bytes each, each a pass over the whole
// image: libjpeg-turbo's own advice is to stop such a file, as djpeg -maxscans does.
static void runexp_jpeg_count_scans(j_common_ptr info) {
    j_decompress_ptr decompress = (j_decompress_ptr)info;
    if (info->is_decompressor && decompress->input_scan_number > 1000) {
        runexp_jpeg_error *error = (runexp_jpeg_error *)info->err;
        snprintf(error->message, JMSG_LENGTH_MAX, "more than 1000 progressive scans");
        longjmp(error->escape, 1);
    }
}

static inline void runexp_jpeg_errors(runexp_jpeg_error *error, char *message) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = runexp_jpeg_fail;
    error->manager.emit_message = runexp_jpeg_message;
    error->manager.output_message = runexp_jpeg_silent;
    error->message = message;
    message[0] = 0;
}

/// Decodes the JPEG `data` into a malloc'd buffer of width × height × channels bytes, rows top to
/// bottom: channels is 1 for a grayscale file and 3 (RGB) for any other. A file wider or taller
/// than `max_side` or with more than `max_pixels` pixels is refused before anything is allocated.
/// On failure returns NULL and writes the reason (at most JMSG_LENGTH_MAX bytes) to `message`.
static inline unsigned char *runexp_jpeg_decode(
    const unsigned char *data, unsigned long size, unsigned long max_side, unsigned long max_pixels,
    int *width, int *height, int *channels, char *message) {
    struct jpeg_decompress_struct info;
    runexp_jpeg_error error;
    struct jpeg_progress_mgr progress;
    unsigned char *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    runexp_jpeg_errors(&error, message);
    info.err = &error.manager;
    if (setjmp(error.escape)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        return NULL;
    }
    jpeg_create_decompress(&info);
    progress.progress_monitor = runexp_jpeg_count_scans;
    info.progress = &progress;
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    unsigned long columns = info.image_width, rows = info.image_height;
    if (columns > max_side || rows > max_side || columns * rows > max_pixels) {
        snprintf(message, JMSG_LENGTH_MAX, "the header declares %lu×%lu pixels, more than the %lu per side or "
                 "%lu in all that runexp reads", columns, rows, max_side, max_pixels);
        jpeg_destroy_decompress(&info);
        return NULL;
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        snprintf(message, JMSG_LENGTH_MAX, "a CMYK JPEG; expected grayscale or colour (YCbCr or RGB)");
        jpeg_destroy_decompress(&info);
        return NULL;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    int depth = info.output_components;
    pixels = malloc(columns * rows * depth);
    if (pixels == NULL) {
        snprintf(message, JMSG_LENGTH_MAX, "out of memory for %lu×%lu pixels", columns, rows);
        jpeg_destroy_decompress(&info);
        return NULL;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (unsigned long)info.output_scanline * columns * depth;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *width = (int)columns;
    *height = (int)rows;
    *channels = depth;
    return pixels;
}

/// Encodes width × height × channels bytes (channels 1: grayscale, 3: RGB) as a baseline JPEG of
/// `quality` (1–100) into a malloc'd buffer of `*size` bytes, or returns NULL with the reason in
/// `message`.
static inline unsigned char *runexp_jpeg_encode(
    const unsigned char *pixels, int width, int height, int channels, int quality, unsigned long *size,
    char *message) {
    struct jpeg_compress_struct info;
    runexp_jpeg_error error;
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    memset(&info, 0, sizeof info);
    runexp_jpeg_errors(&error, message);
    info.err = &error.manager;
    if (setjmp(error.escape)) {
        jpeg_destroy_compress(&info);
        free(buffer);
        return NULL;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &length);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (unsigned long)info.next_scanline * width * channels);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *size = length;
    return buffer;
}
