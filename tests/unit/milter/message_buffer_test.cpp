#include "milter/message_buffer.hpp"

#include <catch2/catch.hpp>
#include <string>

using milter::MessageBuffer;

TEST_CASE("headers and body are rebuilt into message bytes") {
    MessageBuffer buffer(1 << 20);
    buffer.add_header("From", "MAILER-DAEMON@mx.example", false);
    buffer.add_header("Content-Type", "multipart/report; report-type=delivery-status;\n\tboundary=\"b1\"", false);
    buffer.add_body("--b1\r\nbody\r\n");
    CHECK(std::string(buffer.bytes()) ==
          "From: MAILER-DAEMON@mx.example\r\n"
          "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"b1\"\r\n"
          "\r\n"
          "--b1\r\nbody\r\n");
    CHECK_FALSE(buffer.truncated());
}

TEST_CASE("values passed with their leading space are kept verbatim") {
    MessageBuffer buffer(1 << 20);
    buffer.add_header("Subject", "  two spaces", true);
    buffer.add_header("X-Empty", "", true);
    CHECK(std::string(buffer.bytes()) == "Subject:  two spaces\r\nX-Empty:\r\n\r\n");
}

TEST_CASE("a header-only message still ends with the separator") {
    MessageBuffer buffer(1 << 20);
    buffer.add_header("A", "b", false);
    CHECK(std::string(buffer.bytes()) == "A: b\r\n\r\n");
}

TEST_CASE("the body is cut at the limit and reports when full") {
    MessageBuffer buffer(20);
    buffer.add_header("A", "b", false);  // 6 bytes
    CHECK(buffer.add_body("0123456789"));   // 2 + 10 = 18
    CHECK_FALSE(buffer.add_body("abcdef"));  // 2 more fit
    CHECK(buffer.size() == 20);
    CHECK(buffer.truncated());
    CHECK(std::string(buffer.bytes()) == "A: b\r\n\r\n0123456789ab");
    CHECK_FALSE(buffer.add_body("more"));
    CHECK(buffer.size() == 20);
}

TEST_CASE("headers past the limit are dropped whole") {
    MessageBuffer buffer(16);
    buffer.add_header("A", "b", false);                  // 6
    buffer.add_header("Long", "0123456789abcdef", false);  // would exceed
    buffer.add_header("C", "d", false);                  // still fits: 12
    CHECK(buffer.truncated());
    CHECK(std::string(buffer.bytes()) == "A: b\r\nC: d\r\n\r\n");
}

TEST_CASE("reset starts over with a new limit") {
    MessageBuffer buffer(8);
    buffer.add_body("0123456789");
    CHECK(buffer.truncated());
    buffer.reset(100);
    CHECK(buffer.size() == 0);
    CHECK_FALSE(buffer.truncated());
    CHECK(buffer.add_body("0123456789"));
    CHECK(std::string(buffer.bytes()) == "\r\n0123456789");
}
