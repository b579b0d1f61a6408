// The libcurl fetcher's own guard rails, checked without leaving loopback.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "webhooks/url_fetcher.hpp"

TEST_CASE("curl fetcher refuses anything but https, before connecting") {
    auto fetcher = webhooks::make_curl_fetcher();
    for (const char* url : {"http://127.0.0.1:1/x", "file:///etc/passwd", "gopher://127.0.0.1/", "ftp://127.0.0.1/",
                            "HTTPS://127.0.0.1:1/"}) {
        INFO(url);
        const auto r = fetcher->get(url, 1024);
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
    }
}

TEST_CASE("curl fetcher fails cleanly when nothing listens") {
    // Bind and close to get a loopback port that refuses connections.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    const auto r = webhooks::make_curl_fetcher()->get("https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", 1024);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
}
