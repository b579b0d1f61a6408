// Text in charsets that need iconv (ISO-2022-JP, ISO-8859-1): dsn keeps one idle iconv descriptor
// per charset for the life of the process (dsn/message.cpp, keep_charset_loaded). Besides the
// decoded text checked here, the sanitized suite (tests/sanitize.sh) checks at this test's exit that
// LeakSanitizer finds those descriptors reachable: as destroyed function statics they were reported
// as leaks by every sanitized bounce-parse run over a Japanese bounce.
#include "dsn/message.hpp"

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("text and encoded words in iconv charsets decode to UTF-8, and the held descriptors stay reachable",
          "[message][charset]") {
    const std::string katakana_test = "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88";  // "テスト"
    // Twice, so the second message meets the descriptors held since the first.
    for (int round = 0; round < 2; ++round) {
        auto japanese = dsn::load_message(
            "From: MAILER-DAEMON@ezweb.ne.jp\n"
            "Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=ISO-2022-JP\n"
            "\n"
            "\x1b$B%F%9%H\x1b(B\n");
        REQUIRE(japanese);
        CHECK(japanese->subject == katakana_test);
        CHECK(japanese->text.find(katakana_test) != std::string::npos);

        auto latin1 = dsn::load_message(
            "From: postmaster@example.fr\n"
            "Subject: =?iso-8859-1?Q?caf=E9?=\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=iso-8859-1\n"
            "\n"
            "Bo\xeete pleine\n");
        REQUIRE(latin1);
        CHECK(latin1->subject == "caf\xc3\xa9");
        CHECK(latin1->text.find("Bo\xc3\xaete pleine") != std::string::npos);
    }
}
