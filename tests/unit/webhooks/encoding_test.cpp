#include <catch2/catch.hpp>

#include "webhooks/address.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/timestamps.hpp"

using namespace webhooks;

TEST_CASE("base64 decoding reports the true length, not EVP_DecodeBlock's padded one") {
    CHECK(base64_decode("YQ==") == std::optional<std::string>("a"));
    CHECK(base64_decode("YWI=") == std::optional<std::string>("ab"));
    CHECK(base64_decode("YWJj") == std::optional<std::string>("abc"));
    CHECK(base64_decode("") == std::optional<std::string>(""));
}

TEST_CASE("base64 decoding refuses malformed input") {
    CHECK_FALSE(base64_decode("YQ="));
    CHECK_FALSE(base64_decode("Y==="));
    CHECK_FALSE(base64_decode("YQ==YQ=="));
    CHECK_FALSE(base64_decode("YW J"));
    CHECK_FALSE(base64_decode("YW\nJj"));
    CHECK_FALSE(base64_decode("YW-_"));
    CHECK_FALSE(base64_decode("=AAA"));
    CHECK_FALSE(base64_decode("YR=="));  // non-canonical: unused bits set, would decode like "YQ=="
}

TEST_CASE("base64 round-trips binary bytes") {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    CHECK(base64_decode(base64_encode(bytes)) == std::optional<std::string>(bytes));
}

TEST_CASE("hex encoding and strict decoding") {
    CHECK(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
    CHECK(hex_decode("00FF10") == std::optional<std::string>(std::string("\x00\xff\x10", 3)));
    CHECK_FALSE(hex_decode("abc"));
    CHECK_FALSE(hex_decode("zz"));
}

TEST_CASE("form decoding turns + into space before %XX and refuses broken escapes") {
    CHECK(form_decode("a+b%2Bc%40") == std::optional<std::string>("a b+c@"));
    CHECK_FALSE(form_decode("%4"));
    CHECK_FALSE(form_decode("%zz"));
}

TEST_CASE("HMAC and constant-time comparisons") {
    // RFC 4231 test case 2.
    CHECK(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(bytes_equal("abc", "abc"));
    CHECK_FALSE(bytes_equal("abc", "abd"));
    CHECK_FALSE(bytes_equal("abc", "abcd"));
    CHECK(secret_equal("s3cret", "s3cret"));
    CHECK_FALSE(secret_equal("s3cret", "s3creT"));
    CHECK_FALSE(secret_equal("", ""));
}

TEST_CASE("recipients become lowercased bare addr-specs") {
    CHECK(bare_address("User@Example.COM") == std::optional<std::string>("user@example.com"));
    CHECK(bare_address("  Jane Doe <Jane@Example.com> ") == std::optional<std::string>("jane@example.com"));
    CHECK(bare_address("<a@b.c>") == std::optional<std::string>("a@b.c"));
    CHECK_FALSE(bare_address(""));
    CHECK_FALSE(bare_address("no-at-sign"));
    CHECK_FALSE(bare_address("a@b@c"));
    CHECK_FALSE(bare_address("a b@c.d"));
    CHECK_FALSE(bare_address("Name <broken@x"));
    CHECK_FALSE(bare_address("@example.com"));
    CHECK_FALSE(bare_address("x@"));
}

TEST_CASE("UUIDs are kept only when UUID-shaped") {
    CHECK(is_uuid("d6da0074-1084-4aa1-9c62-65fde375d33c"));
    CHECK(uuid_or_empty("D6DA0074-1084-4AA1-9C62-65FDE375D33C") == "d6da0074-1084-4aa1-9c62-65fde375d33c");
    CHECK(uuid_or_empty("42").empty());
    CHECK(uuid_or_empty("d6da0074-1084-4aa1-9c62-65fde375d33z").empty());
    CHECK(uuid_or_empty("d6da00741-084-4aa1-9c62-65fde375d33c").empty());
}

TEST_CASE("diagnostics are derived from SMTP text") {
    const auto d = diagnostics_from_text("smtp; 550 5.1.1 <nope@nope.com>: Recipient address rejected");
    CHECK(d.status == "5.1.1");
    CHECK(d.reply_code == 550);
    const auto ip = diagnostics_from_text("host 10.4.4.1 said 421 4.7.0 try later");
    CHECK(ip.status == "4.7.0");
    CHECK(ip.reply_code == 421);
    CHECK(diagnostics_from_text("no codes here").status.empty());
}

TEST_CASE("timestamps are converted to RFC 3339 UTC") {
    CHECK(rfc3339_utc(1791108000) == "2026-10-04T10:00:00Z");
    CHECK(parse_rfc3339("2026-10-04T10:00:00Z") == std::optional<std::int64_t>(1791108000));
    CHECK(parse_rfc3339("2014-08-01T13:28:10.2735393-04:00") == parse_rfc3339("2014-08-01T17:28:10Z"));
    CHECK(parse_rfc3339("2016-08-17T07:43:12.776Z") == parse_rfc3339("2016-08-17T07:43:12Z"));
    CHECK_FALSE(parse_rfc3339("2016-08-17"));
    CHECK_FALSE(parse_rfc3339("2016-08-17T07:43:12"));
    CHECK_FALSE(parse_rfc3339("2016-13-17T07:43:12Z"));
    CHECK(parse_unix_seconds("1614265330") == std::optional<std::int64_t>(1614265330));
    CHECK_FALSE(parse_unix_seconds("-5"));
    CHECK_FALSE(parse_unix_seconds("12a"));
    CHECK_FALSE(parse_unix_seconds(""));
}

TEST_CASE("make_event normalizes and strips NUL characters from meta") {
    auto e = make_event({.source = "x",
                         .recipient = "Name <A@B.C>",
                         .type = "hard",
                         .idempotency_key = "k",
                         .created_at = "",
                         .campaign = "not-a-uuid",
                         .subscriber = "",
                         .payload = nlohmann::json{{"t", std::string("a\0b", 3)}},
                         .diagnostics = {}},
                        1791108000);
    REQUIRE(e);
    CHECK(e->email == "a@b.c");
    CHECK(e->campaign_uuid.empty());
    CHECK(e->idempotency_key == "x:k");
    CHECK(e->created_at == "2026-10-04T10:00:00Z");
    CHECK(e->meta["payload"]["t"] == "ab");
}
