// The connection gate's reading of a request head: complete, incomplete or refused, decided
// incrementally and within fixed budgets.
#include <catch2/catch.hpp>

#include <string>

#include "webhooks/request_head.hpp"

using webhooks::HeadLimits;
using webhooks::HeadVerdict;
using webhooks::RequestHeadScanner;

namespace {
HeadVerdict scan_whole(const std::string& text, HeadLimits limits = {}) {
    RequestHeadScanner scanner(limits);
    return scanner.scan(text);
}
}  // namespace

TEST_CASE("request head: complete heads give their framing") {
    const auto v = scan_whole("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nbody");
    REQUIRE(v.state == HeadVerdict::State::complete);
    CHECK(v.head_bytes == std::string("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n").size());
    CHECK(v.body_bytes == 12);
    CHECK_FALSE(v.chunked);
    const auto chunked = scan_whole("POST /x HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n");
    REQUIRE(chunked.state == HeadVerdict::State::complete);
    CHECK(chunked.chunked);
    CHECK(scan_whole("GET /healthz HTTP/1.1\r\n\r\n").body_bytes == 0);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expects_continue);
}

TEST_CASE("request head: fed a byte at a time, the verdict is the same as fed whole") {
    const std::string text = "POST /webhooks/service/postmark HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
    RequestHeadScanner scanner({});
    std::string received;
    HeadVerdict v;
    for (char c : text) {
        received.push_back(c);
        v = scanner.scan(received);
        if (v.state != HeadVerdict::State::incomplete) break;
    }
    REQUIRE(v.state == HeadVerdict::State::complete);
    CHECK(v.head_bytes == text.size() - 3);
    CHECK(v.body_bytes == 3);
}

TEST_CASE("request head: ambiguous framing is refused with 400") {
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").status == 400);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 5\r\ncontent-length:  5 \r\n\r\n").state ==
          HeadVerdict::State::complete);  // the same value twice is no ambiguity
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n").status == 400);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status == 400);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n").status == 400);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status == 400);
}

TEST_CASE("request head: budgets for bytes, lines and the announced body") {
    HeadLimits limits;
    limits.max_header_bytes = 1024;
    limits.max_headers = 10;
    limits.max_body_bytes = 100;
    std::string many = "POST /x HTTP/1.1\r\n";
    for (int i = 0; i < 11; ++i) many += "A: b\r\n";
    const auto lines = scan_whole(many, limits);
    CHECK(lines.state == HeadVerdict::State::refused);
    CHECK(lines.status == 431);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nX: " + std::string(2000, 'y') + "\r\n\r\n", limits).status == 431);
    CHECK(scan_whole(std::string(2000, '\n') + "POST /x HTTP/1.1\r\n\r\n", limits).status == 431);  // stray blank lines count
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits).status == 413);
    CHECK(scan_whole("POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n", limits).state == HeadVerdict::State::complete);
}

TEST_CASE("request head: 15 MB of tiny headers are refused after the byte budget, not read to the end") {
    RequestHeadScanner scanner({});
    std::string received = "POST /webhooks/service/postmark HTTP/1.1\r\n";
    HeadVerdict v;
    std::size_t fed = received.size();
    while (fed < (15u << 20)) {
        received += "a:b\r\n";
        fed += 5;
        v = scanner.scan(received);
        if (v.state != HeadVerdict::State::incomplete) break;
    }
    REQUIRE(v.state == HeadVerdict::State::refused);
    CHECK(v.status == 431);
    CHECK(received.size() <= HeadLimits{}.max_header_bytes + 5);
}
