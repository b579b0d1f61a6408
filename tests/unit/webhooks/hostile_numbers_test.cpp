// Numbers and dates from provider JSON that the fuzz target webhook_providers found mishandled:
// an out-of-range JSON number converted straight to an integer (undefined behaviour, 1e300 as a
// Mailgun timestamp), and far dates written as a created_at that is no RFC 3339 date.
// The inputs themselves are replayed by CTest from tests/fuzz/seeds/webhook_providers/crash-*.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "support.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/timestamps.hpp"

using namespace test_support;
using webhooks::Outcome;

TEST_CASE("hostile numbers: numeric timestamps outside 1970..9999 are no timestamps") {
    using webhooks::unix_seconds_from_number;
    CHECK(unix_seconds_from_number(1790000000.75) == 1790000000);
    CHECK(unix_seconds_from_number(0) == 0);
    CHECK(unix_seconds_from_number(253402300799.0) == 253402300799);
    CHECK_FALSE(unix_seconds_from_number(253402300800.0));
    CHECK_FALSE(unix_seconds_from_number(1e300));
    CHECK_FALSE(unix_seconds_from_number(-1));
    CHECK_FALSE(unix_seconds_from_number(std::numeric_limits<double>::infinity()));
    CHECK_FALSE(unix_seconds_from_number(std::nan("")));
}

TEST_CASE("hostile numbers: dates are RFC 3339 with four-digit years or refused") {
    CHECK(webhooks::parse_rfc3339("9999-12-31T23:59:59Z") == webhooks::max_rfc3339_seconds);
    CHECK_FALSE(webhooks::parse_rfc3339("9999-12-31T23:59:59-01:00"));  // the year 10000 in UTC
    CHECK_FALSE(webhooks::parse_rfc3339("0000-01-01T00:00:00Z"));
    CHECK_FALSE(webhooks::parse_rfc3339("1969-12-31T23:59:59Z"));
    CHECK(webhooks::parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    // Whatever a caller passes, the text stays RFC 3339.
    CHECK(webhooks::rfc3339_utc(99999999999999) == "9999-12-31T23:59:59Z");
    CHECK(webhooks::rfc3339_utc(-62135596800) == "1970-01-01T00:00:00Z");
}

TEST_CASE("hostile numbers: integer fields that do not fit an int are absent") {
    const auto json = nlohmann::json::parse(R"({"a":550,"b":1e300,"c":-1e300,"d":"2147483648","e":"-12.5"})");
    CHECK(webhooks::int_field(json, "a") == 550);
    CHECK_FALSE(webhooks::int_field(json, "b"));
    CHECK_FALSE(webhooks::int_field(json, "c"));
    CHECK_FALSE(webhooks::int_field(json, "d"));
    CHECK(webhooks::int_field(json, "e") == -12);
    CHECK_FALSE(webhooks::int_field(json, "missing"));
}

TEST_CASE("hostile numbers: a Mailgun event with absurd numbers is still recorded, dated now") {
    const std::string key = "fuzz-mailgun-key";
    const std::int64_t now = 1790000000;
    conf::ProviderConfig c;
    c.signing_key = key;
    auto p = make("mailgun", c, services_at(now));
    for (const char* timestamp : {"1e300", "-5", "99999999999999"}) {
        const std::string token = std::string("token-") + timestamp;
        const std::string body =
            R"({"signature":{"timestamp":")" + std::to_string(now) + R"(","token":")" + token + R"(","signature":")" +
            webhooks::hex_encode(webhooks::hmac_sha256(key, std::to_string(now) + token)) +
            R"("},"event-data":{"event":"failed","severity":"permanent","recipient":"a@example.com","timestamp":)" +
            timestamp + R"(,"delivery-status":{"code":1e300,"message":"no such user"}}})";
        const Outcome o = p->handle(OwnedRequest(body).request);
        INFO(timestamp);
        REQUIRE(o.status == 200);
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].created_at == webhooks::rfc3339_utc(now));
        CHECK_FALSE(o.events[0].meta.contains("reply_code"));
    }
}
