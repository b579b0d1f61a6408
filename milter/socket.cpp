#include "milter/socket.hpp"

#include <dirent.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace milter {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string errno_text(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

SocketSpec parse_socket_spec(const std::string& spec) {
    SocketSpec out;
    std::string path;
    if (starts_with(spec, "unix:")) path = spec.substr(5);
    else if (starts_with(spec, "local:")) path = spec.substr(6);
    else if (!spec.empty() && spec.front() == '/') path = spec;
    else if (starts_with(spec, "inet:") || starts_with(spec, "inet6:")) {
        const auto colon = spec.find(':');
        const std::string rest = spec.substr(colon + 1);
        const auto at = rest.find('@');
        const std::string port = rest.substr(0, at);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
            throw std::invalid_argument("socket \"" + spec + "\": expected inet:PORT@HOST");
        out.spec = spec;
        return out;
    } else {
        throw std::invalid_argument("socket \"" + spec +
                                    "\": expected unix:/path, local:/path, inet:port@host or inet6:port@host");
    }
    if (path.empty() || path.front() != '/')
        throw std::invalid_argument("socket \"" + spec + "\": a unix socket needs an absolute path");
    if (path.size() >= sizeof(sockaddr_un{}.sun_path))
        throw std::invalid_argument("socket \"" + spec + "\": path too long for a unix socket");
    out.spec = "unix:" + path;
    out.unix_path = path;
    return out;
}

void remove_stale_unix_socket(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        throw std::runtime_error(errno_text("cannot inspect " + path, errno));
    }
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error(path + " exists and is not a socket; refusing to remove it");

    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(errno_text("socket", errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int err = errno;
    close(fd);
    if (rc == 0) throw std::runtime_error("another process is listening on " + path);
    if (err != ECONNREFUSED) throw std::runtime_error(errno_text("cannot probe " + path, err));
    if (unlink(path.c_str()) != 0 && errno != ENOENT)
        throw std::runtime_error(errno_text("cannot remove stale socket " + path, errno));
}

void set_unix_socket_access(const std::string& path, const std::string& mode, const std::string& group) {
    if (!mode.empty()) {
        char* end = nullptr;
        const unsigned long bits = std::strtoul(mode.c_str(), &end, 8);
        if (end == mode.c_str() || *end != '\0' || bits > 07777)
            throw std::runtime_error("socket_mode \"" + mode + "\" is not an octal mode like 0660");
        // Exactly the configured mode: bind() applied whatever umask the milter was started with (0 in
        // many init scripts, leaving the socket world-writable), and the configured mode must narrow that.
        const mode_t wanted = static_cast<mode_t>(bits);
        if (chmod(path.c_str(), wanted) != 0)
            throw std::runtime_error(errno_text("chmod " + path, errno));
    }
    if (!group.empty()) {
        const struct group* g = getgrnam(group.c_str());
        if (!g) throw std::runtime_error("socket_group \"" + group + "\" does not exist");
        if (chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
            throw std::runtime_error(errno_text("chgrp " + group + " " + path, errno));
    }
}

namespace {

// The port of an "inet:PORT@HOST" / "inet6:PORT@HOST" spec, or 0.
int inet_port(const std::string& spec) {
    if (!starts_with(spec, "inet:") && !starts_with(spec, "inet6:")) return 0;
    const std::string rest = spec.substr(spec.find(':') + 1);
    try {
        return std::stoi(rest.substr(0, rest.find('@')));
    } catch (const std::exception&) {
        return 0;
    }
}

bool is_listener_on_port(int fd, int port) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return false;
    sockaddr_storage address{};
    len = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) return false;
    if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port) == port;
    if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port) == port;
    return false;
}

}  // namespace

bool set_listener_tcp_nodelay(const std::string& spec) {
    const int port = inet_port(spec);
    if (port <= 0) return false;
    DIR* fds = opendir("/proc/self/fd");
    if (!fds) return false;
    bool done = false;
    while (const dirent* entry = readdir(fds)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(fds)) continue;
        if (!is_listener_on_port(static_cast<int>(fd), port)) continue;
        const int on = 1;
        done = setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0;
        break;
    }
    closedir(fds);
    return done;
}

}  // namespace milter
