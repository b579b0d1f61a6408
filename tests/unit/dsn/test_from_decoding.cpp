// load_message works out the From of plain-ASCII values itself instead of asking GMime; these tests
// hold it to what GMime gives (g_mime_object_get_header, decoded once more) over thousands of
// generated values with folds, quotes, comments and stray '=' and '?', and over the values that
// still go through GMime (encoded words, 8-bit bytes, a second From field).
#include "dsn/message.hpp"

#include <catch2/catch.hpp>
#include <gmime/gmime.h>

#include <random>
#include <string>

namespace {

std::string gmime_from(const std::string& message) {
    g_mime_init();
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(message.data(), message.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* parsed = g_mime_parser_construct_message(parser, nullptr);
    std::string out;
    if (parsed) {
        if (const char* from = g_mime_object_get_header(GMIME_OBJECT(parsed), "From")) {
            char* decoded = g_mime_utils_header_decode_text(nullptr, from);
            out = decoded ? decoded : from;
            g_free(decoded);
        }
        g_object_unref(parsed);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return out;
}

void check_same_from(const std::string& message) {
    auto loaded = dsn::load_message(message);
    REQUIRE(loaded);
    INFO("message: " << message);
    CHECK(loaded->from == gmime_from(message));
}

}  // namespace

TEST_CASE("plain From values come out as GMime decodes them", "[message][from]") {
    std::mt19937 random(20261127);
    const std::string alphabet = "abcXYZ019 \t<>@.\"(),;:\\=?_-[]'!#$%&*+/^`{|}~";
    for (int n = 0; n < 5000; ++n) {
        std::string value;
        const int length = static_cast<int>(random() % 40);
        for (int i = 0; i < length; ++i) {
            const unsigned pick = random() % 100;
            if (pick < 3) value += "\n ";
            else if (pick < 4) value += "\n\t";
            else value.push_back(alphabet[random() % alphabet.size()]);
        }
        check_same_from("From:" + value + "\nSubject: s\n\nbody\n");
    }
}

TEST_CASE("From values with encoded words, 8-bit bytes or a second field match GMime too", "[message][from]") {
    check_same_from("From: =?UTF-8?B?TWFpbCBEZWxpdmVyeQ==?= <mailer-daemon@example.org>\n\nbody\n");
    check_same_from("From: \"=?iso-8859-1?q?J=F6rg?=\" <j@example.de>\n\nbody\n");
    check_same_from("From: J\xc3\xb6rg <j@example.de>\n\nbody\n");
    check_same_from("From: J\xf6rg <j@example.de>\n\nbody\n");
    check_same_from("From: first@example.org\nfrom: second@example.org\n\nbody\n");
    check_same_from("FROM:   spaced   out   \n\nbody\n");
    check_same_from("From:\n\nbody\n");
    check_same_from("Subject: no from\n\nbody\n");
    check_same_from("From: a\x01" "b@example.org\n\nbody\n");
}
