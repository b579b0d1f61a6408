#include "dsn/address.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <catch2/catch.hpp>

using namespace dsn;

TEST_CASE("line endings become LF whatever the input used", "[text]") {
    CHECK(text::normalize_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd");
    CHECK(text::normalize_newlines("a\r\r\nb") == "a\nb");
    CHECK(text::normalize_newlines("plain\n") == "plain\n");
}

TEST_CASE("case-insensitive search finds mixed-case text", "[text]") {
    CHECK(text::ifind("User UNKNOWN here", "user unknown") == 0);
    CHECK(text::ifind("abc", "abcd") == std::string_view::npos);
    CHECK(text::icontains("Mailbox Is Full", "mailbox is full"));
}

TEST_CASE("addresses are normalized to lowercased bare addr-specs", "[address]") {
    CHECK(address::normalize("rfc822; <User@Example.COM>") == "user@example.com");
    CHECK(address::normalize("RFC822;kijitora@example.org") == "kijitora@example.org");
    CHECK(address::normalize("Neko Cat <neko@example.jp>") == "neko@example.jp");
    CHECK(address::normalize("utf-8; user@example.net (comment)") == "user@example.net");
    CHECK(address::normalize("rfc822; kijitora").empty());
    CHECK(address::normalize("").empty());
    CHECK(address::find_all("to <a@example.com> and b@example.org.") ==
          std::vector<std::string>{"a@example.com", "b@example.org"});
}

TEST_CASE("UUIDs are recognized only in their 8-4-4-4-12 shape", "[address]") {
    CHECK(address::is_uuid("5911d3f4-2346-4bfc-aad2-eb319ab0e879"));
    CHECK(address::is_uuid("5911D3F4-2346-4BFC-AAD2-EB319AB0E879"));
    CHECK_FALSE(address::is_uuid("5911d3f4-2346-4bfc-aad2-eb319ab0e87"));
    CHECK_FALSE(address::is_uuid("5911d3f4x2346-4bfc-aad2-eb319ab0e879"));
}

TEST_CASE("status and reply codes are found without mistaking IPs and dates", "[smtp]") {
    CHECK(smtp::find_status("550 5.1.1 <a@b.c>... User unknown") == "5.1.1");
    CHECK(smtp::find_status("host [192.0.2.1] said 4.4.1 timeout") == "4.4.1");
    CHECK(smtp::find_status("version 1.2.3.4 only").empty());
    CHECK(smtp::find_reply_code("smtp; 550-5.7.26 unauthenticated") == "550");
    CHECK(smtp::find_reply_code("at 2013 12:34:56 no code").empty());
    CHECK(smtp::find_reply_code("said: 452 4.3.2 busy") == "452");
    CHECK(smtp::leading_status("5.0.0 (permanent failure)") == "5.0.0");
    CHECK(smtp::leading_status("permanent").empty());
}

TEST_CASE("multi-line SMTP replies collapse into one readable line", "[smtp]") {
    CHECK(smtp::clean_diagnostic("smtp; 550-5.1.1 The email account that you tried to reach does\n"
                                 "    550-5.1.1 not exist. Please try\n    550 5.1.1 double-checking") ==
          "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking");
}
