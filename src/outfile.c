/* outfile: a finished file written whole or not at all. */
#include "outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The process umask, read without changing it (umask(2) is not thread-safe). */
static mode_t current_umask(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return mask;
    char line[128];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Umask:", 6) == 0) {
            mask = (mode_t)strtoul(line + 6, NULL, 8);
            break;
        }
    fclose(f);
    return mask & 0777;
}

/* "what: strerror(e)" into err; strerror_r, as strerror is not thread-safe. */
static int failed(char *err, size_t errlen, const char *what, int e)
{
    char s[128];
    if (strerror_r(e, s, sizeof s) != 0)
        snprintf(s, sizeof s, "error %d", e);
    snprintf(err, errlen, "%s: %s", what, s);
    return -1;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int outfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base) {
        snprintf(err, errlen, "not a file name");
        return -1;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)(base - path), path, base); /* "dir/.name.XXXXXX" */

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return failed(err, errlen, "cannot create a file in the output folder", e);
    }
    const char *step = "cannot write the file";
    if (fchmod(fd, 0666 & ~current_umask()) != 0 || write_all(fd, data, len) != 0)
        goto bad;
    int fd_closing = fd;
    fd = -1;
    if (close(fd_closing) != 0)
        goto bad;
    step = "cannot replace the file";
    if (rename(tmp, path) != 0)
        goto bad;
    free(tmp);
    return 0;
bad:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return failed(err, errlen, step, e);
}
