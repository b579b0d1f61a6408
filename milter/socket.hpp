// Milter listening socket: unix:/path (local:/path) or inet:port@host / inet6:port@host.
#pragma once

#include <string>

namespace milter {

struct SocketSpec {
    std::string spec;       // as libmilter takes it
    std::string unix_path;  // set for unix:/local: sockets
};

// Accepts "unix:/p", "local:/p", "inet:port@host", "inet6:port@host" and a bare absolute path
// (treated as unix:). Throws std::invalid_argument with a readable message otherwise.
SocketSpec parse_socket_spec(const std::string& spec);

// Removes a stale unix socket left by a crashed instance: only when nothing answers on it (a
// connect gets ECONNREFUSED), so a second instance cannot steal a running one's socket.
// Throws std::runtime_error when another process is listening or the path is not a socket.
void remove_stale_unix_socket(const std::string& path);

// After libmilter created the socket: set its permissions and group so the MTA (user postfix) can
// connect. `mode` is octal text ("0660") and adds to what the umask already allowed; `group` may be
// empty (unchanged). Throws on failure.
void set_unix_socket_access(const std::string& path, const std::string& mode, const std::string& group);

// For an inet socket after libmilter opened it: TCP_NODELAY on the listening socket, which the
// connections it accepts inherit (Linux copies the option at accept). libmilter writes an end-of-message
// answer as several packets (a recipient removal, then the verdict); with Nagle the later ones wait for
// the MTA's delayed ACK of the first. libmilter does not hand out the descriptor, so it is found among
// the process's listening sockets by its port. Returns false when none matched (nothing is changed).
bool set_listener_tcp_nodelay(const std::string& spec);

}  // namespace milter
