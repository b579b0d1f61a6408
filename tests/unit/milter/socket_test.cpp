#include "milter/socket.hpp"

#include <catch2/catch.hpp>

#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

using milter::parse_socket_spec;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/milter-socket-test-XXXXXX";
        const char* p = mkdtemp(tmpl);
        REQUIRE(p != nullptr);
        path = p;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// A listening unix socket at `path`; closing the fd leaves the file behind, like a crashed milter.
int listen_unix(const std::string& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd, 1) == 0);
    return fd;
}

bool exists(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("socket specs are parsed, unix paths extracted") {
    CHECK(parse_socket_spec("unix:/run/bm/bm.sock").unix_path == "/run/bm/bm.sock");
    CHECK(parse_socket_spec("local:/run/bm/bm.sock").spec == "unix:/run/bm/bm.sock");
    CHECK(parse_socket_spec("/run/bm.sock").spec == "unix:/run/bm.sock");
    CHECK(parse_socket_spec("inet:8895@127.0.0.1").spec == "inet:8895@127.0.0.1");
    CHECK(parse_socket_spec("inet:8895@127.0.0.1").unix_path.empty());
    CHECK(parse_socket_spec("inet6:8895@[::1]").spec == "inet6:8895@[::1]");

    CHECK_THROWS_AS(parse_socket_spec(""), std::invalid_argument);
    CHECK_THROWS_AS(parse_socket_spec("unix:relative.sock"), std::invalid_argument);
    CHECK_THROWS_AS(parse_socket_spec("inet:127.0.0.1:8895"), std::invalid_argument);  // Postfix's order
    CHECK_THROWS_AS(parse_socket_spec("tcp:8895"), std::invalid_argument);
    CHECK_THROWS_AS(parse_socket_spec("unix:/" + std::string(200, 'x')), std::invalid_argument);
}

TEST_CASE("a stale unix socket is removed, a live one is left alone") {
    TempDir dir;
    const std::string path = dir.path + "/m.sock";

    milter::remove_stale_unix_socket(path);  // nothing there: fine

    const int live = listen_unix(path);
    CHECK_THROWS_WITH(milter::remove_stale_unix_socket(path), Catch::Contains("another process is listening"));
    CHECK(exists(path));

    close(live);  // file stays, nobody listens: stale
    REQUIRE(exists(path));
    milter::remove_stale_unix_socket(path);
    CHECK_FALSE(exists(path));

    std::ofstream(path) << "not a socket";
    CHECK_THROWS_WITH(milter::remove_stale_unix_socket(path), Catch::Contains("not a socket"));
    CHECK(exists(path));
}

TEST_CASE("socket_mode sets exactly the configured mode: it widens a umask's result and narrows a permissive one") {
    TempDir dir;
    const std::string path = dir.path + "/m.sock";
    const mode_t old_mask = umask(0077);
    const int fd = listen_unix(path);
    umask(old_mask);

    milter::set_unix_socket_access(path, "0660", "");
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0660);

    chmod(path.c_str(), 0666);  // as created under umask 000: any local user could inject bounces
    milter::set_unix_socket_access(path, "0660", "");
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0660);
    milter::set_unix_socket_access(path, "0600", "");
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const struct group* own = getgrgid(getegid());
    REQUIRE(own != nullptr);
    milter::set_unix_socket_access(path, "", own->gr_name);
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK(st.st_gid == getegid());

    CHECK_THROWS_WITH(milter::set_unix_socket_access(path, "rw", ""), Catch::Contains("octal"));
    CHECK_THROWS_WITH(milter::set_unix_socket_access(path, "", "no-such-group-xyz"), Catch::Contains("does not exist"));
    close(fd);
}

namespace {

int tcp_nodelay(int fd) {
    int on = -1;
    socklen_t len = sizeof on;
    REQUIRE(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0);
    return on;
}

}  // namespace

TEST_CASE("TCP_NODELAY is set on the listener of an inet spec and inherited by accepted connections") {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener, 4) == 0);
    socklen_t len = sizeof address;
    REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &len) == 0);
    const std::string port = std::to_string(ntohs(address.sin_port));

    REQUIRE(tcp_nodelay(listener) == 0);
    CHECK_FALSE(milter::set_listener_tcp_nodelay("unix:/tmp/x.sock"));
    CHECK_FALSE(milter::set_listener_tcp_nodelay("inet:1@127.0.0.1"));  // nothing of ours listens there
    CHECK(tcp_nodelay(listener) == 0);
    REQUIRE(milter::set_listener_tcp_nodelay("inet:" + port + "@127.0.0.1"));
    CHECK(tcp_nodelay(listener) == 1);

    // The property the milter relies on: libmilter's accepted sockets inherit the option.
    const int client = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const int accepted = accept(listener, nullptr, nullptr);
    REQUIRE(accepted >= 0);
    CHECK(tcp_nodelay(accepted) == 1);
    close(accepted);
    close(client);
    close(listener);
}
