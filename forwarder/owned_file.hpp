// Files this project creates for its data (the file sink's JSON Lines, the outbox database) hold
// other people's addresses: they are created with exactly the mode asked for, whatever the umask, and
// a symbolic link planted at the path is never followed (run as root, a link to /etc/shadow would
// otherwise be appended to).
#pragma once

#include <sys/types.h>

#include <string>

namespace forwarder {

// open(2) with O_NOFOLLOW and O_CLOEXEC added to `flags`; when the file does not exist it is created
// with exactly `mode` (fchmod after creation, so the umask cannot widen or narrow it). Returns the
// descriptor, or -1 with `error` set.
int open_owned_file(const std::string& path, int flags, mode_t mode, std::string& error);

// Creates `path` empty with exactly `mode` when it does not exist yet; true when it exists afterwards.
bool create_owned_file(const std::string& path, mode_t mode, std::string& error);

}  // namespace forwarder
