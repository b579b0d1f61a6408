#include "tools/message_headers.hpp"

#include <catch2/catch.hpp>

#include <ctime>

using namespace tools;

namespace {

const char* kMessage =
    "Return-Path: <>\r\n"
    "Delivered-To: bounces+5911d3f4-2346-4bfc-aad2-eb319ab0e879@lists.example.com\r\n"
    "X-Original-To: Bounces+5911d3f4-2346-4bfc-aad2-eb319ab0e879@Lists.Example.com\r\n"
    "To: \"Bounce, Handler\" <bounces@lists.example.com>,\r\n"
    "\tother@example.org\r\n"
    "Date: Tue, 21 Jul 2026 12:30:00 +0200 (CEST)\r\n"
    "Subject: Undelivered Mail\r\n"
    "\r\n"
    "Delivered-To: body@example.org\r\n";

}  // namespace

TEST_CASE("header values are unfolded and matched case-insensitively, body excluded") {
    auto to = header_values(kMessage, "to");
    REQUIRE(to.size() == 1);
    CHECK(to[0] == "\"Bounce, Handler\" <bounces@lists.example.com>, other@example.org");
    CHECK(header_values(kMessage, "Delivered-To").size() == 1);
    CHECK(header_values(kMessage, "X-Missing").empty());
}

TEST_CASE("delivery addresses: delivery headers first, then To, bare and deduplicated") {
    auto a = delivery_addresses(kMessage);
    REQUIRE(a.size() == 4);
    CHECK(a[0] == "bounces+5911d3f4-2346-4bfc-aad2-eb319ab0e879@lists.example.com");
    CHECK(a[1] == "Bounces+5911d3f4-2346-4bfc-aad2-eb319ab0e879@Lists.Example.com");
    CHECK(a[2] == "bounces@lists.example.com");  // the comma inside the quoted name does not split
    CHECK(a[3] == "other@example.org");
}

TEST_CASE("the Date header becomes the event time, with its zone applied") {
    auto when = message_date(kMessage);
    REQUIRE(when);
    CHECK(std::chrono::system_clock::to_time_t(*when) == 1784629800);  // 2026-07-21T10:30:00Z
    CHECK_FALSE(message_date("Date: yesterday\r\n\r\n"));
    CHECK_FALSE(message_date("Subject: none\r\n\r\n"));
    CHECK(message_date("Date: 21 Jul 2026 10:30:00 +0000\n\n"));
    // Found by tests/fuzz (fuzz_message_headers): a far-future year overflowed system_clock (UBSan).
    CHECK_FALSE(message_date("Date: 1 Jan 8391 00:00:00 +0900\n\n"));
    CHECK_FALSE(message_date("Date: Mon, 1 Jan 2262 00:00:00 +0000\n\n"));
}
