#include "forwarder/owned_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace forwarder {

int open_owned_file(const std::string& path, int flags, mode_t mode, std::string& error) {
    flags &= ~(O_CREAT | O_EXCL);
    // Create-or-open in two steps so that only a file made here is chmod-ed; a file removed between
    // the steps is simply tried again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        int fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0) {
            if (::fchmod(fd, mode) != 0) {
                error = "chmod " + path + ": " + std::strerror(errno);
                ::close(fd);
                return -1;
            }
            return fd;
        }
        if (errno != EEXIST) break;
        fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno != ENOENT) break;
    }
    error = errno == ELOOP ? path + " is a symbolic link; refusing to follow it"
                           : "cannot open " + path + ": " + std::strerror(errno);
    return -1;
}

bool create_owned_file(const std::string& path, mode_t mode, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) return true;  // whatever is there is opened by its owner's rules
        error = "cannot create " + path + ": " + std::strerror(errno);
        return false;
    }
    const bool ok = ::fchmod(fd, mode) == 0;
    if (!ok) error = "chmod " + path + ": " + std::strerror(errno);
    ::close(fd);
    return ok;
}

}  // namespace forwarder
